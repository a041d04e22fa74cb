#ifndef SLUGWRIGHT_TESTING_RECORDING_RUN_OBSERVER_H_
#define SLUGWRIGHT_TESTING_RECORDING_RUN_OBSERVER_H_

// The command line's run observer that also keeps the facts of the events
// the tests of decisions look at, so they assert facts while the golden
// tests (cli/output/) cover the words. Migrations are kept by version: the
// events' pointers die with the Migrator.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cli/output/migrate_output.h"

class RecordingRunObserver : public ConsoleRunObserver {
 public:
  using ConsoleRunObserver::ConsoleRunObserver;

  /// A lock_timeout retry, its subject by version (0 for COMMIT or a command).
  struct Retry {
    RetrySubject::Kind kind;
    int64_t version;
    double lock_timeout_seconds;
    int attempt;
    int retries;
    double delay_seconds;
  };
  /// A RunStartEvent without its pointers.
  struct RunStart {
    size_t pending;
    std::vector<int64_t> without_down;
    std::vector<std::string> other_history_tables;
    std::string table;
  };
  /// An UpFailureEvent by versions (0: no migration failed).
  struct Failure {
    int64_t failed = 0;
    std::string error;
    std::string sqlstate;
    std::string server_message;
    /// The failed statement's number (transaction:false), else 0.
    int failed_statement = 0;
    bool failed_in_hook = false;
    std::optional<HistoryStore::LostOutcome> lost_commit;
    std::vector<int64_t> lost_commit_versions;
    std::vector<int64_t> committed;
    /// The pids lock_timeout waited for.
    std::vector<int> blocker_pids;
  };

  std::vector<LockWaitEvent> lock_waits;
  std::vector<double> lock_acquired;
  int lock_released_unheld = 0;
  std::vector<Retry> retries;
  std::vector<HookFailureEvent> hook_failures;
  std::vector<RunStart> run_starts;
  /// Versions applied, in order.
  std::vector<int64_t> applied;
  std::vector<Failure> failures;
  /// The pending count of each dry run.
  std::vector<size_t> dry_runs;
  /// Timeouts of the waits for the database that started, and how long
  /// each waited until the server accepted.
  std::vector<double> database_waits;
  std::vector<double> database_accepted;
  /// The applied count of each "up to date" run.
  std::vector<size_t> up_to_date;
  /// How many applied migrations had no file, each time the plan had some.
  std::vector<size_t> ahead;
  /// Versions reverted (rollback-release and `down`), in order.
  std::vector<int64_t> reverted;
  /// Each failed after hook: the migrations committed before it, and
  /// whether it failed the release.
  std::vector<std::pair<size_t, bool>> after_hook_failures;

  void LockWaiting(const LockWaitEvent& e) override {
    lock_waits.push_back(e);
    ConsoleRunObserver::LockWaiting(e);
  }
  void LockAcquired(double waited) override {
    lock_acquired.push_back(waited);
    ConsoleRunObserver::LockAcquired(waited);
  }
  void LockReleasedUnheld() override {
    ++lock_released_unheld;
    ConsoleRunObserver::LockReleasedUnheld();
  }
  void LockTimeoutRetried(const LockTimeoutRetryEvent& e) override {
    retries.push_back({e.subject.kind, e.subject.migration ? e.subject.migration->version : 0,
                       e.lock_timeout_seconds, e.attempt, e.retries, e.delay_seconds});
    ConsoleRunObserver::LockTimeoutRetried(e);
  }
  void HookCommandFailed(const HookFailureEvent& e) override {
    hook_failures.push_back(e);
    ConsoleRunObserver::HookCommandFailed(e);
  }
  void AfterHookFailedAfterCommit(size_t committed, bool release_fails) override {
    after_hook_failures.emplace_back(committed, release_fails);
    ConsoleRunObserver::AfterHookFailedAfterCommit(committed, release_fails);
  }
  void RunStarting(const RunStartEvent& e) override {
    run_starts.push_back({e.pending.size(), Versions(e.without_down), e.other_history_tables,
                          e.table});
    ConsoleRunObserver::RunStarting(e);
  }
  void MigrationApplied(const AppliedMigrationEvent& e) override {
    applied.push_back(e.migration->version);
    ConsoleRunObserver::MigrationApplied(e);
  }
  void RunFailed(const UpFailureEvent& e) override {
    failures.push_back({e.failed ? e.failed->version : 0, e.error, e.sqlstate,
                        e.server_message, e.failed_statement ? e.failed_statement->number : 0,
                        e.failed_in_hook, e.lost_commit, Versions(e.lost_commit_migrations),
                        Versions(e.committed), {}});
    for (const LockHolder& h : e.blockers) failures.back().blocker_pids.push_back(h.pid);
    ConsoleRunObserver::RunFailed(e);
  }
  void DatabaseWaitStarted(const std::string& database, double timeout) override {
    database_waits.push_back(timeout);
    ConsoleRunObserver::DatabaseWaitStarted(database, timeout);
  }
  void DatabaseAccepts(const std::string& database, double waited) override {
    database_accepted.push_back(waited);
    ConsoleRunObserver::DatabaseAccepts(database, waited);
  }
  void DryRun(const DryRunEvent& e) override {
    dry_runs.push_back(e.pending.size());
    ConsoleRunObserver::DryRun(e);
  }
  void UpToDate(const std::string& database, size_t applied) override {
    up_to_date.push_back(applied);
    ConsoleRunObserver::UpToDate(database, applied);
  }
  void DatabaseAhead(const MigrationPlan& plan) override {
    if (!plan.future.empty()) ahead.push_back(plan.future.size());
    ConsoleRunObserver::DatabaseAhead(plan);
  }
  void Reverted(const Migration& m, double seconds) override {
    reverted.push_back(m.version);
    ConsoleRunObserver::Reverted(m, seconds);
  }

 private:
  static std::vector<int64_t> Versions(const std::vector<const Migration*>& migrations) {
    std::vector<int64_t> versions;
    for (const Migration* m : migrations) versions.push_back(m->version);
    return versions;
  }
};

#endif  // SLUGWRIGHT_TESTING_RECORDING_RUN_OBSERVER_H_
