#ifndef SLUGWRIGHT_MIGRATE_RUN_OBSERVER_H_
#define SLUGWRIGHT_MIGRATE_RUN_OBSERVER_H_

// What a migration command reports while it runs, as events with facts:
// the lock, each migration, lock_timeout retries, hooks, reverts and the
// end of the run. The runner decides and calls these; it never words a
// message. The command line implements RunObserver once
// (cli/output/migrate_output.h), writing Heroku-style lines or JSON log
// events, so a message changes in one place.
//
// Kept apart from MigrationObserver (migration_observer.h), rehearse's
// instrumentation: that one changes how a transaction is sent (BeforeCommit
// looks inside it, in three round trips) and is null in normal runs, while
// this one only reports and is always there.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "migrate/database_driver.h"
#include "migrate/migration.h"
#include "migrate/migration_plan.h"
#include "migrate/release_settings.h"

class RunError;

/// Statement `number` (1-based) of `total` of a transaction:false section,
/// at `path`:`line`.
struct StatementPosition {
  int number = 0;
  int total = 0;
  std::string path;
  int line = 0;
};

/// What a lock_timeout retry runs again.
struct RetrySubject {
  enum class Kind {
    kMigration,  ///< a transactional migration
    kStatement,  ///< one statement of a transaction:false migration
    kBatch,      ///< the batch of `transaction: all` (at `migration`, or COMMIT when null)
    kRevert,     ///< reverting a migration
    kCommand,    ///< the `command:` tool run
  };
  Kind kind = Kind::kMigration;
  const Migration* migration = nullptr;
  StatementPosition statement;
  std::string command;
};

/// One lock_timeout retry: `attempt` of `retries`, after `delay_seconds`.
struct LockTimeoutRetryEvent {
  RetrySubject subject;
  double lock_timeout_seconds = 0;
  int attempt = 0;
  int retries = 0;
  double delay_seconds = 0;
};

/// The migration lock is held by someone else and the run waits for it.
struct LockWaitEvent {
  std::vector<LockHolder> holders;
  double waited_seconds = 0;
  double wait_seconds = 0;
  /// The first report of this wait (later ones come every 30 s).
  bool first = true;
};

/// A migration still running after a progress interval.
struct MigrationRunningEvent {
  const Migration* migration = nullptr;
  double elapsed_seconds = 0;
  /// transaction:false: the statement running (1-based) of `statements_total`; else 0.
  int statement = 0;
  int statements_total = 0;
  /// Who holds the lock the migration waits for; empty when it does not wait.
  std::string blocked_by;
};

/// `up --dry-run`: what would run.
struct DryRunEvent {
  std::string database;
  std::string source;
  size_t applied = 0;
  struct Pending {
    const Migration* migration;
    bool out_of_order;
  };
  std::vector<Pending> pending;
};

/// `up` is about to apply `pending`.
struct RunStartEvent {
  std::vector<const Migration*> pending;
  /// on_failure: rollback-release only: pending migrations without a down section.
  std::vector<const Migration*> without_down;
  /// Other slugwright history tables on the database, besides `table`.
  std::vector<std::string> other_history_tables;
  std::string table;
  std::string source;
  std::string database;
  ReleaseSettings::TransactionMode transaction = ReleaseSettings::TransactionMode::kPerMigration;
  double lock_timeout_seconds = 0;
};

/// A migration committed, in `seconds`.
struct AppliedMigrationEvent {
  const Migration* migration = nullptr;
  double seconds = 0;
  bool out_of_order = false;
};

/// Where and why a run failed: kept by the runner as it fails (RunOutcome,
/// migration_hooks.h, what the hooks are told) and reported in the failure
/// events (UpFailureEvent).
struct RunFailure {
  /// The migration that failed; null when a hook or COMMIT of the batch did.
  const Migration* failed = nullptr;
  /// The error as recorded in the history and given to hooks.
  std::string error;
  /// The server's answer when a statement failed: its SQLSTATE and message.
  std::string sqlstate;
  std::string server_message;
  /// transaction:false: the statement that failed; those before it stay applied.
  std::optional<StatementPosition> failed_statement;
  bool failed_in_hook = false;
  /// lock_timeout (55P03) ended the retries: the other sessions that held
  /// locks on the migration's tables just after (empty when none did).
  std::vector<LockHolder> blockers;
};

/// How an `up` run failed, once the run stopped.
struct UpFailureEvent : RunFailure {
  ReleaseSettings::TransactionMode transaction = ReleaseSettings::TransactionMode::kPerMigration;
  /// Set when the connection was lost with a COMMIT in flight: what a new
  /// session found, for `lost_commit_migrations`.
  std::optional<HistoryStore::LostOutcome> lost_commit;
  std::vector<const Migration*> lost_commit_migrations;
  /// What this run committed that stays applied (or is reverted next).
  std::vector<const Migration*> committed;
  bool interrupted = false;
};

/// A hook command that failed: exit status, timeout or interrupt.
struct HookFailureEvent {
  std::string hook;
  std::string command;
  bool timed_out = false;
  bool interrupted = false;
  int exit_code = 0;
  double timeout_seconds = 0;
};

/// Told by the runner what happens, in order. The calls must not throw.
/// The Migration pointers of an event are valid during the call only
/// (they point into the Migrator's files).
class RunObserver {
 public:
  virtual ~RunObserver() = default;

