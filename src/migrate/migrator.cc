#include "migrate/migrator.h"

#include "base/clock.h"
#include "base/console.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "base/text.h"
#include "tools/external_command.h"
#include "tools/foreign_history.h"
#include "migrate/migration_checks.h"
#include "migrate/migration_lock.h"
#include "migrate/migration_observer.h"
#include "migrate/migration_progress.h"
#include "migrate/repair.h"
#include "migrate/server_lexing.h"
#include "sql/splitter.h"
#include "tools/tool_history.h"
#include "migrate/validate.h"

namespace {

/// The transaction of Wrap::kOwnTransaction in three round trips, so that
/// `observer` can look inside it before COMMIT (rehearse only).
void ApplyObserved(DatabaseDriver* driver, MigrationObserver* observer, const Migration& m,
                   bool out_of_order, const RunInfo& run) {
  driver->Begin();
  try {
    driver->ApplyUp(m, out_of_order, run, DatabaseDriver::Wrap::kInOpenTransaction);
    observer->BeforeCommit(m);
    driver->Commit();
  } catch (const DatabaseError& e) {
    if (!e.connection_lost()) driver->Rollback();
    throw;
  }
}

/// Points the Migrator's progress_ at a MigrationProgress while in scope.
class ScopedProgress {
 public:
  ScopedProgress(MigrationProgress** slot, MigrationProgress* progress) : slot_(slot) {
    *slot_ = progress;
  }
  ~ScopedProgress() { *slot_ = nullptr; }
  ScopedProgress(const ScopedProgress&) = delete;
  ScopedProgress& operator=(const ScopedProgress&) = delete;

 private:
  MigrationProgress** slot_;
};

/// Connects. When the server cannot be reached, every file is checked in
/// full first: with the history unknown any of them may be pending, and a
/// broken file is reported as such (exit 2) rather than as a connection
/// failure (exit 1).
void ConnectCheckingFilesIfUnreachable(DatabaseDriver* driver, MigrationSource* source,
                                       std::vector<Migration>* files) {
  try {
    driver->Connect();
  } catch (const DatabaseError& e) {
    for (Migration& m : *files) m = source->ReadChecked(m);
    throw UserError(kExitFailed, e.what());
  }
}

/// The plan of `files` against `history`, its pending migrations that were
/// only indexed read and checked in full (MigrationSource::ReadChecked): an
/// applied migration's SQL never runs again, so only its checksum is looked
/// at, but a pending one is split and checked before anything runs. The
/// plan points into `files` and takes the rows of `history`.
MigrationPlan PlanWithPendingChecked(MigrationSource* source, std::vector<Migration>* files,
                                     std::vector<HistoryRow> history) {
  for (size_t pending : PendingFileIndices(*files, history)) {
    Migration& slot = (*files)[pending];
    if (!slot.sql_checked) slot = source->ReadChecked(slot);
  }
  return MakePlan(*files, std::move(history));
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : ", ") + n;
  return joined;
}

}  // namespace

Migrator::Migrator(MigrationSource* source, DatabaseDriver* driver, CommandRunner* runner,
                   Console* console, Clock* clock, Interrupt* interrupt,
                   MigratorOptions options)
    : source_(source),
      driver_(driver),
      console_(console),
      clock_(clock),
      interrupt_(interrupt),
      options_(std::move(options)),
      context_{source, driver, runner, console, clock, interrupt, &options_},
      retry_(options_.settings.lock_timeout_seconds, options_.settings.lock_retries,
             options_.seed, clock, console, interrupt) {}

MigrationLockOptions Migrator::LockOptions() const {
  return {options_.settings.lock_wait_seconds, options_.seed, options_.allow_session_pooler};
}

std::vector<HistoryRow> Migrator::ReadHistory(bool create) {
  std::vector<HistoryRow> rows;
  if (!driver_->ReadHistory(&rows) && create) {
    RefuseIfForeignHistory(driver_);  // never re-apply what another tool applied
    RefuseIfSchemaAlreadyExists(driver_, files_);
    driver_->CreateHistoryTables();
  }
  return rows;
}

std::string Migrator::CancelledSuffix() const {
  if (!Interrupted()) return "";
  return std::string(" (cancelled: slugwright received ") + SignalName(interrupt_->signal()) +
         ")";
}

