#ifndef SLUGWRIGHT_MIGRATE_MIGRATOR_H_
#define SLUGWRIGHT_MIGRATE_MIGRATOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "migrate/database_driver.h"
#include "migrate/lock_timeout_retry.h"
#include "migrate/migration.h"
#include "migrate/migration_hooks.h"
#include "migrate/migration_plan.h"
#include "migrate/migration_status.h"
#include "migrate/migrator_context.h"
#include "migrate/release_settings.h"

class Clock;
class DiskInterface;
class CommandRunner;
class Console;
class Interrupt;
class MigrationProgress;
struct MigrationLockOptions;

/// The orchestrator: reads migrations from a MigrationSource, compares
/// them with the history through a DatabaseDriver, enforces the policies
/// (migration_plan.h), takes the lock (ScopedMigrationLock), applies or
/// reverts, runs hooks and external commands (CommandRunner), and reports
/// progress to the Console. It knows nothing of files, SQL dialects or
/// libpq. `command:` runs, repair and validate live in tools/external_command.h,
/// repair.h and validate.h; `status` returns a value the command line
/// renders.
///
/// Each command returns the process exit status, or throws UserError for
/// usage (2), lock (3) and integrity (4) refusals; the lock is released on
/// every path.
class Migrator {
 public:
  Migrator(MigrationSource* source, DatabaseDriver* driver, CommandRunner* runner,
           Console* console, Clock* clock, Interrupt* interrupt,
           MigratorOptions options);
  Migrator(const Migrator&) = delete;
  Migrator& operator=(const Migrator&) = delete;

  /// Applies every pending migration (or runs `command:`). With `dry_run`,
  /// reads and validates and says what would run, without the lock and
  /// without writing.
  int Up(bool dry_run);
  /// Reverts the newest `count` applied migrations with their down
  /// sections (or runs `rollback_command:` `count` times).
  int Down(int count);
  /// What is applied, pending, changed, unfinished and missing. Takes no
  /// lock; throws UserError(kExitCannotConnect) when the database does not
  /// accept a connection, UserError(kExitFailed) when reading fails.
  MigrationStatus Status();
  /// `command:` mode's status: the tool's history table and its migration
  /// files (listed through `disk`, relative to `app_root`); the same
  /// errors as Status().
  MigrationStatus CommandStatus(DiskInterface* disk, const std::string& app_root);
  /// Checks the files (and, with `use_database`, the history policies).
  int Validate(bool use_database);
  /// Clears unfinished non-transactional migrations and, optionally,
  /// changed checksums.
  int Repair(const RepairOptions& options);

 private:
  MigrationLockOptions LockOptions() const;
  /// Reads history; creates the tables when missing if `create`.
  std::vector<HistoryRow> ReadHistory(bool create);
  bool Interrupted() const { return context_.interrupted(); }
  int InterruptedOr(int code) const { return context_.InterruptedOr(code); }
  /// " (cancelled: slugwright received SIGTERM)" for a failure an
  /// interrupt caused, else "".
  std::string CancelledSuffix() const;

  int DryRun();
  /// Connects (checking every file when the server cannot be reached),
  /// follows the server's lexing, reads the history in one query and plans
  /// with the pending files checked in full; `history_exists` says whether
  /// the history table is there.
  MigrationPlan ConnectAndPlan(bool* history_exists);
  int ApplyPending(const MigrationPlan& plan);
  /// Says what `up` is about to do; warns about rollback-release without
  /// down sections.
  void AnnouncePending(const MigrationPlan& plan);
  bool ApplyEach(const MigrationPlan& plan, RunOutcome* outcome);
  /// The error of `m` failing with `e` in ApplyEach, recorded.
  std::string ApplyEachError(const Migration& m, const DatabaseError& e);
  bool ApplyAllInOneTransaction(const MigrationPlan& plan, RunOutcome* outcome);
  /// Applies one migration in its own transaction (or statement by
  /// statement), retrying lock_timeout. Throws DatabaseError.
  void ApplyOne(const Migration& m, bool out_of_order);
  void ApplyStatements(const Migration& m, bool out_of_order);
  /// Runs statement `i` (0-based, described by `where`) of transaction:false
  /// `m`, retrying lock_timeout; on failure records it and throws a
  /// DatabaseError that says where and what stays applied.
  void ExecuteStatement(const Migration& m, const std::string& sql, int i,
                        const std::string& where);
  /// Warns about INVALID indexes left behind, after `m` failed or finished.
  void WarnInvalidIndexes(const Migration& m, bool after_failure);
  void Revert(const Migration& m);
  /// The migrations `down count` reverts, newest first; UserError when one
  /// has no file or no down section.
  std::vector<const Migration*> DownTargets(const MigrationPlan& plan, int count);
  int RevertTargets(const std::vector<const Migration*>& targets);
  /// rollback-release: reverts what this run committed, newest first.
  void RevertCommitted(RunOutcome* outcome);
  int FinishFailure(const MigrationPlan& plan, RunOutcome* outcome);
  /// After the connection was lost with `migrations`' COMMIT in flight:
  /// says the outcome is unknown and reads it on a new session
  /// (migrator_lost_commit.cc); applied ones join outcome->committed.
  void ResolveLostCommit(const std::vector<const Migration*>& migrations,
                         RunOutcome* outcome);
  /// What ResolveLostCommit() found, for FinishFailure().
  void ReportLostCommit();
  /// Warns when another slugwright history table is on the database.
  void WarnAboutOtherHistoryTables();
  /// The migration_started / migration_applied / migration_failed events.
  void LogMigrationStarted(const Migration& m);
  void LogMigrationEnded(const Migration& m, double seconds, const std::string& error);
  bool RunHooks(const std::string& hook, const std::vector<std::string>& commands,
                const MigrationPlan* plan, const RunOutcome* outcome, int exit_code);

  MigrationSource* source_;
  DatabaseDriver* driver_;
  Console* console_;
  Clock* clock_;
  Interrupt* interrupt_;
  MigratorOptions options_;
  /// The collaborators above and options_, for the split-out parts.
  MigratorContext context_;
  LockTimeoutRetry retry_;
  std::vector<Migration> files_;
  /// Set when a COMMIT's outcome was lost with the connection.
  std::optional<DatabaseDriver::LostOutcome> lost_commit_;
  std::vector<const Migration*> lost_commit_migrations_;
  /// Reports on the migration ApplyEach runs (null outside it).
  MigrationProgress* progress_ = nullptr;
};

#endif  // SLUGWRIGHT_MIGRATE_MIGRATOR_H_
