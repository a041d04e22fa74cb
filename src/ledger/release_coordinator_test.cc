// The decisions of CoordinateRelease on an in-memory ledger whose other
// runs are scripted: what a run does for each state of its key. The same
// protocol against PostgreSQL, with real processes racing and killed, is
// in cli/release_ledger_pg_test.cc.

#include "ledger/release_coordinator.h"

#include <gtest/gtest.h>
#include <map>

#include "base/exit_codes.h"
#include "testing/fake_clock.h"

namespace {

/// The ledger as one run sees it: rows, the key locks other runs hold,
/// and what happens while this run waits (`on_wait`).
class ScriptedLedger : public ReleaseLedger {
 public:
  explicit ScriptedLedger(FakeClock* clock) : clock_(clock) {}

  std::map<std::pair<std::string, int>, ReleaseRecord> rows;
  /// Keys whose lock another (live) run holds.
  std::map<std::pair<std::string, int>, bool> held_by_other;
  /// Called at each wait, with the wait number (from 1).
  std::function<void(int)> on_wait;
  int waits = 0;
  bool locked_by_me = false;

  std::string Describe() const override { return "ledger"; }
  void Open() override {}
  bool Read(const ReleaseKey& key, ReleaseRecord* record) override {
    auto it = rows.find({key.commit, key.attempt});
    if (it == rows.end()) return false;
    *record = it->second;
    return true;
  }
  std::vector<ReleaseRecord> List(const std::string&, int) override { return {}; }
  int LatestAttempt(const std::string& commit) override {
    int latest = 0;
    for (const auto& row : rows)
      if (row.first.first == commit) latest = std::max(latest, row.first.second);
    return latest;
  }
  bool TryLockKey(const ReleaseKey& key) override {
    if (held_by_other[{key.commit, key.attempt}]) return false;
    locked_by_me = true;
    return true;
  }
  void UnlockKey(const ReleaseKey&) override { locked_by_me = false; }
  void Start(const ReleaseKey& key, const std::string& service, const std::string& run_id,
             const std::string& taken_over_from) override {
    EXPECT_TRUE(locked_by_me);
    ReleaseRecord& row = rows[{key.commit, key.attempt}];
    row.key = key;
    row.state = ReleaseState::kRunning;
    row.service = service;
    row.run_id = run_id;
    row.taken_over_from = taken_over_from;
  }
  bool Finish(const ReleaseKey& key, const std::string& run_id,
              const ReleaseResult& result) override {
    ReleaseRecord& row = rows[{key.commit, key.attempt}];
    if (row.run_id != run_id || row.state != ReleaseState::kRunning) return false;
    row.state = result.exit_code == 0 ? ReleaseState::kSucceeded : ReleaseState::kFailed;
    row.applied = result.applied;
    row.failed_migration = result.failed_migration;
    row.error = result.error;
    return true;
  }
  void AddWaiter(const ReleaseKey& key, const std::string& service) override {
    rows[{key.commit, key.attempt}].waiters.push_back(service);
  }
  bool WaitForFinish(double seconds) override {
    ++waits;
    clock_->now += seconds;
    if (on_wait) on_wait(waits);
    return true;
  }

  /// Another run, `service`, executing `key` now.
  void OtherRunning(const ReleaseKey& key, const std::string& service) {
    ReleaseRecord row;
    row.key = key;
    row.service = service;
    rows[{key.commit, key.attempt}] = row;
    held_by_other[{key.commit, key.attempt}] = true;
  }
  void OtherFinished(const ReleaseKey& key, ReleaseState state) {
    rows[{key.commit, key.attempt}].state = state;
    held_by_other[{key.commit, key.attempt}] = false;
  }