bool Migrator::RunHooks(const std::string& hook, const std::vector<std::string>& commands,
                        const MigrationPlan* plan, const RunOutcome* outcome, int exit_code) {
  if (commands.empty()) return ::RunHooks(context_, hook, commands, plan, outcome, exit_code);
  double start = clock_->Now();
  console_->Event("hook_started", {{"hook", hook}, {"commands", commands.size()}});
  bool ok = ::RunHooks(context_, hook, commands, plan, outcome, exit_code);
  console_->Event("hook_finished",
                  {{"hook", hook}, {"ok", ok}, {"duration_ms", (clock_->Now() - start) * 1000}},
                  ok ? LogLevel::kInfo : LogLevel::kError);
  return ok;
}

// ---------------------------------------------------------------------------
// structured log events (--log-format json)

void Migrator::LogMigrationStarted(const Migration& m) {
  console_->Event("migration_started", {{"version", m.version}, {"name", m.name},
                                        {"file", m.up_path},
                                        {"in_transaction", m.up_in_transaction}});
}

void Migrator::LogMigrationEnded(const Migration& m, double seconds, const std::string& error) {
  LogFields fields = {{"version", m.version}, {"name", m.name}, {"duration_ms", seconds * 1000}};
  if (!error.empty()) fields.emplace_back("error", error);
  console_->Event(error.empty() ? "migration_applied" : "migration_failed", fields,
                  error.empty() ? LogLevel::kInfo : LogLevel::kError);
}

// ---------------------------------------------------------------------------
// up

int Migrator::Up(bool dry_run) {
  // An app with its own migration tool may have no migration files at all.
  if (!options_.settings.command.empty()) {
    if (dry_run) {
      console_->Step("Dry run: would run `" + options_.settings.command +
                     "` under the migration lock on " + driver_->Describe());
      return kExitOk;
    }
    return RunExternalCommand(context_, false, 1);
  }
  files_ = ReadIndexBeforeConnecting(source_, driver_);
  RefuseBlankUpSections(files_);
  try {
    if (dry_run) return DryRun();
    CancelOnInterrupt cancel(interrupt_, driver_);
    // Nothing to do (the usual release): one query, no lock, so racing
    // releases that find nothing pending all exit at once.
    bool history_exists = false;
    MigrationPlan plan = ConnectAndPlan(&history_exists);
    if (history_exists && plan.pending.empty() && plan.unfinished.empty())
      return ApplyPending(plan);
    // Something to do: take the lock, then read the history again under
    // it, since a run that held the lock may have applied it meanwhile.
    MigrationLockOptions lock_options = LockOptions();
    lock_options.connected = true;
    ScopedMigrationLock lock(driver_, driver_, clock_, console_, interrupt_, lock_options);
    return ApplyPending(PlanWithPendingChecked(source_, &files_, ReadHistory(true)));
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(InterruptedOr(kExitFailed)), e.what());
  }
}

MigrationPlan Migrator::ConnectAndPlan(bool* history_exists) {
  ConnectCheckingFilesIfUnreachable(driver_, source_, &files_);
  // Pending files are split as the server reads strings; applied ones
  // were only hashed, which does not depend on it.
  FollowServerLexing(source_, driver_, &files_);
  std::vector<HistoryRow> rows;
  *history_exists = driver_->ReadHistory(&rows);
  return PlanWithPendingChecked(source_, &files_, std::move(rows));
}

int Migrator::DryRun() {
  // Pending files are read before the refusals, as `up` does: a broken
  // one is reported first, and the first migration's SQL is read once it
  // is pending.
  bool history_exists = false;
  MigrationPlan plan = ConnectAndPlan(&history_exists);
  if (!history_exists) {
    RefuseIfForeignHistory(driver_);
    RefuseIfSchemaAlreadyExists(driver_, files_);
  }
  std::string future = FutureWarning(plan);
  if (!future.empty()) console_->Warning(future);
  ThrowIfProblems(IntegrityProblems(plan, options_.settings.allow_out_of_order),
                  "refusing to migrate; nothing was applied:");
  CheckRunnable(plan.pending, false,
                options_.settings.transaction == ReleaseSettings::TransactionMode::kAll);
  if (plan.pending.empty()) {
    console_->Step("Dry run: " + driver_->Describe() + " is up to date (" +
                   Plural(plan.applied.size(), "migration") + " applied)");
    return kExitOk;
  }
  console_->Step("Dry run: would apply " + Plural(plan.pending.size(), "migration") +
                 " from " + source_->Describe() + " to " + driver_->Describe());
  for (const Migration* m : plan.pending)
    console_->Detail(Label(*m) + (m->up_in_transaction ? "" : " (transaction:false)") +
                     (IsOutOfOrder(plan, m) ? " (out of order)" : ""));
  console_->Detail("No lock taken, nothing written");
  return kExitOk;
}

