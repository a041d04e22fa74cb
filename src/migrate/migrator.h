#ifndef SLUGWRIGHT_MIGRATE_MIGRATOR_H_
#define SLUGWRIGHT_MIGRATE_MIGRATOR_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "migrate/database_driver.h"
#include "migrate/migration.h"
#include "migrate/migration_plan.h"
#include "migrate/release_settings.h"

class Clock;
class CommandRunner;
class Console;
class Interrupt;
class MigrationLock;
class MigrationObserver;

/// What a Migrator run needs besides its collaborators.
struct MigratorOptions {
  /// Transaction mode, failure policy, timeouts, retries, hooks, external
  /// command and out-of-order policy (flags already applied).
  ReleaseSettings settings;
  /// Run even behind a proxy that looks like a session-mode pooler.
  bool allow_session_pooler = false;
  RunInfo run;
  /// Extra environment for hooks and external commands (DATABASE_URL
  /// when it came from --database-url, PGOPTIONS with the timeouts).
  std::map<std::string, std::string> command_env;
  /// Seeds the jitter of lock polling and retries.
  uint64_t seed = 0;
  /// Told about each migration `up` applies (`slugwright rehearse`); null
  /// in normal runs (migration_observer.h).
  MigrationObserver* observer = nullptr;
};

/// What `migrate repair` should do beyond removing unfinished rows.
struct RepairOptions {
  /// Unfinished versions to mark applied (completed by hand) instead of
  /// removing them (so they run again).
  std::set<int64_t> mark_applied;
  /// Record the current checksum of changed applied files.
  bool accept_checksums = false;
};

/// The orchestrator: reads migrations from a MigrationSource, compares
/// them with the history through a DatabaseDriver, enforces the policies
/// (migration_plan.h), takes the lock (MigrationLock), applies or reverts,
/// runs hooks and external commands (CommandRunner), and reports to the
/// Console. It knows nothing of files, SQL dialects or libpq.
///
/// Each command returns the process exit status, or throws UserError for
/// usage (2), lock (3) and integrity (4) refusals; the lock is released on
/// every path.
class Migrator {
 public:
  Migrator(MigrationSource* source, DatabaseDriver* driver, CommandRunner* runner,
           Console* console, Clock* clock, Interrupt* interrupt,
           MigratorOptions options);

  /// Applies every pending migration (or runs `command:`). With `dry_run`,
  /// reads and validates and says what would run, without the lock and
  /// without writing.
  int Up(bool dry_run);
  /// Reverts the newest `count` applied migrations with their down
  /// sections (or runs `rollback_command:` `count` times).
  int Down(int count);
  /// Prints what is applied, pending, changed, unfinished and missing; as
  /// JSON with `json`. Exit 1 with `exit_code_when_pending` if any pending.
  int Status(bool json, bool exit_code_when_pending);
  /// Checks the files (and, with `use_database`, the history policies).
  int Validate(bool use_database);
  /// Clears unfinished non-transactional migrations and, optionally,
  /// changed checksums.
  int Repair(const RepairOptions& options);

 private:
  /// The state of one `up` run, reported to hooks and in the summary.
  struct Outcome {
    std::vector<const Migration*> committed;
    std::vector<int64_t> reverted;
    const Migration* failed = nullptr;
    std::string error;
    bool failed_in_hook = false;
  };

  std::vector<Migration> ReadFiles();
  void ConnectOrThrow();
  /// Connects, checks for a pooler, takes the lock (or throws).
  void ConnectAndLock(MigrationLock* lock);
  /// Reads history; creates the tables when missing if `create`.
  std::vector<HistoryRow> ReadHistory(bool create);
  /// Splits and checks the SQL of the migrations about to run: exit 2 for
  /// an unsplittable file, a transaction-control statement in a
  /// transactional migration, or a non-transactional one under
  /// `transaction: all`.
  void CheckRunnable(const std::vector<const Migration*>& migrations, bool down);
  void ThrowIfIntegrityProblems(const MigrationPlan& plan, bool allow_out_of_order);

  int ApplyPending(const MigrationPlan& plan);
  bool ApplyEach(const MigrationPlan& plan, Outcome* outcome);
  bool ApplyAllInOneTransaction(const MigrationPlan& plan, Outcome* outcome);
  /// Applies one migration in its own transaction (or statement by
  /// statement), retrying lock_timeout. Throws DatabaseError.
  void ApplyOne(const Migration& m, bool out_of_order);
  void ApplyStatements(const Migration& m, bool out_of_order);
  void Revert(const Migration& m);
  /// rollback-release: reverts what this run committed, newest first.
  void RevertCommitted(Outcome* outcome);
  int FinishFailure(const MigrationPlan& plan, Outcome* outcome);
  int RunExternal(bool down, int count);

  /// Runs the commands of one hook; false when one failed (the rest of
  /// that hook's commands are skipped).
  bool RunHooks(const std::string& hook, const std::vector<std::string>& commands,
                const MigrationPlan* plan, const Outcome* outcome, int exit_code);
  /// Sleeps before retry `attempt` of lock_timeout; false if interrupted.
  bool WaitBeforeRetry(int attempt, const std::string& what);
  bool IsOutOfOrder(const MigrationPlan& plan, const Migration* m) const;
  int InterruptedOr(int code) const;

  MigrationSource* source_;
  DatabaseDriver* driver_;
  CommandRunner* runner_;
  Console* console_;
  Clock* clock_;
  Interrupt* interrupt_;
  MigratorOptions options_;
  std::vector<Migration> files_;
};

#endif  // SLUGWRIGHT_MIGRATE_MIGRATOR_H_
