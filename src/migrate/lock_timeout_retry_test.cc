// The one lock_timeout retry rule: only 55P03, only within lock_retries,
// never after an interrupt, with a growing backoff.

#include "migrate/lock_timeout_retry.h"

#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "base/console.h"
#include "base/interrupt.h"
#include "testing/fake_clock.h"

namespace {

struct LockTimeoutRetryTest : public ::testing::Test {
  FakeClock clock;
  std::ostringstream out, err;
  Console console{out, err, nullptr};
  Interrupt interrupt;
  LockTimeoutRetry retry{5, 2, 1, &clock, &console, &interrupt};
  DatabaseError lock_timeout{"canceling statement due to lock timeout", "55P03", false};
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
  EXPECT_FALSE(retry.WaitToRetry(DatabaseError("boom", "", true), 1, "x"));
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST_F(LockTimeoutRetryTest, WaitSaysWhatAndSleepsTheBackoff) {
  EXPECT_TRUE(retry.WaitToRetry(lock_timeout, 1, "1_m1"));
  ASSERT_EQ(clock.sleeps.size(), 1u);
  EXPECT_GT(clock.sleeps[0], 0);
  EXPECT_NE(out.str().find("1_m1 hit lock_timeout (5.0s: another session holds a lock it "
                           "needs); retry 1 of 2 in "),
            std::string::npos)
      << out.str();
  EXPECT_FALSE(retry.WaitToRetry(lock_timeout, 3, "1_m1"));
  EXPECT_EQ(clock.sleeps.size(), 1u);
}

TEST_F(LockTimeoutRetryTest, NoRetryOnceInterrupted) {
  interrupt.Request(SIGTERM);
  EXPECT_FALSE(retry.Retryable(lock_timeout, 1));
  EXPECT_FALSE(retry.WaitToRetry(lock_timeout, 1, "x"));
  EXPECT_TRUE(clock.sleeps.empty());
}
