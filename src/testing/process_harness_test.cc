// The process harness the PostgreSQL tests run slugwright with: real
// processes, real signals.

#include "testing/process_harness.h"

#include <signal.h>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "testing/test_util.h"

namespace {

class ProcessHarnessTest : public ::testing::Test {
 protected:
  ScopedTempDir tmp_;
  ProcessHarness harness_{tmp_.path()};
};

TEST_F(ProcessHarnessTest, RunsAShellCommandWithArgsEnvCwdAndStdin) {
  harness_.env()["HARNESS_SHARED"] = "shared";
  tmp_.Write("sub/marker", "");
  ProcessOptions options;
  options.env = {{"HARNESS_ONE", "one"}, {"HOME", ""}};
  options.cwd = tmp_.path() + "/sub";
  options.stdin_text = "from stdin\n";
  RunResult r = harness_.RunShell(
      "echo \"$HARNESS_SHARED $HARNESS_ONE ${HOME-unset}\"; ls; cat; echo oops >&2; exit 3",
      options);
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.out, "shared one unset\nmarker\nfrom stdin\n");
  EXPECT_EQ(r.err, "oops\n");
  EXPECT_FALSE(r.timed_out);
  EXPECT_GE(r.seconds, 0);
}

TEST_F(ProcessHarnessTest, RunsAProgramInItsDirectoryByDefault) {
  RunResult r = harness_.Run("/bin/pwd", {});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, tmp_.path() + "\n");
  RunResult missing = harness_.Run(tmp_.path() + "/no-such-program", {});
  EXPECT_EQ(missing.code, 127);
}

TEST_F(ProcessHarnessTest, BackgroundProcessCanBeStoppedResumedAndSignalled) {
  RunningProcess p = harness_.Start("/bin/sh", {"-c", "echo started; exec sleep 30"});
  EXPECT_GT(p.pid(), 0);
  EXPECT_TRUE(WaitUntil([&] { return ReadWholeFile(tmp_.path() + "/out1") == "started\n"; },
                        10));
  p.Signal(SIGSTOP);
  p.Signal(SIGCONT);
  p.Signal(SIGTERM);
  RunResult r = p.Wait(10);
  EXPECT_EQ(r.code, 128 + SIGTERM);
  EXPECT_EQ(r.out, "started\n");
  EXPECT_LT(r.seconds, 10);
}

TEST_F(ProcessHarnessTest, KillsAProcessPastItsTimeout) {
  RunResult r;
  EXPECT_NONFATAL_FAILURE(r = harness_.RunShell("sleep 30", {}, 0.3), "still ran after");
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(r.seconds, 5);
}

TEST_F(ProcessHarnessTest, OutputContainingTheSecretFailsTheTest) {
  harness_.set_secret("hunter2-secret");
  EXPECT_NONFATAL_FAILURE(harness_.RunShell("echo the password is hunter2-secret >&2"),
                          "the password was printed");
  RunResult clean = harness_.RunShell("echo nothing to see");
  EXPECT_EQ(clean.code, 0);
}

}  // namespace