void Migrator::AnnouncePending(const MigrationPlan& plan) {
  const ReleaseSettings& s = options_.settings;
  if (s.on_failure == ReleaseSettings::OnFailure::kRollbackRelease) {
    for (const Migration* m : plan.pending)
      if (!m->has_down)
        console_->Warning(m->up_path + " has no down section: on_failure: rollback-release "
                          "cannot revert it (or anything older) if this release fails");
  }
  driver_->SetTimeouts(s.lock_timeout_seconds, s.statement_timeout_seconds);
  WarnAboutOtherHistoryTables();
  driver_->RecordEvent("run_started", 0, "",
                       Plural(plan.pending.size(), "pending migration"), options_.run);
  console_->Event("run_started", {{"pending", plan.pending.size()},
                                  {"source", source_->Describe()},
                                  {"database", driver_->Describe()},
                                  {"transaction", ToString(s.transaction)}});
  console_->Step("Applying " + Plural(plan.pending.size(), "migration") + " from " +
                 source_->Describe() + " to " + driver_->Describe() + " (transaction: " +
                 ToString(s.transaction) + ", lock_timeout " +
                 FormatDuration(s.lock_timeout_seconds) + ")");
}

void Migrator::WarnAboutOtherHistoryTables() {
  std::vector<std::string> others = driver_->OtherHistoryTables();
  if (others.empty()) return;
  console_->Warning("this database also has the slugwright history table(s) " +
                    JoinNames(others) + ", besides " + options_.settings.table +
                    " (this run's `table:`). Each history table belongs to a runner of "
                    "its own, and each applies every migration it has not recorded: if "
                    "two apps (or two settings) migrate the same schema, give them the "
                    "same `table:`; drop a history table that is no longer used.");
}

int Migrator::ApplyPending(const MigrationPlan& plan) {
  const ReleaseSettings& s = options_.settings;
  std::string future = FutureWarning(plan);
  if (!future.empty()) console_->Warning(future);
  ThrowIfProblems(IntegrityProblems(plan, s.allow_out_of_order),
                  "refusing to migrate; nothing was applied:");
  if (plan.pending.empty()) {
    console_->Event("up_to_date", {{"applied", plan.applied.size()}});
    console_->Step(driver_->Describe() + " is up to date: " +
                   Plural(plan.applied.size(), "migration") + " applied, none pending");
    return kExitOk;
  }
  CheckRunnable(plan.pending, false, s.transaction == ReleaseSettings::TransactionMode::kAll);
  double start = clock_->Now();
  AnnouncePending(plan);

  RunOutcome outcome;
  if (!RunHooks("before", s.hooks.before, &plan, nullptr, kExitOk)) {
    outcome.failed_in_hook = true;
    outcome.error = "a hooks.before command failed; no migration was applied";
    return FinishFailure(plan, &outcome);
  }
  bool ok = s.transaction == ReleaseSettings::TransactionMode::kAll
                ? ApplyAllInOneTransaction(plan, &outcome)
                : ApplyEach(plan, &outcome);
  if (ok && Interrupted()) {
    ok = false;
    outcome.error = interrupt_->Reason() + " after the last migration was committed";
  }
  if (!ok) return FinishFailure(plan, &outcome);
  if (!RunHooks("after", s.hooks.after, &plan, &outcome, kExitOk)) {
    outcome.failed_in_hook = true;
    outcome.error = "a hooks.after command failed";
    return FinishFailure(plan, &outcome);
  }
  driver_->RecordEvent("run_succeeded", 0, "",
                       Plural(outcome.committed.size(), "migration") + " applied",
                       options_.run);
  console_->Event("run_succeeded", {{"applied", outcome.committed.size()},
                                    {"duration_ms", (clock_->Now() - start) * 1000}});
  console_->Step("Applied " + Plural(outcome.committed.size(), "migration") + " in " +
                 FormatDuration(clock_->Now() - start));
  return kExitOk;
}

