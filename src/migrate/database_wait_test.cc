// WaitForDatabase against a driver that refuses the first connections.

#include "migrate/database_wait.h"

#include <gtest/gtest.h>

#include <sstream>

#include "base/console.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "testing/fake_clock.h"
#include "testing/fake_session.h"

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
};

}  // namespace

TEST_F(DatabaseWaitTest, ConnectsAtOnceWithoutAWord) {
  WaitForDatabase(&driver, &clock, nullptr, &console, 60);
  EXPECT_EQ(driver.calls["connect"], 1);
  EXPECT_TRUE(clock.sleeps.empty());
  EXPECT_EQ(out.str(), "");
}

TEST_F(DatabaseWaitTest, PollsEverySecondUntilTheServerAccepts) {
  driver.failures = 3;
  WaitForDatabase(&driver, &clock, nullptr, &console, 60);
  EXPECT_EQ(driver.calls["connect"], 4);
  EXPECT_EQ(clock.sleeps, (std::vector<double>{1, 1, 1}));
  EXPECT_NE(out.str().find("Waiting up to 1m00s for"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("accepts connections (after 3.0s)"), std::string::npos) << out.str();
}

TEST_F(DatabaseWaitTest, TimesOutWithExitFiveAndTheLastError) {
  driver.failures = 1000;
  try {
    WaitForDatabase(&driver, &clock, nullptr, &console, 2.5);
    FAIL() << "expected a timeout";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitCannotConnect);
    EXPECT_NE(std::string(e.what()).find("did not accept a connection within 2.5s"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("Connection refused"), std::string::npos);
  }
  EXPECT_EQ(clock.sleeps, (std::vector<double>{1, 1, 0.5}));
}

TEST_F(DatabaseWaitTest, AnInterruptEndsTheWait) {
  driver.failures = 1000;
  Interrupt interrupt;
  interrupt.Request(15);
  try {
    WaitForDatabase(&driver, &clock, &interrupt, &console, 60);
    FAIL() << "expected an interruption";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), 143);
  }
}
