// WaitForDatabase against a driver that refuses the first connections.

#include "migrate/database_wait.h"

#include <gtest/gtest.h>
#include <sstream>

#include "base/console.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "migrate/run_error.h"
#include "testing/fake_clock.h"
#include "testing/fake_database_driver.h"
#include "testing/fake_session.h"
#include "testing/recording_run_observer.h"

namespace {

/// Refuses `failures` connections, then accepts.
class StartingDriver : public FakeSession {
 public:
  int failures = 0;
  void Connect() override {
    ++calls["connect"];
    if (failures-- > 0) throw DatabaseError("could not connect: Connection refused", "08006", true);
  }
};

struct DatabaseWaitTest : public ::testing::Test {
  StartingDriver driver;
  FakeClock clock;
  std::ostringstream out, err;
  Console console{out, err, nullptr};
  RecordingRunObserver events{&console};
};

}  // namespace

TEST_F(DatabaseWaitTest, ConnectsAtOnceWithoutAWord) {
  WaitForDatabase(&driver, &clock, nullptr, &events, 60);
  EXPECT_EQ(driver.calls["connect"], 1);
  EXPECT_TRUE(clock.sleeps.empty());
  EXPECT_TRUE(events.database_waits.empty());
  EXPECT_TRUE(events.database_accepted.empty());
  EXPECT_EQ(out.str(), "");
}

TEST_F(DatabaseWaitTest, PollsEverySecondUntilTheServerAccepts) {
  driver.failures = 3;
  WaitForDatabase(&driver, &clock, nullptr, &events, 60);
  EXPECT_EQ(driver.calls["connect"], 4);
  EXPECT_EQ(clock.sleeps, (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(events.database_waits, std::vector<double>{60});
  EXPECT_EQ(events.database_accepted, std::vector<double>{3});
}

TEST_F(DatabaseWaitTest, TimesOutWithExitFiveAndTheLastError) {
  driver.failures = 1000;
  try {
    WaitForDatabase(&driver, &clock, nullptr, &events, 2.5);
    FAIL() << "expected a timeout";
  } catch (const RunError& e) {
    EXPECT_EQ(e.kind(), RunError::Kind::kDatabaseWaitTimedOut);
    EXPECT_EQ(ExitCodeOf(e), kExitCannotConnect);
    EXPECT_EQ(e.facts().wait_seconds, 2.5);
    EXPECT_EQ(e.facts().message, "could not connect: Connection refused");
  }
  EXPECT_EQ(clock.sleeps, (std::vector<double>{1, 1, 0.5}));
}

TEST_F(DatabaseWaitTest, AnInterruptEndsTheWait) {
  driver.failures = 1000;
  Interrupt interrupt;
  interrupt.Request(15);
  try {
    WaitForDatabase(&driver, &clock, &interrupt, &events, 60);
    FAIL() << "expected an interruption";
  } catch (const RunError& e) {
    EXPECT_EQ(e.kind(), RunError::Kind::kInterruptedWaitingForDatabase);
    EXPECT_EQ(ExitCodeOf(e), 143);
  }
}
