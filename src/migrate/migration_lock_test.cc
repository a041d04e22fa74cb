#include "migrate/migration_lock.h"

#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "base/console.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "testing/fake_clock.h"
#include "testing/fake_lock_backend.h"
#include "testing/fake_session.h"

namespace {

struct LockTest : public ::testing::Test {
  FakeLockBackend driver;
  FakeClock clock;
  std::ostringstream out, err;
  Console console{out, err, nullptr};
  MigrationLock lock{&driver, &clock, &console};
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
  EXPECT_NE(lock.last_holder().find("pid 4242"), std::string::npos);
  EXPECT_NE(lock.last_holder().find("slugwright release v41"), std::string::npos);
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
  // The holder is announced while waiting.
  EXPECT_NE(out.str().find("held by pid 4242"), std::string::npos) << out.str();
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
  MigrationLock lock(&driver, &clock, &console);
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
  Interrupt interrupt;
  MigrationLockOptions options{0, 1, false};
};

}  // namespace

TEST_F(ScopedLockTest, ConnectsLocksAndReleasesAtScopeEnd) {
  {
    ScopedMigrationLock scoped(&driver, &driver, &clock, &console, &interrupt, options);
    EXPECT_TRUE(driver.locked);
    EXPECT_EQ(driver.calls["connect"], 1);
  }
  EXPECT_FALSE(driver.locked);
  EXPECT_EQ(driver.calls["unlock"], 1);
}

TEST_F(ScopedLockTest, LockNotAcquiredIsExitThreeNamingTheHolder) {
  driver.lock_free = false;
  try {
    ScopedMigrationLock scoped(&driver, &driver, &clock, &console, &interrupt, options);
    FAIL() << "no UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitLockTimeout);
    EXPECT_NE(std::string(e.what()).find("was not acquired at once (lock wait 0): it is held "
                                         "by pid 4242"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(driver.calls["unlock"], 0);
}

TEST_F(ScopedLockTest, InterruptJustAfterTakingItReleasesTheLock) {
  interrupt.Request(SIGTERM);
  try {
    ScopedMigrationLock scoped(&driver, &driver, &clock, &console, &interrupt, options);
    FAIL() << "no UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), 143);
    EXPECT_EQ(std::string(e.what()),
              "interrupted by SIGTERM before any migration started; nothing was applied");
  }
  EXPECT_FALSE(driver.locked);
  EXPECT_EQ(driver.calls["unlock"], 1);
}

TEST_F(ScopedLockTest, UnreachableServerIsExitOne) {
  struct Unreachable : FakeLockingSession {
    void Connect() override { throw DatabaseError("connection refused", "", true); }
  } unreachable;
  try {
    ScopedMigrationLock scoped(&unreachable, &unreachable, &clock, &console, nullptr, options);
    FAIL() << "no UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitFailed);
    EXPECT_EQ(std::string(e.what()), "connection refused");
  }
  EXPECT_EQ(unreachable.calls["try_lock"], 0);
}
