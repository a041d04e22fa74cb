#include "migrate/migration_lock.h"

#include <csignal>
#include <gtest/gtest.h>
#include <sstream>

#include "base/console.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "migrate/run_error.h"
#include "testing/fake_clock.h"
#include "testing/fake_database_driver.h"
#include "testing/fake_lock_backend.h"
#include "testing/fake_session.h"
#include "testing/recording_run_observer.h"

namespace {

struct LockTest : public ::testing::Test {
  FakeLockBackend driver;
  FakeClock clock;
  std::ostringstream out, err;
  Console console{out, err, nullptr};
  RecordingRunObserver events{&console};
  MigrationLock lock{&driver, &clock, &events};
};

}  // namespace

TEST_F(LockTest, FreeLockIsTakenWithOneAttemptAndNoWait) {
  EXPECT_EQ(lock.Acquire(600, 1), MigrationLock::Result::kAcquired);
  EXPECT_TRUE(lock.held());
  EXPECT_EQ(driver.calls["try_lock"], 1);
  EXPECT_TRUE(clock.sleeps.empty());
  lock.Release();
  EXPECT_FALSE(driver.locked);
  EXPECT_EQ(driver.calls["unlock"], 1);
}

TEST_F(LockTest, LockWaitZeroFailsAfterOneTryNamingTheHolder) {
  driver.lock_free = false;
  EXPECT_EQ(lock.Acquire(0, 1), MigrationLock::Result::kTimedOut);
  EXPECT_EQ(driver.calls["try_lock"], 1);
  EXPECT_TRUE(clock.sleeps.empty());
  ASSERT_EQ(lock.last_holders().size(), 1u);
  EXPECT_EQ(lock.last_holders()[0].pid, 4242);
  EXPECT_EQ(lock.last_holders()[0].application_name, "slugwright release v41");
  EXPECT_TRUE(events.lock_waits.empty());  // no wait to report
  lock.Release();
  EXPECT_EQ(driver.calls["unlock"], 0);
}

TEST_F(LockTest, PollsWithGrowingJitteredDelaysUntilTheDeadline) {
  driver.lock_free = false;
  EXPECT_EQ(lock.Acquire(10, 7), MigrationLock::Result::kTimedOut);
  double total = 0;
  for (double s : clock.sleeps) {
    EXPECT_GT(s, 0);
    EXPECT_LE(s, 0.25);  // a released lock is noticed within 250 ms
    total += s;
  }
  EXPECT_NEAR(total, 10, 1e-9);  // never sleeps past the deadline
  // Capped at 250 ms with jitter in [d/2, d]: 40 to 80 polls after the
  // first few short ones, never a busy loop.
  EXPECT_GT(clock.sleeps.size(), 40u);
  EXPECT_LT(clock.sleeps.size(), 90u);
  EXPECT_LT(clock.sleeps[0], clock.sleeps[3]);
  // The holder is reported while waiting: at first, and not again within 30 s.
  ASSERT_EQ(events.lock_waits.size(), 1u);
  EXPECT_TRUE(events.lock_waits[0].first);
  EXPECT_EQ(events.lock_waits[0].wait_seconds, 10);
  ASSERT_EQ(events.lock_waits[0].holders.size(), 1u);
  EXPECT_EQ(events.lock_waits[0].holders[0].pid, 4242);
}

TEST_F(LockTest, AcquiresOnceTheHolderLetsGo) {
  driver.lock_busy_attempts = 4;
  EXPECT_EQ(lock.Acquire(60, 3), MigrationLock::Result::kAcquired);
  EXPECT_EQ(driver.calls["try_lock"], 5);
  EXPECT_EQ(clock.sleeps.size(), 4u);
}

namespace {

class InterruptedClock : public FakeClock {
 public:
  bool Sleep(double) override { return false; }
};

}  // namespace

TEST(MigrationLock, StopsWaitingWhenInterrupted) {
  FakeLockBackend driver;
  driver.lock_free = false;
  InterruptedClock clock;
  std::ostringstream out;
  Console console(out, out, nullptr);
  RecordingRunObserver events(&console);
  MigrationLock lock(&driver, &clock, &events);
  EXPECT_EQ(lock.Acquire(600, 1), MigrationLock::Result::kInterrupted);
  EXPECT_EQ(driver.calls["try_lock"], 1);
}

namespace {

/// The lock and the session it lives on, on one fake database.
struct FakeLockingSession : FakeSession, FakeLockBackend {};

struct ScopedLockTest : public ::testing::Test {
  FakeLockingSession driver;
  FakeClock clock;
  std::ostringstream out, err;
  Console console{out, err, nullptr};
  RecordingRunObserver events{&console};
  Interrupt interrupt;
  MigrationLockOptions options{0, 1, false};
};

}  // namespace

TEST_F(ScopedLockTest, ConnectsLocksAndReleasesAtScopeEnd) {
  {
    ScopedMigrationLock scoped(&driver, &driver, &clock, &events, &interrupt, options);
    EXPECT_TRUE(driver.locked);
    EXPECT_EQ(driver.calls["connect"], 1);
  }
  EXPECT_FALSE(driver.locked);
  EXPECT_EQ(driver.calls["unlock"], 1);
}

TEST_F(ScopedLockTest, LockNotAcquiredIsLockedNamingTheHolder) {
  driver.lock_free = false;
  try {
    ScopedMigrationLock scoped(&driver, &driver, &clock, &events, &interrupt, options);
    FAIL() << "no RunError";
  } catch (const RunError& e) {
    EXPECT_EQ(e.kind(), RunError::Kind::kLocked);
    EXPECT_EQ(ExitCodeOf(e), kExitLockTimeout);
    EXPECT_EQ(e.facts().database, "u@fake:5432/db");
    EXPECT_EQ(e.facts().wait_seconds, 0);
    ASSERT_EQ(e.facts().holders.size(), 1u);
    EXPECT_EQ(e.facts().holders[0].pid, 4242);
  }
  EXPECT_EQ(driver.calls["unlock"], 0);
}

TEST_F(ScopedLockTest, InterruptJustAfterTakingItReleasesTheLock) {
  interrupt.Request(SIGTERM);
  try {
    ScopedMigrationLock scoped(&driver, &driver, &clock, &events, &interrupt, options);
    FAIL() << "no RunError";
  } catch (const RunError& e) {
    EXPECT_EQ(e.kind(), RunError::Kind::kInterruptedBeforeStart);
    EXPECT_EQ(e.facts().signal, SIGTERM);
    EXPECT_EQ(ExitCodeOf(e), 143);
  }
  EXPECT_FALSE(driver.locked);
  EXPECT_EQ(driver.calls["unlock"], 1);
}

TEST_F(ScopedLockTest, UnreachableServerIsExitOne) {
  struct Unreachable : FakeLockingSession {
    void Connect() override { throw DatabaseError("connection refused", "", true); }
  } unreachable;
  try {
    ScopedMigrationLock scoped(&unreachable, &unreachable, &clock, &events, nullptr, options);
    FAIL() << "no RunError";
  } catch (const RunError& e) {
    EXPECT_EQ(e.kind(), RunError::Kind::kUnreachable);
    EXPECT_EQ(ExitCodeOf(e), kExitFailed);
    EXPECT_EQ(e.facts().message, "connection refused");
  }
  EXPECT_EQ(unreachable.calls["try_lock"], 0);
}
