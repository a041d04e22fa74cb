#ifndef SLUGWRIGHT_TESTING_RECORDING_RUN_OBSERVER_H_
#define SLUGWRIGHT_TESTING_RECORDING_RUN_OBSERVER_H_

// The command line's run observer that also keeps the facts of the events
// the tests of decisions look at, so they assert facts while the golden
// tests (cli/output/) cover the words.

#include <string>
#include <vector>

#include "cli/output/migrate_output.h"

class RecordingRunObserver : public ConsoleRunObserver {
 public:
  using ConsoleRunObserver::ConsoleRunObserver;

  std::vector<LockWaitEvent> lock_waits;
  std::vector<double> lock_acquired;
  int lock_released_unheld = 0;
  std::vector<LockTimeoutRetryEvent> retries;
  std::vector<HookFailureEvent> hook_failures;
  std::vector<RunStartEvent> run_starts;
  std::vector<AppliedMigrationEvent> applied;
  std::vector<UpFailureEvent> failures;
  std::vector<DryRunEvent> dry_runs;
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
    retries.push_back(e);
    ConsoleRunObserver::LockTimeoutRetried(e);
  }
  void HookCommandFailed(const HookFailureEvent& e) override {
    hook_failures.push_back(e);
    ConsoleRunObserver::HookCommandFailed(e);
  }
  void RunStarting(const RunStartEvent& e) override {
    run_starts.push_back(e);
    ConsoleRunObserver::RunStarting(e);
  }
  void MigrationApplied(const AppliedMigrationEvent& e) override {
    applied.push_back(e);
    ConsoleRunObserver::MigrationApplied(e);
  }
  void RunFailed(const UpFailureEvent& e) override {
    failures.push_back(e);
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
    dry_runs.push_back(e);
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
};

#endif  // SLUGWRIGHT_TESTING_RECORDING_RUN_OBSERVER_H_
