// `slugwright release` and `slugwright migrate up|down|status|validate|
// repair|adopt|new`: the command line of the release-phase migration executor.
// This file only resolves settings, flags and the database URL, and wires
// the real implementations (DirectorySource, PostgresDriver, hooks,
// signals) into a Migrator, or runs `command:` (tools/external_command.h)
// when the app has its own tool. The words come from cli/output/: the
// run's events and refusals (migrate_output.h) and `status`, a value
// rendered as text or JSON (migrate_status_output.h).

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <ctime>
#include <functional>
#include <iostream>
#include <memory>
#include <random>

#include "base/clock.h"
#include "base/console.h"
#include "base/disk_interface.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "base/log.h"
#include "base/self_exe.h"
#include "base/text.h"
#include "base/version.h"
#include "buildpack/app_release_settings.h"
#include "cli/commands.h"
#include "cli/lint_command.h"
#include "cli/output/command_output.h"
#include "cli/output/migrate_output.h"
#include "cli/output/migrate_status_output.h"
#include "cli/release_context.h"
#include "cli/release_coordination.h"
#include "cli/settings_flags.h"
#include "migrate/database_wait.h"
#include "migrate/directory_source.h"
#include "migrate/hook_runner.h"
#include "migrate/migration_lock.h"
#include "migrate/migration_progress.h"
#include "migrate/migrations_dir_check.h"
#include "migrate/migrations_manifest.h"
#include "migrate/migrator.h"
#include "migrate/release_file.h"
#include "migrate/run_error.h"
#include "postgres/database_url.h"
#include "postgres/postgres_driver.h"
#include "tools/adopt.h"
#include "tools/external_command.h"
#include "tools/foreign_history.h"
#include "tools/tool_history.h"