std::string Migrator::ApplyEachError(const Migration& m, const DatabaseError& e) {
  std::string error = e.what() + CancelledSuffix();
  if (m.up_in_transaction && !e.connection_lost())
    driver_->RecordEvent("failed", m.version, m.name, error, options_.run);
  if (e.connection_lost())
    error += m.up_in_transaction
                 ? " (the connection was lost; a transactional migration is "
                   "rolled back by the server)"
                 : " (the connection was lost; the migration stays recorded as "
                   "started, and runs are refused until `slugwright migrate "
                   "repair`)";
  return error;
}

bool Migrator::ApplyEach(const MigrationPlan& plan, RunOutcome* outcome) {
  for (const Migration* m : plan.pending) {
    if (Interrupted()) {
      outcome->failed = m;
      outcome->error = interrupt_->Reason() + " before " + Label(*m) + " started";
      return false;
    }
    bool out_of_order = IsOutOfOrder(plan, m);
    if (options_.observer) options_.observer->BeforeApply(*m);
    double start = clock_->Now();
    LogMigrationStarted(*m);
    try {
      MigrationProgress progress(console_, driver_, Label(*m),
                                 options_.progress_interval_seconds);
      ScopedProgress current(&progress_, &progress);
      ApplyOne(*m, out_of_order);
    } catch (const DatabaseError& e) {
      if (options_.observer) options_.observer->OnFailure(*m, e);
      outcome->failed = m;
      if (e.connection_lost() && m->up_in_transaction) {
        outcome->error = e.what() + CancelledSuffix();
        ResolveLostCommit({m}, outcome);
        return false;
      }
      outcome->error = ApplyEachError(*m, e);
      LogMigrationEnded(*m, clock_->Now() - start, outcome->error);
      return false;
    }
    LogMigrationEnded(*m, clock_->Now() - start, "");
    outcome->committed.push_back(m);
    if (options_.observer) options_.observer->AfterApply(*m, clock_->Now() - start);
    console_->Detail(Label(*m) + "  " + FormatDuration(clock_->Now() - start) +
                     (m->up_in_transaction ? "" : "  (transaction:false)") +
                     (out_of_order ? "  (out of order)" : ""));
  }
  return true;
}

void Migrator::ApplyOne(const Migration& m, bool out_of_order) {
  if (!m.up_in_transaction) {
    ApplyStatements(m, out_of_order);
    return;
  }
  for (int attempt = 1;; ++attempt) {
    try {
      if (options_.observer)
        ApplyObserved(driver_, options_.observer, m, out_of_order, options_.run);
      else
        driver_->ApplyUp(m, out_of_order, options_.run, DatabaseDriver::Wrap::kOwnTransaction);
      return;
    } catch (const DatabaseError& e) {
      if (!retry_.WaitToRetry(e, attempt, Label(m))) throw;
    }
  }
}

void Migrator::ApplyStatements(const Migration& m, bool out_of_order) {
  std::vector<SqlStatement> statements = SplitSqlOrThrow(m.up_sql, m.up_path, m.up_first_line, m.split_options);
  const int total = static_cast<int>(statements.size());
  driver_->StartUnfinished(m, total, out_of_order, options_.run);
  for (int i = 0; i < total; ++i) {
    std::string where = "statement " + std::to_string(i + 1) + " of " +
                        std::to_string(total) + " (" + m.up_path + ":" +
                        std::to_string(statements[i].line) + ")";
    if (Interrupted()) {
      std::string error = interrupt_->Reason() + " before " + where;
      driver_->FailUnfinished(m, i, error, options_.run);
      throw DatabaseError(error, "57014", false);
    }
    if (progress_) progress_->SetStatement(i + 1, total);
    ExecuteStatement(m, statements[i].text, i, where);
    if (i + 1 < total) driver_->RecordProgress(m.version, i + 1);
  }
  driver_->FinishUnfinished(m, options_.run);
  // CREATE INDEX CONCURRENTLY IF NOT EXISTS "succeeds" on the INVALID
  // index an earlier failed attempt left behind: say so.
  WarnInvalidIndexes(m, /*after_failure=*/false);
}

