// The one lock_timeout retry rule: only 55P03, only within lock_retries,
// never after an interrupt, with a growing backoff.

#include "migrate/lock_timeout_retry.h"

#include <csignal>
#include <gtest/gtest.h>
#include <sstream>

#include "base/console.h"
#include "base/interrupt.h"
#include "testing/fake_clock.h"
#include "testing/fake_database_driver.h"
#include "testing/recording_run_observer.h"

namespace {

struct LockTimeoutRetryTest : public ::testing::Test {
  FakeClock clock;
  std::ostringstream out, err;
  Console console{out, err, nullptr};
  RecordingRunObserver events{&console};
  Interrupt interrupt;
  LockTimeoutRetry retry{5, 2, 1, &clock, &events, &interrupt};
  DatabaseError lock_timeout{"canceling statement due to lock timeout", "55P03", false};
  Migration m1;
  RetrySubject what;

  LockTimeoutRetryTest() {
    m1.version = 1;
    m1.name = "m1";
    what.migration = &m1;
  }
};

}  // namespace

TEST_F(LockTimeoutRetryTest, RetriesLockTimeoutUpToLockRetries) {
  EXPECT_TRUE(retry.Retryable(lock_timeout, 1));
  EXPECT_TRUE(retry.Retryable(lock_timeout, 2));
  EXPECT_FALSE(retry.Retryable(lock_timeout, 3));
}

TEST_F(LockTimeoutRetryTest, OtherErrorsAreNotRetried) {
  EXPECT_FALSE(retry.Retryable(DatabaseError("boom", "42P01", false), 1));
  EXPECT_FALSE(retry.Retryable(DatabaseError("statement timeout", "57014", false), 1));
  EXPECT_FALSE(retry.WaitToRetry(DatabaseError("boom", "", true), 1, what));
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST_F(LockTimeoutRetryTest, WaitTellsWhatAndSleepsTheBackoff) {
  EXPECT_TRUE(retry.WaitToRetry(lock_timeout, 1, what));
  ASSERT_EQ(clock.sleeps.size(), 1u);
  EXPECT_GT(clock.sleeps[0], 0);
  ASSERT_EQ(events.retries.size(), 1u);
  const RecordingRunObserver::Retry& told = events.retries[0];
  EXPECT_EQ(told.version, 1);
  EXPECT_EQ(told.lock_timeout_seconds, 5);
  EXPECT_EQ(told.attempt, 1);
  EXPECT_EQ(told.retries, 2);
  EXPECT_EQ(told.delay_seconds, clock.sleeps[0]);
  EXPECT_FALSE(retry.WaitToRetry(lock_timeout, 3, what));
  EXPECT_EQ(clock.sleeps.size(), 1u);
  EXPECT_EQ(events.retries.size(), 1u);
}

TEST_F(LockTimeoutRetryTest, NoRetryOnceInterrupted) {
  interrupt.Request(SIGTERM);
  EXPECT_FALSE(retry.Retryable(lock_timeout, 1));
  EXPECT_FALSE(retry.WaitToRetry(lock_timeout, 1, what));
  EXPECT_TRUE(clock.sleeps.empty());
}