namespace {

/// The flags every migration command accepts; empty means "from the
/// release settings".
struct MigrateFlags {
  SettingsFlags settings;
  bool allow_session_pooler = false;
  bool verbose = false;
  std::string log_format;  // --log-format; empty: SLUGWRIGHT_LOG_FORMAT
  // Per command.
  bool dry_run = false;
  int count = 1;
  bool json = false;
  bool exit_code = false;
  std::vector<int64_t> mark_applied;
  std::vector<std::string> renamed;
  bool accept_checksums = false;
  bool offline = false;
  std::string name;
  std::string out;  // `migrate manifest --out`
  std::string adopt_from;
  std::vector<int64_t> adopt_version;
  // `migrate wait` (--timeout) and --wait on up/release (--wait-timeout).
  bool wait = false;
  std::string wait_timeout = "60s";
  // `release`: --commit, --attempt, --service, --retry, --wait-only.
  CoordinationFlags coordination;
};

/// The flags of a command: `groups` of the settings flags (SettingsFlagGroup),
/// --allow-session-pooler where it connects, and the logging flags.
void AddCommonFlags(CLI::App* cmd, MigrateFlags* f, unsigned groups) {
  AddSettingsFlags(cmd, &f->settings, groups);
  if (groups & kDatabaseFlags)
    cmd->add_flag("--allow-session-pooler", f->allow_session_pooler,
                  "Run through a connection pooler known to be in session mode");
  cmd->add_flag("--verbose", f->verbose,
                "Log at level debug (also SLUGWRIGHT_LOG_LEVEL=debug) and print how many "
                "queries were sent");
  cmd->add_option("--log-format", f->log_format,
                  "human (default, Heroku-style) or json: one JSON object per event on "
                  "stderr, for log drains (also SLUGWRIGHT_LOG_FORMAT)");
}

enum class Action {
  kRelease, kUp, kDown, kStatus, kValidate, kRepair, kAdopt, kNew, kManifest, kWait
};

/// The app for messages: --app, SLUGWRIGHT_APP, HEROKU_APP_NAME, else the
/// app the release settings were chosen for.
std::string KnownApp(const AppReleaseSettings& resolved) {
  return resolved.running_app.empty() ? resolved.loaded.app : resolved.running_app;
}

MigratorOptions MakeOptions(const ReleaseSettings& s, const MigrateFlags& f, const RunInfo& run,
                            const std::string& url, const std::string& url_origin) {
  MigratorOptions options;
  options.settings = s;
  options.allow_session_pooler = f.allow_session_pooler;
  options.run = run;
  options.seed = std::random_device()();
  options.progress_interval_seconds = ProgressIntervalFromEnvironment();
  if (url_origin == "--database-url") {
    options.command_env["DATABASE_URL"] = url;
    options.command_env[s.database_url_env] = url;
  }
  // libpq-based tools run by `command:` get the same timeouts.
  options.command_env["PGOPTIONS"] = ExternalCommandPgOptions(s, Getenv("PGOPTIONS"));
  return options;
}

/// `migrate status`: with --exit-code, 1 for pending (saying how to re-run
/// the release phase), 5 for "cannot connect" and 6 when pending ones
/// cannot be known; without, 1 for a failure and 0 otherwise.
/// In `command:` mode the tool's own history table and directory are read
/// (relative to `app_root`).
/// `command:` mode's status: the tool's history table and its migration
/// files (listed through `disk`, relative to `app_root`); the same errors
/// as Migrator::Status().
MigrationStatus CommandStatus(DatabaseDriver* driver, const ReleaseSettings& settings,
                              DiskInterface* disk, const std::string& app_root) {
  try {
    driver->Connect();
  } catch (const DatabaseError& e) {
    throw UserError(kExitCannotConnect, e.what());
  }
  try {
    return ToolMigrationStatus(driver, driver->Describe(), disk, settings, app_root);
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
}

int Status(const MigrateFlags& f, const AppReleaseSettings& resolved, Migrator* migrator,
           const MigratorContext& context, Console* console, DiskInterface* disk,
           const std::string& app_root) {
  const std::string& command = context.settings().command;
  MigrationStatus status;
  try {
    status = command.empty() ? migrator->Status()
                             : CommandStatus(context.driver, context.settings(), disk, app_root);
  } catch (const UserError& e) {
    if (e.code() == kExitCannotConnect && !f.exit_code) throw UserError(kExitFailed, e.what());
    throw;
  }
  if (f.json)
    console->Data(MigrationStatusJson(status));
  else
    PrintMigrationStatus(status, console);
  if (f.exit_code && (status.pending > 0 || !status.pending_known))
    console->Warning(PendingOnLiveReleaseAdvice(status, KnownApp(resolved)));
  return status.ExitCode(f.exit_code);
}

/// --timeout of `migrate wait`, --wait-timeout of up/release.
double WaitTimeout(const MigrateFlags& f, Action action) {
  const char* flag = action == Action::kWait ? "--timeout" : "--wait-timeout";
  double seconds = 0;
  std::string error;
  if (!ParseDuration(f.wait_timeout, &seconds, &error))
    throw UserError(kExitUsage, std::string(flag) + ": " + error);
  return seconds;
}

/// Where `command:` mode finds the tool's directory.
struct AppFiles {
  DiskInterface* disk;
  std::string root;
};

/// `up` / `release`: the Migrator, or in `command:` mode the app's own tool
/// under the lock (an app with its own tool may have no migration files).
int Up(const MigrateFlags& f, Migrator* migrator, const MigratorContext& context, Console* console,
       CommandObserver* command_events, DiskInterface* disk) {
  const std::string& command = context.settings().command;
  if (command.empty()) return migrator->Up(f.dry_run);
  if (f.dry_run) {
    console->Step("Dry run: would run `" + command + "` under the migration lock on " +
                  context.driver->Describe());
    return kExitOk;
  }
  return RunExternalCommand(context, command_events, false, 1, disk);
}

/// Runs `action` and words its outcome on `console`; returns the exit status.
int Dispatch(Action action, const MigrateFlags& f, const AppReleaseSettings& resolved,
             Migrator* migrator, const MigratorContext& context, Console* console,
             const AppFiles& app, CommandObserver* command_events) {
  const std::string& command = context.settings().command;
  if (action == Action::kRelease || action == Action::kUp) {
    console->Detail("Release settings: " + resolved.origin);
    for (const std::string& warning : resolved.warnings) console->Warning(warning);
  }
  switch (action) {
    case Action::kRelease:
    case Action::kUp:
      return Up(f, migrator, context, console, command_events, app.disk);
    case Action::kDown:
      return command.empty() ? migrator->Down(f.count)
                             : RunExternalCommand(context, command_events, true, f.count);
    case Action::kStatus:
      return Status(f, resolved, migrator, context, console, app.disk, app.root);
    case Action::kValidate:
      if (!command.empty()) {
        console->Step("Nothing to validate: the release runs `" + command +
                      "`, whose migrations slugwright does not read (see `migrate status`)");
        return kExitOk;
      }
      return migrator->Validate(!f.offline);
    case Action::kRepair: {
      RepairOptions repair;
      repair.mark_applied.insert(f.mark_applied.begin(), f.mark_applied.end());
      repair.accept_checksums = f.accept_checksums;
      repair.renamed = f.renamed;
      return migrator->Repair(repair);
    }
    case Action::kAdopt:
    case Action::kNew:
    case Action::kManifest:
    case Action::kWait: break;
  }
  return kExitOk;
}

/// The `outcome` event that ends every command's JSON log: exit code,
/// duration and error.
class OutcomeLogger {
 public:
  OutcomeLogger(Console* console, Clock* clock, std::string command)
      : console_(console), clock_(clock), command_(std::move(command)), start_(clock->Now()) {}
  void Finish(int exit_code, const std::string& error) {
    LogFields fields = {{"command", command_}, {"exit_code", exit_code},
                        {"duration_ms", (clock_->Now() - start_) * 1000}};
    if (!error.empty()) fields.emplace_back("error", error);
    console_->Event("outcome", fields, exit_code == kExitOk ? LogLevel::kInfo : LogLevel::kError);
  }

 private:
  Console* console_;
  Clock* clock_;
  std::string command_;
  double start_;
};

/// `migrate manifest`: records the migrations of `dir` (named
/// `directory` in the settings or by --dir) into the manifest at `out`.
int WriteMigrationsManifest(DiskInterface* disk, const std::string& dir,
                            const std::string& directory, const std::string& out) {
  DirectorySource source(disk, dir);
  MigrationsManifest manifest = source.RecordManifest(directory);
  std::string err;
  size_t slash = out.rfind('/');
  if (slash != std::string::npos && slash > 0 && !disk->MakeDirs(out.substr(0, slash), &err))
    throw UserError(kExitUsage, "cannot write the migrations manifest: " + err);
  if (!disk->WriteFileAtomically(out, FormatMigrationsManifest(manifest), 0644, &err))
    throw UserError(kExitUsage, "cannot write the migrations manifest: " + err);
  std::cout << "-----> Wrote " << out << ": " << Plural(manifest.files.size(), "migration file")
            << " of " << directory << "\n";
  return kExitOk;
}

/// Everything a Migrator needs, built from flags, settings and environment.
int Run(Action action, MigrateFlags f, const std::string& command_name) {
  RealDiskInterface disk;
  ReleaseContext release_context = ResolveReleaseContext(f.settings, &disk, command_name);
  const AppReleaseSettings& resolved = release_context.resolved;
  ReleaseSettings& s = release_context.settings;
  const std::string& root = release_context.app_root;
  const std::string& dir = release_context.migrations_dir;
  if (f.settings.dir.empty()) RefuseMigrationsDirOutsideApp(&disk, root, s.migrations_dir, dir);
  // The directory as a manifest records it: as the settings or --dir name it.
  const std::string manifest_directory = f.settings.dir.empty() ? s.migrations_dir : f.settings.dir;
  const std::string manifest_path = JoinAppPath(root, kMigrationsManifestPath);

  if (action == Action::kManifest)
    return WriteMigrationsManifest(&disk, dir, manifest_directory,
                                   f.out.empty() ? manifest_path : f.out);
  if (action == Action::kNew) {
    std::string path = CreateMigrationFile(&disk, dir, f.name, std::time(nullptr));
    std::cout << "-----> Created " << path << "\n";
    return kExitOk;
  }

  const std::string& url = release_context.database_url;
  const std::string& url_origin = release_context.database_url_origin;
  // Validate without a URL checks the files only.
  f.offline = action == Action::kValidate && (f.offline || url.empty());
  if (url.empty() && !f.offline)
    throw UserError(kExitUsage,
                    s.database_url_env + " is not set: nothing to migrate. Set it (Heroku "
                    "sets DATABASE_URL when a Postgres add-on is attached), choose another "
                    "variable with database_url_env / --database-url-env, or pass "
                    "--database-url.");

  Redactor& redactor = release_context.redactor;
  DatabaseTarget target = f.offline ? DatabaseTarget::Parse("dbname=offline")
                                    : DatabaseTarget::Parse(url);
  HistoryTableName table = HistoryTableName::Parse(s.table);
  RefuseForeignHistoryTableName(table.table);
  s.table = table.Qualified();
  const RunInfo& run = release_context.run;

  Console console(std::cout, std::cerr, &redactor);
  console.Configure(ResolveLogOptions(f.log_format, f.verbose));
  console.set_terminal(::isatty(STDOUT_FILENO) == 1);
  if (f.json) console.set_data_mode(true);
  PostgresDriver driver(target, table, ApplicationName(command_name, run), &redactor);
  Interrupt interrupt;
  interrupt.Install();
  RealClock clock(&interrupt);
  ConsoleCommandOutput command_output(&console);
  ShellCommandRunner runner(&command_output, &interrupt);
  DirectorySource source(&disk, dir);
  // A manifest (a slug's, or an image's) spares reading the files that
  // did not change since it was written.
  std::string manifest_not_used =
      ManifestNotUsedMessage(source.UseManifest(manifest_path, manifest_directory),
                             manifest_directory);
  if (!manifest_not_used.empty()) console.Warning(manifest_not_used);
  // What the release applied and where it failed, for the release ledger.
  ReleaseResult release_facts;
  ReleaseFactsRunObserver events(&console, &release_facts);
  ReleaseFactsCommandObserver command_events(&console, &release_facts);
  ConsoleAdoptObserver adopt_events(&console);
  KnownToolsHistoryGuard foreign_history;
  MigratorOptions options = MakeOptions(s, f, run, url, url_origin);
  options.events = &events;
  options.foreign_history = &foreign_history;
  Migrator migrator(&source, &driver, &runner, &redactor, &clock, &interrupt, options);
  MigratorContext context{&source, &driver, &runner, &redactor, &clock, &interrupt, &options};

  int status = kExitOk;
  console.Event("command_started", {{"command", command_name}, {"run_id", run.run_id},
                                    {"release", run.release}, {"app", run.app},
                                    {"database", driver.Describe()}});
  OutcomeLogger outcome(&console, &clock, command_name);
  try {
    if (action == Action::kWait || f.wait) {
      WaitForDatabase(&driver, &clock, &interrupt, &events, WaitTimeout(f, action));
      if (action == Action::kWait) {
        console.Step(driver.Describe() + " accepts connections");
        return kExitOk;
      }
    }
    if (action == Action::kAdopt) {
      AdoptOptions adopt{f.adopt_from, !f.adopt_version.empty(),
                         f.adopt_version.empty() ? 0 : f.adopt_version.front(), f.dry_run};
      status = AdoptForeignHistory(context, &adopt_events, source.ReadAll(), adopt);
    } else if (action == Action::kRelease && !f.dry_run) {
      // One release per commit across the services that deploy it, when
      // the run knows its commit (cli/release_coordination.h).
      f.coordination.allow_session_pooler = f.allow_session_pooler;
      ReleaseIdentity identity =
          ResolveCoordination(f.coordination, f.settings.app, resolved.loaded.app,
                              resolved.loaded.commit, s.coordinate);
      auto release = [&] {
        return Dispatch(action, f, resolved, &migrator, context, &console, {&disk, root},
                        &command_events);
      };
      if (identity.coordinated) {
        status = RunCoordinatedRelease(identity, f.coordination, s.lock_wait_seconds, target,
                                       table, run.run_id, ApplicationName("release ledger", run),
                                       &redactor, &console, &clock, &interrupt, &release_facts,
                                       release);
      } else {
        console.Debug("One release per commit: not coordinating, as " +
                      identity.not_coordinated_because);
        status = release();
      }
    } else {
      status = Dispatch(action, f, resolved, &migrator, context, &console, {&disk, root},
                        &command_events);
    }
  } catch (const RunError& e) {
    if (f.verbose) console.Detail(std::to_string(driver.queries_sent()) + " queries sent");
    std::string message = RunErrorMessage(e);
    outcome.Finish(ExitCodeOf(e), message);
    throw UserError(static_cast<ExitCode>(ExitCodeOf(e)), redactor.Scrub(message));
  } catch (const UserError& e) {
    if (f.verbose) console.Detail(std::to_string(driver.queries_sent()) + " queries sent");
    outcome.Finish(e.code(), e.what());
    throw UserError(e.code(), redactor.Scrub(e.what()));
  } catch (const std::exception& e) {
    outcome.Finish(kExitFailed, e.what());
    throw UserError(kExitFailed, redactor.Scrub(e.what()));
  }
  if (f.verbose) console.Detail(std::to_string(driver.queries_sent()) + " queries sent");
  outcome.Finish(status, "");
  return status;
}

/// --wait and --wait-timeout of `up` and `release`.
void AddWaitFlags(CLI::App* cmd, MigrateFlags* f) {
  cmd->add_flag("--wait", f->wait,
                "First wait until the database accepts a connection (exit 5 when it "
                "does not within --wait-timeout)");
  cmd->add_option("--wait-timeout", f->wait_timeout,
                  "How long --wait keeps trying (default: 60s)");
}

CLI::App* Command(CLI::App* parent, const std::string& name, const std::string& help,
                  std::shared_ptr<MigrateFlags> flags, unsigned groups) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  AddCommonFlags(cmd, flags.get(), groups);
  return cmd;
}

/// Where the migrations and the database are, and the history table.
constexpr unsigned kReadFlags = kSettingsFileFlags | kDirFlag | kDatabaseFlags | kTableFlag;

}  // namespace