void Migrator::ExecuteStatement(const Migration& m, const std::string& sql, int i,
                                const std::string& where) {
  for (int attempt = 1;; ++attempt) {
    try {
      driver_->ExecuteStatement(sql);
      return;
    } catch (const DatabaseError& e) {
      if (retry_.WaitToRetry(e, attempt, Label(m) + " " + where)) continue;
      std::string error = where + ": " + e.what();
      if (!e.connection_lost()) {
        driver_->FailUnfinished(m, i, error, options_.run);
        WarnInvalidIndexes(m, /*after_failure=*/true);
        if (i == 0)
          error += " (no statement of it was applied; it stays pending)";
        else
          error += " (statements 1-" + std::to_string(i) +
                   " stay applied; the migration is marked failed until "
                   "`slugwright migrate repair`)";
      }
      throw DatabaseError(error, e.sqlstate(), e.connection_lost());
    }
  }
}

void Migrator::WarnInvalidIndexes(const Migration& m, bool after_failure) {
  std::string names;
  try {
    names = JoinNames(driver_->InvalidIndexes());
  } catch (const DatabaseError&) {
    return;
  }
  if (names.empty()) return;
  if (after_failure)
    console_->Warning("INVALID index(es) left behind (e.g. by a failed CREATE "
                      "INDEX CONCURRENTLY): " + names +
                      ". Drop them with DROP INDEX CONCURRENTLY before "
                      "retrying; CREATE INDEX ... IF NOT EXISTS would keep the "
                      "invalid one.");
  else
    console_->Warning(Label(m) + " finished, but INVALID index(es) exist: " + names +
                      ". PostgreSQL does not use them (nor enforce their uniqueness); "
                      "an earlier failed CREATE INDEX CONCURRENTLY leaves one, and IF "
                      "NOT EXISTS keeps it. Drop it with DROP INDEX CONCURRENTLY and "
                      "create it again.");
}

bool Migrator::ApplyAllInOneTransaction(const MigrationPlan& plan, RunOutcome* outcome) {
  for (int attempt = 1;; ++attempt) {
    std::vector<std::pair<const Migration*, double>> done;
    const Migration* current = nullptr;
    try {
      driver_->Begin();
      for (const Migration* m : plan.pending) {
        current = m;
        if (Interrupted())
          throw DatabaseError(interrupt_->Reason() + " before " + Label(*m), "57014", false);
        if (options_.observer) options_.observer->BeforeApply(*m);
        double start = clock_->Now();
        LogMigrationStarted(*m);
        driver_->ApplyUp(*m, IsOutOfOrder(plan, m), options_.run,
                         DatabaseDriver::Wrap::kInOpenTransaction);
        done.emplace_back(m, clock_->Now() - start);
        if (options_.observer) options_.observer->BeforeCommit(*m);
      }
      current = nullptr;
      driver_->Commit();
    } catch (const DatabaseError& e) {
      driver_->Rollback();
      if (retry_.WaitToRetry(e, attempt,
                             "the batch (at " + (current ? Label(*current) : "COMMIT") + ")"))
        continue;
      if (options_.observer && current) options_.observer->OnFailure(*current, e);
      outcome->failed = current;
      outcome->error = std::string(current ? "" : "COMMIT failed: ") + e.what() +
                       CancelledSuffix();
      if (current) LogMigrationEnded(*current, 0, outcome->error);
      if (!current && e.connection_lost()) {
        ResolveLostCommit(plan.pending, outcome);
        return false;
      }
      if (!e.connection_lost())
        driver_->RecordEvent("failed", current ? current->version : 0,
                             current ? current->name : "", outcome->error, options_.run);
      return false;
    }
    for (const auto& [m, seconds] : done) {
      LogMigrationEnded(*m, seconds, "");
      outcome->committed.push_back(m);
      if (options_.observer) options_.observer->AfterApply(*m, seconds);
      console_->Detail(Label(*m) + "  " + FormatDuration(seconds) +
                       (IsOutOfOrder(plan, m) ? "  (out of order)" : ""));
    }
    console_->Detail("Committed " + Plural(done.size(), "migration") + " in one transaction");
    return true;
  }
}

