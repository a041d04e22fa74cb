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
#include "migrate/run_observer.h"

class Clock;
class CommandRunner;
class ForeignHistoryGuard;
class Interrupt;
class MigrationProgress;
class RunObserver;
struct MigrationLockOptions;

/// The orchestrator: reads migrations from a MigrationSource, compares
/// them with the history through a DatabaseDriver, enforces the policies
/// (migration_plan.h), takes the lock (ScopedMigrationLock), applies or
/// reverts, runs hooks (CommandRunner), and tells MigratorOptions::events
/// what happens (run_observer.h), as facts the command line words. It
/// knows nothing of files, SQL dialects, libpq or other tools (those reach
/// it through MigratorOptions::foreign_history). Repair and validate live
/// in repair.h and validate.h; `status` returns a value the command line
/// renders; `command:` releases are run by the command line
/// (tools/external_command.h), not by the Migrator.
///
/// Each command returns the process exit status, or throws RunError
/// (run_error.h: lock, interrupt, connection, `down` and runnable-file
/// refusals) or UserError for a file that does not split (2) and the
/// history's integrity refusals (4); the lock is released on every path.
class Migrator {
 public:
  Migrator(MigrationSource* source, DatabaseDriver* driver, CommandRunner* runner,
           const Redactor* redactor, Clock* clock, Interrupt* interrupt, MigratorOptions options);
  Migrator(const Migrator&) = delete;
  Migrator& operator=(const Migrator&) = delete;

  /// Applies every pending migration. With `dry_run`, reads and validates
  /// and says what would run, without the lock and without writing.
  int Up(bool dry_run);
  /// Reverts the newest `count` applied migrations with their down
  /// sections.
  int Down(int count);
  /// What is applied, pending, changed, unfinished and missing. Takes no
  /// lock; throws UserError(kExitCannotConnect) when the database does not
  /// accept a connection, UserError(kExitFailed) when reading fails.
  MigrationStatus Status();
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
  /// Reads the index (ReadIndexBeforeConnecting) into files_ and refuses
  /// blank up sections.
  void ReadIndex();
  /// Connects (checking every file when the server cannot be reached,
  /// reading the index first unless `files_read`) and tells whether the
  /// history holds exactly the `recorded` migrations, all applied with
  /// their checksums: the usual release, told in one query of three
  /// columns without the full history rows or the plan. `applied` is the
  /// number of history rows.
  bool ConnectAndFindUpToDate(const std::vector<RecordedMigration>& recorded, bool files_read,
                              size_t* applied);
  /// Connects unless `connected` (checking every file when the server
  /// cannot be reached), follows the server's lexing, reads the history in
  /// one query and plans with the pending files checked in full;
  /// `history_exists` says whether the history table is there.
  MigrationPlan ConnectAndPlan(bool* history_exists, bool connected = false);
  int ApplyPending(const MigrationPlan& plan);
  /// Tells what `up` is about to do (and rollback-release migrations
  /// without down sections, other history tables).
  void AnnouncePending(const MigrationPlan& plan);
  // The apply loop (migrator_apply.cc).
  bool ApplyEach(const MigrationPlan& plan, RunOutcome* outcome);
  /// The error of `m` failing with `e` in ApplyEach, recorded.
  std::string ApplyEachError(const Migration& m, const DatabaseError& e);
  bool ApplyAllInOneTransaction(const MigrationPlan& plan, RunOutcome* outcome);
  /// Applies one migration in its own transaction (or statement by
  /// statement), retrying lock_timeout. Throws DatabaseError.
  void ApplyOne(const Migration& m, bool out_of_order);
  void ApplyStatements(const Migration& m, bool out_of_order);
  /// Runs statement `at` of transaction:false `m`, retrying lock_timeout;
  /// on failure records it and throws a DatabaseError that says where and
  /// what stays applied.
  void ExecuteStatement(const Migration& m, const std::string& sql, const StatementPosition& at);
  /// Tells about INVALID indexes left behind, after `m` failed or finished.
  void WarnInvalidIndexes(const Migration& m, bool after_failure);
  /// After `m` hit lock_timeout for good: who holds locks on its tables.
  std::vector<LockHolder> LockTimeoutBlockers(const Migration& m);
  void Revert(const Migration& m);
  /// The migrations `down count` reverts, newest first; RunError when one
  /// has no file or no down section.
  std::vector<const Migration*> DownTargets(const MigrationPlan& plan, int count);
  int RevertTargets(const std::vector<const Migration*>& targets);
  /// rollback-release: reverts what this run committed, newest first.
  void RevertCommitted(RunOutcome* outcome);
  int FinishFailure(const MigrationPlan& plan, RunOutcome* outcome);
  /// The facts of a failed run for events_.
  UpFailureEvent FailureFacts(const RunOutcome& outcome) const;
  /// After the connection was lost with `migrations`' COMMIT in flight:
  /// notes the outcome is unknown and reads it on a new session
  /// (migrator_lost_commit.cc); applied ones join outcome->committed.
  void ResolveLostCommit(const std::vector<const Migration*>& migrations,
                         RunOutcome* outcome);
  /// Tells events_ that `m` committed in `seconds`.
  void Applied(const MigrationPlan& plan, const Migration* m, double seconds,
               RunOutcome* outcome);
  bool RunHooks(const std::string& hook, const std::vector<std::string>& commands,
                const MigrationPlan* plan, const RunOutcome* outcome, int exit_code);

  MigrationSource* source_;
  DatabaseDriver* driver_;
  Clock* clock_;
  Interrupt* interrupt_;
  MigratorOptions options_;
  RunObserver* events_;
  ForeignHistoryGuard* foreign_history_;
  /// The collaborators above and options_, for the split-out parts.
  MigratorContext context_;
  LockTimeoutRetry retry_;
  std::vector<Migration> files_;
  /// Set when a COMMIT's outcome was lost with the connection.
  std::optional<HistoryStore::LostOutcome> lost_commit_;
  std::vector<const Migration*> lost_commit_migrations_;
  /// The transaction:false statement that failed last, and the server's message.
  std::optional<StatementPosition> failed_statement_;
  std::string failed_statement_message_;
  /// Reports on the migration ApplyEach runs (null outside it).
  MigrationProgress* progress_ = nullptr;
};

#endif  // SLUGWRIGHT_MIGRATE_MIGRATOR_H_