void RegisterMigrateCommands(CLI::App* app, int* status) {
  auto flags = std::make_shared<MigrateFlags>();

  CLI::App* release = Command(
      app, "release",
      "Apply pending migrations before a release goes live (the Procfile's "
      "`release: slugwright release`). Reads .slugwright/release.json; flags "
      "override it. Exit: 0 ok, 1 a migration or hook failed, 2 usage/config/"
      "input, 3 lock not acquired in time, 4 refused for integrity, 5 --wait "
      "timed out, 130/143 interrupted.",
      flags, kAllSettingsFlags);
  release->add_flag("--dry-run", flags->dry_run,
                    "Read and validate, say what would run; no lock, no writes");
  release->add_option("--commit", flags->coordination.commit,
                      "The commit being released (default: SLUGWRIGHT_COMMIT, "
                      "RAILWAY_GIT_COMMIT_SHA, RENDER_GIT_COMMIT, GITHUB_SHA): every service "
                      "deploying it shares one release and its outcome");
  release->add_option("--attempt", flags->coordination.attempt,
                      "The attempt of the commit's release (default: SLUGWRIGHT_ATTEMPT, "
                      "else 1); raise it to run a failed release again");
  release->add_option("--service", flags->coordination.service,
                      "This service's name in the release ledger (default: --app, "
                      "SLUGWRIGHT_APP, HEROKU_APP_NAME, RAILWAY_SERVICE_NAME, "
                      "RENDER_SERVICE_NAME, FLY_APP_NAME, the host name)");
  release->add_flag("--retry", flags->coordination.retry,
                    "After a failed release of the commit, run the next attempt (one "
                    "manual run)");
  release->add_flag("--wait-only", flags->coordination.wait_only,
                    "Never run the release: wait (up to --lock-wait) for another "
                    "service's outcome and exit as it did");
  release->callback([status, flags] { *status = Run(Action::kRelease, *flags, "release"); });

  CLI::App* migrate = app->add_subcommand(
      "migrate",
      "Apply, revert and inspect PostgreSQL migrations (dbmate-style files, or golang-migrate "
      "NAME.up.sql / NAME.down.sql pairs)");
  migrate->require_subcommand(1);
  RegisterMigrateLintCommand(migrate, status);

  CLI::App* up = Command(migrate, "up", "Apply every pending migration", flags, kAllSettingsFlags);
  up->add_flag("--dry-run", flags->dry_run,
               "Read and validate, say what would run; no lock, no writes");
  AddWaitFlags(release, flags.get());
  AddWaitFlags(up, flags.get());
  up->callback([status, flags] { *status = Run(Action::kUp, *flags, "migrate up"); });

  CLI::App* down = Command(migrate, "down",
                           "Revert the newest applied migration(s) with their down "
                           "sections (also: rollback, as in dbmate)",
                           flags, kReadFlags | kLockWaitFlag | kStatementFlags);
  down->alias("rollback");
  down->add_option("count", flags->count, "How many to revert (default 1)")
      ->check(CLI::Range(1, 1000000));
  down->callback([status, flags] { *status = Run(Action::kDown, *flags, "migrate down"); });

  CLI::App* st = Command(migrate, "status",
                         "List applied, pending, changed, unfinished and file-less "
                         "migrations",
                         flags, kReadFlags | kOutOfOrderFlag);
  st->alias("version");  // golang-migrate's word for "where is the database"
  st->add_flag("--json", flags->json, "Print JSON on stdout");
  st->add_flag("--exit-code", flags->exit_code, "Exit 1 when migrations are pending (saying how to re-run the release "
                "phase), 5 when the database does not accept a connection");
  st->callback([status, flags] { *status = Run(Action::kStatus, *flags, "migrate status"); });

  CLI::App* validate = Command(migrate, "validate",
                               "Check the migration files and, when a database URL is "
                               "set, the history (checksums, order, unfinished)",
                               flags, kReadFlags | kOutOfOrderFlag);
  validate->add_flag("--offline", flags->offline, "Check the files only");
  validate->callback(
      [status, flags] { *status = Run(Action::kValidate, *flags, "migrate validate"); });

  CLI::App* repair = Command(migrate, "repair",
                             "Clear unfinished transaction:false migrations so they run "
                             "again (or --mark-applied), and accept changed checksums",
                             flags, kReadFlags | kLockWaitFlag);
  repair->add_option("--mark-applied", flags->mark_applied,
                     "Mark this unfinished version applied (you completed it by hand)");
  repair->add_option("--renamed", flags->renamed, "OLD:NEW: applied OLD was renamed to NEW");
  repair->add_flag("--accept-checksums", flags->accept_checksums,
                   "Record the current checksum of applied files that changed");
  repair->callback([status, flags] { *status = Run(Action::kRepair, *flags, "migrate repair"); });

  CLI::App* adopt = Command(migrate, "adopt",
                            "Take over from dbmate, golang-migrate, Flyway, node-pg-migrate, "
                            "Rails, sequelize or knex: record what its history table says "
                            "was applied (or, with --version, every file up to V)",
                            flags, kReadFlags | kLockWaitFlag);
  adopt->alias("baseline");  // Flyway's word
  adopt->add_option("--from", flags->adopt_from,
                    "The tool whose history to import, when several tools' tables exist");
  adopt->add_option("--version", flags->adopt_version,
                    "Mark every migration up to this version applied (a hand-made schema)")
      ->expected(1);
  adopt->add_flag("--dry-run", flags->dry_run,
                  "Show the mapping file -> the tool's row; no lock, no writes");
  adopt->callback([status, flags] { *status = Run(Action::kAdopt, *flags, "migrate adopt"); });

  CLI::App* create = Command(migrate, "new",
                             "Create <dir>/<UTC timestamp>_<NAME>.sql with up and down "
                             "sections",
                             flags, kSettingsFileFlags | kDirFlag);
  create->add_option("name", flags->name, "What the migration does, e.g. add_users_email")
      ->required();
  create->callback([status, flags] { *status = Run(Action::kNew, *flags, "migrate new"); });

  CLI::App* manifest = Command(
      migrate, "manifest",
      "Write the migrations manifest (each file's name, size, time and checksum) that "
      "bin/compile and bin/build put into a slug, for an image build step: a release then "
      "reads only the migration files that changed since",
      flags, kSettingsFileFlags | kDirFlag);
  manifest->add_option("--out", flags->out,
                       "Where to write it (default: .slugwright/migrations.manifest in the "
                       "app root, where the release looks for it)");
  manifest->callback(
      [status, flags] { *status = Run(Action::kManifest, *flags, "migrate manifest"); });

  CLI::App* wait = Command(migrate, "wait",
                           "Wait until the database accepts a connection (as dbmate's "
                           "`wait`). Exit: 0 it does, 5 not within --timeout, 130/143 "
                           "interrupted",
                           flags, kSettingsFileFlags | kDatabaseFlags);
  wait->add_option("--timeout", flags->wait_timeout,
                   "How long to keep trying, e.g. 30s, 2m (default: 60s)");
  wait->callback([status, flags] { *status = Run(Action::kWait, *flags, "migrate wait"); });
}