int Migrator::FinishFailure(const MigrationPlan& plan, RunOutcome* outcome) {
  const ReleaseSettings& s = options_.settings;
  int code = InterruptedOr(kExitFailed);
  if (lost_commit_)
    console_->Error((outcome->failed
                         ? "Migration " + Label(*outcome->failed) + " failed (outcome unknown): "
                         : std::string("Outcome unknown: ")) +
                    outcome->error);
  else if (outcome->failed)
    console_->Error("Migration " + Label(*outcome->failed) + " failed: " + outcome->error);
  else
    console_->Error(outcome->error);
  if (lost_commit_) {
    ReportLostCommit();
  } else if (!outcome->failed_in_hook) {
    if (s.transaction == ReleaseSettings::TransactionMode::kAll)
      console_->Detail("The whole batch was rolled back (transaction: all): no migration "
                       "was applied");
    else if (outcome->failed && outcome->failed->up_in_transaction)
      console_->Detail(Label(*outcome->failed) + " was rolled back");
  }
  if (!outcome->committed.empty()) {
    if (s.on_failure == ReleaseSettings::OnFailure::kRollbackRelease) {
      RevertCommitted(outcome);
    } else {
      std::string list;
      for (const Migration* m : outcome->committed) list += "\n  " + Label(*m);
      std::string down = "`slugwright migrate down " +
                         std::to_string(outcome->committed.size()) + "`";
      std::string advice = down + " reverts them.";
      if (lost_commit_ == DatabaseDriver::LostOutcome::kUnknown)
        advice = "check `slugwright migrate status` before reverting any: the newest "
                 "applied one may be the migration whose outcome is unknown.";
      else if (lost_commit_ == DatabaseDriver::LostOutcome::kAppliedByAnotherRun)
        advice = "another run has applied migrations since, so " + down +
                 " would revert that run's newest ones: check `slugwright migrate status` "
                 "before reverting any.";
      console_->Warning(Plural(outcome->committed.size(), "migration") +
                        " committed by this run stay applied (on_failure: stop):" + list +
                        "\nHeroku does not deploy this release, so the running code must "
                        "work with them; " + advice);
    }
  }
  driver_->RecordEvent(Interrupted() ? "run_interrupted" : "run_failed",
                       outcome->failed ? outcome->failed->version : 0,
                       outcome->failed ? outcome->failed->name : "", outcome->error,
                       options_.run);
  console_->Event("run_failed", {{"failed", outcome->failed ? Label(*outcome->failed) : ""},
                                 {"error", outcome->error},
                                 {"committed", outcome->committed.size()},
                                 {"interrupted", Interrupted()}},
                  LogLevel::kError);
  RunHooks("on_failure", s.hooks.on_failure, &plan, outcome, code);
  return code;
}

// ---------------------------------------------------------------------------
// status, validate, repair

MigrationStatus Migrator::Status() {
  files_ = ReadBeforeConnecting(source_, driver_);
  MigrationPlan plan;
  try {
    driver_->Connect();
  } catch (const DatabaseError& e) {
    throw UserError(kExitCannotConnect, e.what());
  }
  std::string foreign;
  try {
    std::vector<HistoryRow> rows;
    // Everything shows as pending on a database another tool migrated:
    // say so, with the adopt command, instead of inviting `up`.
    if (!driver_->ReadHistory(&rows)) foreign = ForeignHistoryFound(driver_);
    plan = MakePlan(files_, rows);
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
  MigrationStatus status =
      MakeMigrationStatus(files_, plan, options_.settings.allow_out_of_order);
  if (!foreign.empty()) status.problems.push_back(foreign);
  status.database = driver_->Describe();
  status.table = options_.settings.table;
  status.source = source_->Describe();
  return status;
}

MigrationStatus Migrator::CommandStatus(DiskInterface* disk, const std::string& app_root) {
  try {
    driver_->Connect();
  } catch (const DatabaseError& e) {
    throw UserError(kExitCannotConnect, e.what());
  }
  try {
    return ToolMigrationStatus(driver_, driver_->Describe(), disk, options_.settings, app_root);
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
}

int Migrator::Validate(bool use_database) {
  files_ = source_->ReadAll();
  return ValidateMigrations(context_, files_, use_database);
}

int Migrator::Repair(const RepairOptions& options) {
  files_ = source_->ReadAll();
  return RepairHistory(context_, files_, options);
}
