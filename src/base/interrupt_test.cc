// Signals turned into an orderly stop: the cancel callback, the exit
// status, waits that end early, and the callback's lifetime against the
// code that sets and clears it.

#include "base/interrupt.h"

#include <signal.h>

#include <atomic>
#include <chrono>
#include <future>
#include <gtest/gtest.h>
#include <thread>

TEST(Interrupt, TheFirstSignalDecidesTheExitStatusAndEachOneCancels) {
  Interrupt interrupt;
  int cancels = 0;
  bool requested_when_cancelled = false;
  interrupt.SetOnInterrupt([&] {
    ++cancels;
    // The cancelled code sees why its statement ended.
    requested_when_cancelled = interrupt.requested();
  });
  EXPECT_FALSE(interrupt.requested());
  EXPECT_EQ(interrupt.exit_code(), 0);
  interrupt.Request(SIGTERM);
  interrupt.Request(SIGINT);
  EXPECT_EQ(cancels, 2);
  EXPECT_TRUE(requested_when_cancelled);
  EXPECT_EQ(interrupt.signal(), SIGTERM);
  EXPECT_EQ(interrupt.exit_code(), 143);
  EXPECT_EQ(interrupt.Reason(), "interrupted by SIGTERM");
}

TEST(Interrupt, ASignalCancelsOnTheWatcherAndEndsAWait) {
  Interrupt interrupt;
  interrupt.Install();
  std::promise<std::thread::id> cancelled_on;
  interrupt.SetOnInterrupt([&] { cancelled_on.set_value(std::this_thread::get_id()); });
  ASSERT_EQ(::raise(SIGINT), 0);
  EXPECT_FALSE(interrupt.WaitFor(60));
  EXPECT_NE(cancelled_on.get_future().get(), std::this_thread::get_id());
  EXPECT_EQ(interrupt.exit_code(), 130);
  interrupt.SetOnInterrupt(nullptr);
}

TEST(Interrupt, AWaitWithoutASignalRunsItsTime) {
  Interrupt interrupt;
  EXPECT_TRUE(interrupt.WaitFor(0.01));
}

// Issue 22: the signal's thread woke the command and then ran the callback
// it had copied, unlocked, so the command could clear it, return and
// destroy the driver the callback was cancelling on ("pure virtual method
// called" in Reliability.SigtermWhileWaitingForTheLock). Clearing the
// callback now waits for the one running: afterwards nothing it captured
// is in use. (The callback's sleep stands for a slow PQcancel: the fixed
// code passes whatever its length; the old one failed unless this thread
// stalled for longer than it.)
TEST(Interrupt, ClearingTheCallbackWaitsForTheOneRunning) {
  Interrupt interrupt;
  std::promise<void> entered;
  std::atomic<bool> finished{false};
  interrupt.SetOnInterrupt([&] {
    entered.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    finished = true;
  });
  std::thread signal_thread([&] { interrupt.Request(SIGTERM); });
  entered.get_future().wait();
  interrupt.SetOnInterrupt(nullptr);
  EXPECT_TRUE(finished) << "SetOnInterrupt returned while the old callback still ran";
  signal_thread.join();
}