  // The migration lock (migration_lock.h).
  virtual void LockWaiting(const LockWaitEvent& event) = 0;
  virtual void LockAcquired(double waited_seconds) = 0;
  /// The server said this session did not hold the lock it released.
  virtual void LockReleasedUnheld() = 0;
  virtual void LockTimeoutRetried(const LockTimeoutRetryEvent& event) = 0;

  // Hooks (migration_hooks.h).
  virtual void HooksStarted(const std::string& hook, size_t commands) = 0;
  virtual void HooksFinished(const std::string& hook, bool ok, double seconds) = 0;
  virtual void HookCommandStarted(const std::string& hook, const std::string& command) = 0;
  virtual void HookCommandFailed(const HookFailureEvent& event) = 0;

  // `up`.
  virtual void DryRun(const DryRunEvent& event) = 0;
  /// Applied migrations have no file here (the database is ahead of this
  /// code, as after a rollback of the release).
  virtual void DatabaseAhead(const MigrationPlan& plan) = 0;
  virtual void UpToDate(const std::string& database, size_t applied) = 0;
  virtual void RunStarting(const RunStartEvent& event) = 0;
  virtual void MigrationStarted(const Migration& migration) = 0;
  virtual void MigrationRunning(const MigrationRunningEvent& event) = 0;
  /// The progress reports of a migration ended.
  virtual void MigrationRunningEnded() = 0;
  virtual void MigrationApplied(const AppliedMigrationEvent& event) = 0;
  virtual void MigrationFailed(const Migration& migration, double seconds,
                               const std::string& error) = 0;
  /// `transaction: all` committed `count` migrations together.
  virtual void BatchCommitted(size_t count) = 0;
  /// INVALID indexes exist after `migration` failed (or, `after_failure`
  /// false, finished).
  virtual void InvalidIndexesLeft(const Migration& migration,
                                  const std::vector<std::string>& indexes,
                                  bool after_failure) = 0;
  virtual void RunSucceeded(size_t applied, double seconds) = 0;
  /// `hooks.after` failed once `committed` migrations had committed (in
  /// `command:` mode: the rows the tool's table gained); `release_fails`
  /// says whether after_hook_failure: fail ends the release with it.
  virtual void AfterHookFailedAfterCommit(size_t committed, bool release_fails) = 0;
  /// The run failed: what failed and what the server did with it.
  virtual void RunFailed(const UpFailureEvent& event) = 0;
  /// on_failure: stop left `event.committed` applied.
  virtual void CommittedStayApplied(const UpFailureEvent& event) = 0;
  /// The end of a failed run, after any revert.
  virtual void RunFailureRecorded(const UpFailureEvent& event) = 0;

  // Reverting: on_failure: rollback-release and `down`.
  virtual void RevertingCommitted(size_t count) = 0;
  /// rollback-release stopped at `migration` (no down section when `error`
  /// is empty); it and `older_left` older ones of this run stay applied.
  virtual void CommittedRevertStopped(const Migration& migration, size_t older_left,
                                      const std::string& error) = 0;
  virtual void NothingToRevert() = 0;
  virtual void RevertStarting(size_t count, const std::string& database) = 0;
  virtual void Reverted(const Migration& migration, double seconds) = 0;
  virtual void RevertInterrupted(const Migration& migration) = 0;
  virtual void RevertFailed(const Migration& migration, const std::string& error) = 0;
  virtual void RevertFinished(size_t count, double seconds) = 0;

  // `migrate wait` and --wait (database_wait.h).
  /// The first connection failed; the run keeps trying for `timeout_seconds`.
  virtual void DatabaseWaitStarted(const std::string& database, double timeout_seconds) = 0;
  /// `database` accepted a connection after `waited_seconds` of waiting.
  virtual void DatabaseAccepts(const std::string& database, double waited_seconds) = 0;

  // `migrate validate` (validate.h).
  /// Every one of `files` migration files in `source` can run.
  virtual void FilesValid(size_t files, const std::string& source) = 0;
  /// No database URL: only the files were checked.
  virtual void HistoryNotChecked() = 0;
  virtual void HistoryMatches(const std::string& database, size_t applied, size_t pending) = 0;

  // `migrate repair` (repair.h).
  /// Unfinished `row` was marked applied (--mark-applied), or removed so it
  /// runs again from its first statement.
  virtual void RepairMarkedApplied(const HistoryRow& row) = 0;
  virtual void RepairRemovedUnfinished(const HistoryRow& row) = 0;
  /// Applied `row` (file gone) now records pending `renamed` (--renamed).
  virtual void RepairRecordedRename(const HistoryRow& row, const Migration& renamed) = 0;
  /// Applied `file` changed since `row` recorded it: its new checksum was
  /// recorded (--accept-checksums), or not.
  virtual void RepairChecksumChanged(const Migration& file, const HistoryRow& row,
                                     bool recorded) = 0;
  virtual void RepairFinished(int changes) = 0;

  /// The words of a refusal, for a caller that keeps it as text
  /// (rehearse's report); the command line words it the same way.
  virtual std::string Describe(const RunError& error) const = 0;
};

#endif  // SLUGWRIGHT_MIGRATE_RUN_OBSERVER_H_