 private:
  FakeClock* clock_;
};

struct Events : CoordinationObserver {
  int waiting = 0;
  std::vector<std::string> executing;
  void WaitingForRelease(const ReleaseKey&, const ReleaseRecord*, bool) override { ++waiting; }
  void ExecutingRelease(const ReleaseKey&, const std::string& from) override {
    executing.push_back(from);
  }
};

class ReleaseCoordinatorTest : public ::testing::Test {
 protected:
  ReleaseOutcome Coordinate(int exit_code = 0) {
    return CoordinateRelease(&ledger_, &clock_, nullptr, request_,
                             [this, exit_code] {
                               ++executions_;
                               ReleaseResult result;
                               result.exit_code = exit_code;
                               result.applied = 3;
                               if (exit_code == 1) result.failed_migration = "2_b.sql";
                               return result;
                             },
                             &events_);
  }
  FakeClock clock_;
  ScriptedLedger ledger_{&clock_};
  Events events_;
  CoordinationRequest request_{{"abc", 1}, "web", "run1", 60, false, false};
  int executions_ = 0;
};

TEST_F(ReleaseCoordinatorTest, TheFirstRunExecutesAndRecordsTheOutcome) {
  ReleaseOutcome outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kExecuted, outcome.role);
  EXPECT_EQ(1, executions_);
  EXPECT_EQ(0, outcome.exit_code);
  ASSERT_TRUE(outcome.has_record);
  EXPECT_EQ(ReleaseState::kSucceeded, outcome.record.state);
  EXPECT_EQ("web", outcome.record.service);
  EXPECT_EQ(3, outcome.record.applied);
  EXPECT_FALSE(ledger_.locked_by_me);
}

TEST_F(ReleaseCoordinatorTest, ALaterRunOfASucceededKeyRunsNothing) {
  ledger_.OtherRunning({"abc", 1}, "worker");
  ledger_.OtherFinished({"abc", 1}, ReleaseState::kSucceeded);
  ReleaseOutcome outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kFoundRecorded, outcome.role);
  EXPECT_EQ(0, executions_);
  EXPECT_EQ(0, outcome.exit_code);
  EXPECT_EQ("worker", outcome.record.service);
  EXPECT_EQ(std::vector<std::string>{"web"}, outcome.record.waiters);
  EXPECT_EQ(0, ledger_.waits);
}

TEST_F(ReleaseCoordinatorTest, AFailedKeyStaysFailedForEveryLaterRun) {
  ledger_.OtherRunning({"abc", 1}, "worker");
  ledger_.OtherFinished({"abc", 1}, ReleaseState::kFailed);
  ReleaseOutcome outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kFoundRecorded, outcome.role);
  EXPECT_EQ(kExitFailed, outcome.exit_code);
  EXPECT_EQ(0, executions_);
}

TEST_F(ReleaseCoordinatorTest, AWaiterSharesTheExecutorsOutcomeWithoutRunning) {
  ledger_.OtherRunning({"abc", 1}, "worker");
  ledger_.on_wait = [this](int wait) {
    if (wait == 3) ledger_.OtherFinished({"abc", 1}, ReleaseState::kFailed);
  };
  ReleaseOutcome outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kWaited, outcome.role);
  EXPECT_EQ(kExitFailed, outcome.exit_code);
  EXPECT_EQ(0, executions_);
  EXPECT_EQ(1, events_.waiting);
  EXPECT_EQ(3, ledger_.waits);
}

TEST_F(ReleaseCoordinatorTest, ARunningKeyWhoseLockIsFreeIsTakenOver) {
  ledger_.OtherRunning({"abc", 1}, "worker");
  ledger_.on_wait = [this](int) { ledger_.held_by_other[{"abc", 1}] = false; };  // killed
  ReleaseOutcome outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kTookOver, outcome.role);
  EXPECT_EQ(1, executions_);
  EXPECT_EQ(std::vector<std::string>{"worker"}, events_.executing);
  EXPECT_EQ("worker", outcome.record.taken_over_from);
  EXPECT_EQ("web", outcome.record.service);
  EXPECT_EQ(ReleaseState::kSucceeded, outcome.record.state);
}

