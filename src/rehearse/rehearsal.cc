#include "rehearse/rehearsal.h"

#include <memory>

#include "base/clock.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "base/redactor.h"
#include "base/text.h"
#include "migrate/directory_source.h"
#include "postgres/local_postgres_guard.h"
#include "rehearse/rehearsal_interrupt.h"
#include "tools/external_command.h"
#include "tools/tool_history.h"

namespace {

/// A private directory under $TMPDIR for the copy's files (archives, the
/// --use-list file), removed with its contents when this goes away.
class ScopedWorkDir {
 public:
  explicit ScopedWorkDir(DiskInterface* disk) : disk_(disk) {
    std::string err;
    if (!disk_->MakeTempDir("slugwright-rehearse-", &path_, &err))
      throw UserError(kExitFailed, err);
    // Removes it if this process dies without the destructor (SIGPIPE,
    // SIGHUP, SIGKILL, ...). A SIGPIPE cannot fall between these two
    // lines: only this thread writes progress, and it writes none here. The
    // throwaway cluster, started on another thread while this one writes,
    // has its guard make its directory (LocalPostgresGuard::ForNewDirectory).
    guard_ = std::make_unique<LocalPostgresGuard>(path_);
  }
  ~ScopedWorkDir() {
    std::string ignored;
    disk_->RemoveAll(path_, &ignored);
  }
  ScopedWorkDir(const ScopedWorkDir&) = delete;
  ScopedWorkDir& operator=(const ScopedWorkDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  DiskInterface* disk_;
  std::string path_;
  std::unique_ptr<LocalPostgresGuard> guard_;
};

}  // namespace

Rehearser::Rehearser(const RehearsalOptions& options, RehearsalServices services)
    : o_(options), services_(services), table_(HistoryTableName::Parse(options.settings.table)) {}

Rehearser::~Rehearser() = default;

RehearsalOutcome Rehearser::Run() {
  struct CleanUpOnExit {
    Rehearser* rehearser;
    ~CleanUpOnExit() { rehearser->CleanUp(); }
  } clean_up{this};
  CheckRequest();
  Prepare();
  Snapshot();
  CheckVersions();
  if (std::optional<RehearsalOutcome> up_to_date = PlanOnSource()) return *up_to_date;
  ThrowIfInterrupted("before the copy");
  CreateScratch();
  ThrowIfInterrupted("before the copy");
  Copy();
  ThrowIfInterrupted("after the copy");
  MigrationPlan plan;
  if (std::optional<RehearsalOutcome> up_to_date = PlanOnCopy(&plan)) return *up_to_date;
  return Report(Apply(plan));
}

void Rehearser::CleanUp() noexcept {
  scratch_.reset();
  if (services_.source) services_.source->Close();
}

void Rehearser::ThrowIfInterrupted(const std::string& during) const {
  ThrowIfRehearsalInterrupted(services_.interrupt, during);
}

/// Refusals that need no file, tool or database.
void Rehearser::CheckRequest() {
  if (o_.probe && !command_mode())
    throw UserError(kExitUsage, "--probe measures a release that runs its own tool "
                                "(release.command); this app's migrations are slugwright's "
                                "own files, whose locks the report already names");
  if (o_.keep && o_.into_url.empty())
    throw UserError(kExitUsage, "--keep keeps the scratch database of --into URL; the "
                                "embedded cluster is always removed");
  if (o_.jobs < 1) throw UserError(kExitUsage, "--jobs must be at least 1");
}

/// The migration files, pg_dump and pg_restore, and the scratch server's
/// version: everything that can be checked before any work.
void Rehearser::Prepare() {
  if (!command_mode()) {
    DirectorySource files_source(services_.disk, o_.migrations_dir);
    files_ = files_source.ReadAll();
    files_description_ = files_source.Describe();
  }
  tools_ = services_.dump_restore->FindTools();
  scratch_server_ = services_.scratch_server->Probe();
}

/// The source's facts in its exported snapshot (read only), or the
/// archive's table of contents.
void Rehearser::Snapshot() {
  if (!o_.from_dump.empty()) {
    ReadArchive();
    return;
  }
  facts_ = services_.source->Open();
  source_key_ = facts_.version_key;
  source_version_ = facts_.version;
  copy_.source = services_.source->target().Describe();
  copy_.source_version = source_version_;
  std::string too_old = PgDumpTooOld(tools_, source_key_, source_version_);
  if (!too_old.empty()) throw UserError(kExitUsage, too_old);
}

void Rehearser::ReadArchive() {
  if (services_.disk->Stat(o_.from_dump) != DiskInterface::Kind::kFile)
    throw UserError(kExitUsage, "--from-dump " + o_.from_dump + ": no such file");
  toc_ = services_.dump_restore->ListArchive(o_.from_dump);
  ParsePgVersion(toc_.dumped_from, &source_key_, &source_version_);
  copy_.source = o_.from_dump;
  copy_.from_dump = true;
  copy_.source_version = source_version_;
}

/// A copy cannot be restored into an older server.
void Rehearser::CheckVersions() {
  const ScratchServer::Info& scratch = scratch_server_;
  if (source_key_ <= 0 || scratch.version_key <= 0 || scratch.version_key >= source_key_) return;
  if (scratch.embedded)
    throw UserError(kExitUsage,
                    "the source is PostgreSQL " + source_version_ +
                        " and this machine's newest server is " + scratch.version + " (" +
                        scratch.location + "): a copy cannot be restored into an older server. "
                        "Install the Debian package postgresql-" + MajorText(source_key_) +
                        " (from apt.postgresql.org), or pass --into a URL of a server "
                        "that new. Nothing was copied.");
  throw UserError(kExitUsage, "--into: " + scratch.location + " is PostgreSQL " +
                                  scratch.version + ", older than the source (" +
                                  source_version_ + "): a copy cannot be restored into it. "
                                  "Nothing was copied.");
}

/// The pending migrations, from the source's history (read only). An
/// outcome when there is nothing to rehearse; an archive is planned on
/// the copy instead.
std::optional<RehearsalOutcome> Rehearser::PlanOnSource() {
  if (!o_.from_dump.empty()) return std::nullopt;
  const ReleaseSettings& s = o_.settings;
  std::string source = services_.source->target().Describe();
  if (command_mode()) {
    // Only the tool knows what it has pending: it runs on the copy.
    services_.events->CopyingForCommand(s.command, source);
    return std::nullopt;
  }
  MigrationPlan plan = MakePlan(files_, services_.source->ReadHistory());
  std::vector<std::string> problems = IntegrityProblems(plan, s.allow_out_of_order);
  if (!problems.empty()) {
    std::string message = "the release would refuse to migrate " + source +
                          " (exit 4), so there is nothing to rehearse:";
    for (const std::string& p : problems) message += "\n" + p;
    throw UserError(kExitIntegrity, message);
  }
  if (plan.pending.empty()) {
    RehearsalOutcome outcome;
    outcome.kind = RehearsalOutcome::Kind::kSourceUpToDate;
    outcome.source = source;
    outcome.applied = static_cast<int64_t>(plan.applied.size());
    outcome.report.copy = copy_;
    outcome.report.transaction = ToString(s.transaction);
    outcome.report.lock_timeout_seconds = s.lock_timeout_seconds;
    outcome.report.statement_timeout_seconds = s.statement_timeout_seconds;
    return outcome;
  }
  services_.events->PendingOnSource(plan.pending.size(), source, files_description_);
  LintPending(plan.pending);
  return std::nullopt;
}

void Rehearser::LintPending(const std::vector<const Migration*>& pending) {
  lint_ = LintPendingMigrations(pending, source_key_);
  services_.events->Linted(lint_, pending.size());
}

/// The throwaway cluster or the --into database.
void Rehearser::CreateScratch() {
  copy_.schema_only = o_.schema_only;
  copy_.exclude_table_data = o_.exclude_table_data;
  scratch_ = services_.scratch_server->Create(facts_.encoding);
  copy_.target = scratch_server_.embedded ? "embedded" : "into";
  if (!scratch_server_.embedded) copy_.kept = o_.keep;
}

/// pg_dump (unless restoring an archive) and pg_restore, through files in
/// a temporary directory removed right after.
void Rehearser::Copy() {
  ScopedWorkDir work_dir(services_.disk);
  RestoreRequest request;
  request.work_dir = work_dir.path();
  if (o_.from_dump.empty()) {
    DumpedArchive dumped = services_.dump_restore->Dump(services_.source->target(), facts_,
                                                        work_dir.path(), &copy_);
    // The source is no longer needed: end the read-only transaction.
    services_.source->Close();
    request.archive = dumped.archive;
    request.history_archive = dumped.history_archive;
    request.history_tables = dumped.history_tables;
  } else {
    services_.events->RestoringArchive(o_.from_dump, source_version_);
    request.archive = o_.from_dump;
    request.toc = &toc_;
    request.filter = true;
  }
  // Asked only now: the embedded cluster starts while the dump runs.
  copy_.copy = scratch_->Target().Describe();
  scratch_->KnowsSsl(&copy_.ssl, &copy_.ssl_error);
  services_.dump_restore->Restore(request, *scratch_, &copy_);
}

/// The pending migrations on the copy, from its own history. An outcome
/// when it has none and the release would not refuse.
std::optional<RehearsalOutcome> Rehearser::PlanOnCopy(MigrationPlan* plan) {
  if (command_mode()) return std::nullopt;
  *plan = MakePlan(files_, services_.release->ReadHistory(*scratch_));
  if (!plan->pending.empty() && !o_.from_dump.empty()) LintPending(plan->pending);
  if (!plan->pending.empty() || !IntegrityProblems(*plan, o_.settings.allow_out_of_order).empty())
    return std::nullopt;
  RehearsalOutcome outcome;
  outcome.kind = RehearsalOutcome::Kind::kCopyUpToDate;
  outcome.applied = static_cast<int64_t>(plan->applied.size());
  outcome.report.copy = copy_;
  outcome.report.transaction = ToString(o_.settings.transaction);
  return outcome;
}

/// The release phase on the copy: the release's settings, hooks only with
/// --hooks, and hooks that see the copy, never the source.
ReleaseOnCopyResult Rehearser::Apply(const MigrationPlan& plan) {
  const ReleaseSettings& s = o_.settings;
  MigratorOptions options;
  options.settings = s;
  if (!o_.hooks) options.settings.hooks = HookSettings{};
  options.run = o_.run;
  options.events = o_.run_events;
  options.command_env = CommandEnvironment();
  services_.events->RunningRelease(scratch_->Target().Describe());
  return services_.release->Apply(*scratch_, plan.pending, options);
}

std::map<std::string, std::string> Rehearser::CommandEnvironment() const {
  const ReleaseSettings& s = o_.settings;
  std::map<std::string, std::string> env;
  // An empty value removes the variable (ShellCommandRunner).
  for (const char* libpq : {"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER",
                            "PGPASSWORD", "PGSERVICE", "PGSERVICEFILE", "PGPASSFILE"})
    env[libpq] = "";
  for (const std::string& hidden : {o_.source_url, o_.release_url})
    if (!hidden.empty())
      for (const auto& [name, value] : o_.environment)
        if (value.find(hidden) != std::string::npos) env[name] = "";
  std::string url = scratch_->Url();
  env["DATABASE_URL"] = url;
  env[s.database_url_env] = url;
  auto user_options = o_.environment.find("PGOPTIONS");
  env["PGOPTIONS"] = ExternalCommandPgOptions(
      s, user_options == o_.environment.end() ? "" : user_options->second);
  return env;
}

/// What the run on the copy did, with each migration's risks.
RehearsalOutcome Rehearser::Report(const ReleaseOnCopyResult& run) {
  const ReleaseSettings& s = o_.settings;
  RehearsalOutcome outcome;
  RehearsalReport& report = outcome.report;
  report.exit_code = run.exit_code;
  report.failure = run.failure;
  report.release_seconds = run.release_seconds;
  report.interrupted = services_.interrupt && services_.interrupt->requested();
  report.copy = copy_;
  report.transaction = ToString(s.transaction);
  report.lock_timeout_seconds = s.lock_timeout_seconds;
  report.statement_timeout_seconds = s.statement_timeout_seconds;
  report.hooks = o_.hooks;
  report.migrations = run.migrations;
  report.notes = run.notes;
  // Only the tool knows what it had pending.
  report.pending_known = !command_mode();
  report.tool_connect_error = run.tool_connect_error;
  RiskSettings risk;
  risk.lock_timeout_seconds = s.lock_timeout_seconds;
  for (MigrationRehearsal& m : report.migrations) EvaluateRisks(risk, &m);
  report.rewrite_rate = MeasureRewriteRate(report.migrations);
  // A tool's statements are known once it ran them.
  if (command_mode()) lint_ = LintObservedStatements(report.migrations, source_key_);
  AttachLint(lint_, &report);
  bool attributed = false;
  for (const MigrationRehearsal& m : report.migrations)
    if (m.status == MigrationRehearsal::Status::kFailed) attributed = true;
  if (report.exit_code != kExitOk && !attributed && report.failure.empty() &&
      report.tool_connect_error.empty())
    report.failure = "the run on the copy failed (exit " + std::to_string(report.exit_code) +
                     "); its output is above";
  return outcome;
}

RehearsalOutcome Rehearse(const RehearsalOptions& options, DiskInterface* disk,
                          RehearsalEvents* events, Redactor* redactor, Interrupt* interrupt) {
  RealClock clock(interrupt);
  HistoryTableName table = HistoryTableName::Parse(options.settings.table);
  // A `command:` tool's history table is copied with slugwright's, rows
  // included, on a schema-only copy too (dump_restore.h).
  ToolHistoryTable tool_table;
  if (options.settings.command.empty() || !ResolveToolHistoryTable(options.settings, &tool_table))
    tool_table.table.clear();
  PostgresSourceSnapshot source(options.source_url, table, redactor, tool_table.table);
  EmbeddedScratchServer embedded(events, redactor);
  IntoScratchServer into(options.into_url, options.keep, events, redactor);
  PgDumpRestoreOptions copy_options;
  copy_options.pg_bin_dir = options.pg_bin_dir;
  copy_options.schema_only = options.schema_only;
  copy_options.exclude_table_data = options.exclude_table_data;
  copy_options.jobs = options.jobs;
  copy_options.table = table;
  copy_options.tool_history_table = tool_table.table;
  copy_options.progress_out = options.progress_out;
  copy_options.progress_terminal = options.progress_terminal;
  copy_options.progress_interval_seconds = options.progress_interval_seconds;
  PgDumpRestore dump_restore(copy_options, disk, &clock, events, redactor, interrupt);
  PostgresReleaseOnCopy release(options.migrations_dir, table, disk, &clock, options.command_output,
                                redactor, interrupt, options.probe);
  release.set_command_events(options.command_events);

  RehearsalServices services;
  services.disk = disk;
  services.events = events;
  services.redactor = redactor;
  services.interrupt = interrupt;
  services.source = options.from_dump.empty() ? &source : nullptr;
  services.scratch_server = options.into_url.empty() ? static_cast<ScratchServer*>(&embedded)
                                                     : &into;
  services.dump_restore = &dump_restore;
  services.release = &release;
  return Rehearser(options, services).Run();
}