// The executor's ledger session was lost while it ran, and another run took
// the key over: its outcome must not overwrite that run's row.
TEST_F(ReleaseCoordinatorTest, AnExecutorWhoseKeyWasTakenOverRecordsNothing) {
  ReleaseOutcome outcome = CoordinateRelease(
      &ledger_, &clock_, nullptr, request_,
      [this] {
        ReleaseRecord& row = ledger_.rows[{"abc", 1}];
        row.service = "worker";
        row.run_id = "run2";
        row.taken_over_from = "web";
        row.state = ReleaseState::kSucceeded;
        ReleaseResult result;
        result.exit_code = kExitFailed;
        result.failed_migration = "2_b.sql";
        return result;
      },
      &events_);
  EXPECT_EQ(ReleaseRole::kSupersededWhileExecuting, outcome.role);
  EXPECT_EQ(kExitFailed, outcome.exit_code);
  ASSERT_TRUE(outcome.has_record);
  EXPECT_EQ(ReleaseState::kSucceeded, outcome.record.state);
  EXPECT_EQ("worker", outcome.record.service);
  EXPECT_EQ("", outcome.record.failed_migration);
}

TEST_F(ReleaseCoordinatorTest, AnExitThatIsNoVerdictLeavesTheKeyOpen) {
  ReleaseOutcome outcome = Coordinate(kExitLockTimeout);
  EXPECT_EQ(ReleaseRole::kExecutedWithoutOutcome, outcome.role);
  EXPECT_EQ(kExitLockTimeout, outcome.exit_code);
  EXPECT_EQ(ReleaseState::kRunning, outcome.record.state);
  EXPECT_FALSE(ledger_.locked_by_me);
  // The next run takes it over.
  request_.service = "worker";
  outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kTookOver, outcome.role);
  EXPECT_EQ("web", outcome.record.taken_over_from);
}

TEST_F(ReleaseCoordinatorTest, WaitOnlyNeverExecutesAndGivesUpAfterTheWait) {
  request_.wait_only = true;
  request_.wait_seconds = 5;
  ReleaseOutcome outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kWaitTimedOut, outcome.role);
  EXPECT_EQ(kExitLockTimeout, outcome.exit_code);
  EXPECT_FALSE(outcome.has_record);
  EXPECT_EQ(0, executions_);
  EXPECT_GE(outcome.waited_seconds, 5);
  EXPECT_LE(outcome.waited_seconds, 6);
}

TEST_F(ReleaseCoordinatorTest, WaitOnlySharesTheOutcomeOfARunThatStartsLater) {
  request_.wait_only = true;
  ledger_.on_wait = [this](int wait) {
    if (wait == 2) ledger_.OtherRunning({"abc", 1}, "worker");
    if (wait == 4) ledger_.OtherFinished({"abc", 1}, ReleaseState::kSucceeded);
  };
  ReleaseOutcome outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kWaited, outcome.role);
  EXPECT_EQ(0, outcome.exit_code);
  EXPECT_EQ(0, executions_);
}

TEST_F(ReleaseCoordinatorTest, RetryRunsTheAttemptAfterAFailedOne) {
  ledger_.OtherRunning({"abc", 1}, "worker");
  ledger_.OtherFinished({"abc", 1}, ReleaseState::kFailed);
  request_.retry = true;
  ReleaseOutcome outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kExecuted, outcome.role);
  EXPECT_EQ(2, outcome.key.attempt);
  EXPECT_EQ(1, outcome.retried_after);
  EXPECT_EQ(1, executions_);
  // After a success, --retry runs nothing.
  outcome = Coordinate();
  EXPECT_EQ(ReleaseRole::kFoundRecorded, outcome.role);
  EXPECT_EQ(2, outcome.key.attempt);
  EXPECT_EQ(1, executions_);
}

TEST_F(ReleaseCoordinatorTest, AnExecutionThatThrowsReleasesTheKeyLock) {
  EXPECT_THROW(CoordinateRelease(&ledger_, &clock_, nullptr, request_,
                                 []() -> ReleaseResult { throw std::runtime_error("lost"); },
                                 &events_),
               std::runtime_error);
  EXPECT_FALSE(ledger_.locked_by_me);
}

}  // namespace
