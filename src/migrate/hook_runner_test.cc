#include "migrate/hook_runner.h"

#include <chrono>
#include <gtest/gtest.h>
#include <sstream>

#include "base/console.h"
#include "base/interrupt.h"
#include "base/redactor.h"
#include "testing/fake_subprocess.h"

TEST(HookEnvironment, TellsTheOutcomeAndVersions) {
  HookContext c;
  c.hook = "on_failure";
  c.outcome = "failure";
  c.applied = {20240101000000, 20240102000000};
  c.reverted = {20240102000000};
  c.failed_version = 20240103000000;
  c.failed_name = "add_index";
  c.error = "boom";
  c.exit_code = 1;
  c.release = "v42";
  c.app = "commonwealth";
  c.database = "u@h:5432/db";
  c.table = "public.slugwright_migrations";
  auto env = HookEnvironment(c);
  EXPECT_EQ(env["SLUGWRIGHT_HOOK"], "on_failure");
  EXPECT_EQ(env["SLUGWRIGHT_OUTCOME"], "failure");
  EXPECT_EQ(env["SLUGWRIGHT_VERSIONS_APPLIED"], "20240101000000 20240102000000");
  EXPECT_EQ(env["SLUGWRIGHT_APPLIED_COUNT"], "2");
  EXPECT_EQ(env["SLUGWRIGHT_VERSIONS_REVERTED"], "20240102000000");
  EXPECT_EQ(env["SLUGWRIGHT_FAILED_VERSION"], "20240103000000");
  EXPECT_EQ(env["SLUGWRIGHT_FAILED_NAME"], "add_index");
  EXPECT_EQ(env["SLUGWRIGHT_ERROR"], "boom");
  EXPECT_EQ(env["SLUGWRIGHT_EXIT_CODE"], "1");
  EXPECT_EQ(env["SLUGWRIGHT_RELEASE"], "v42");
  EXPECT_EQ(env["SLUGWRIGHT_DATABASE"], "u@h:5432/db");
  for (const auto& [k, v] : env) EXPECT_EQ(k.rfind("SLUGWRIGHT_", 0), 0u) << k;
}

TEST(HookEnvironment, NoFailureFieldsOnSuccess) {
  HookContext c;
  c.hook = "after";
  c.outcome = "success";
  auto env = HookEnvironment(c);
  EXPECT_EQ(env["SLUGWRIGHT_FAILED_VERSION"], "");
  EXPECT_EQ(env["SLUGWRIGHT_APPLIED_COUNT"], "0");
}

namespace {

struct RunnerTest : public ::testing::Test {
  std::ostringstream out, err;
  Redactor redactor;
  Console console{out, err, &redactor};
};

}  // namespace

TEST_F(RunnerTest, StreamsOutputWithAPrefixAndReturnsTheExitStatus) {
  ShellCommandRunner runner(&console, nullptr);
  ProcessResult r = runner.Run("echo one; echo two >&2; exit 3", {}, 10, "[hook] ", true);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(out.str().find("       [hook] one\n"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("       [hook] two\n"), std::string::npos) << out.str();
}

TEST_F(RunnerTest, PassesEnvironmentAndScrubsSecretsFromOutput) {
  redactor.AddSecret("hunter2secret");
  ShellCommandRunner runner(&console, nullptr);
  ProcessResult r = runner.Run(
      "echo \"$SLUGWRIGHT_HOOK\"; echo \"$DATABASE_URL\"; env",
      {{"SLUGWRIGHT_HOOK", "after"}, {"DATABASE_URL", "postgres://u:hunter2secret@h/db"}},
      10, "", true);
  EXPECT_TRUE(r.ok());
  EXPECT_NE(out.str().find("after"), std::string::npos);
  EXPECT_EQ(out.str().find("hunter2secret"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("postgres://u:********@h/db"), std::string::npos);
}

TEST_F(RunnerTest, KillsTheWholeGroupOnTimeout) {
  ShellCommandRunner runner(&console, nullptr);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = runner.Run("sleep 30 & sleep 30; echo never", {}, 0.3, "", true);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(seconds, 5);
  EXPECT_EQ(out.str().find("never"), std::string::npos);
}

TEST_F(RunnerTest, StopsWhenInterruptedUnlessToldNotTo) {
  Interrupt interrupt;
  ShellCommandRunner runner(&console, &interrupt);
  interrupt.Request(15);
  ProcessResult stopped = runner.Run("sleep 30", {}, 0, "", true);
  EXPECT_TRUE(stopped.interrupted);
  ProcessResult kept = runner.Run("echo still-runs", {}, 0, "", false);
  EXPECT_TRUE(kept.ok());
  EXPECT_NE(out.str().find("still-runs"), std::string::npos);
}

namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

// Issue 15 item 5: hooks.timeout bounds a hook even when it left a child in
// a session of its own holding the hook's stdout open (the group kill does
// not reach it, and waiting for end of file would hold the migration lock
// for as long as that child lives).
TEST_F(RunnerTest, TimeoutBoundsAHookWhoseDetachedChildHoldsItsOutput) {
  ShellCommandRunner runner(&console, nullptr);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = runner.Run("setsid sleep 20 & sleep 10", {}, 1, "", true);
  double seconds = SecondsSince(start);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(seconds, 5);
}

TEST_F(RunnerTest, TimeoutBoundsAHookWithAPlainBackgroundChild) {
  ShellCommandRunner runner(&console, nullptr);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = runner.Run("(sleep 20; echo never) & sleep 10", {}, 1, "", true);
  double seconds = SecondsSince(start);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(seconds, 5);
  EXPECT_EQ(out.str().find("never"), std::string::npos);
}

TEST_F(RunnerTest, AHookThatExitsLeavingADetachedChildReturnsPromptly) {
  ShellCommandRunner runner(&console, nullptr);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = runner.Run("setsid sleep 20 & echo started", {}, 1, "", true);
  double seconds = SecondsSince(start);
  EXPECT_TRUE(r.ok()) << r.exit_code;
  EXPECT_LT(seconds, 5);
  EXPECT_NE(out.str().find("started"), std::string::npos);
}

TEST_F(RunnerTest, AsksTheSpawnerForAShellWithTheEnvironmentAndTimeout) {
  FakeProcessSpawner spawner;
  FakeProcessSpawner::Script script;
  script.result.signal = 15;
  script.result.timed_out = true;
  script.stdout_lines = {"partial work"};
  spawner.Answer(script);
  Interrupt interrupt;
  ShellCommandRunner runner(&console, &interrupt, &spawner);
  ProcessResult r = runner.Run("./notify", {{"SLUGWRIGHT_HOOK", "after"}, {"HOME", ""}}, 7,
                               "[after] ", true);
  ASSERT_EQ(spawner.calls.size(), 1u);
  EXPECT_EQ(spawner.calls[0].argv, (std::vector<std::string>{"/bin/sh", "-c", "./notify"}));
  EXPECT_EQ(spawner.EnvOf(0, "SLUGWRIGHT_HOOK"), "after");
  EXPECT_EQ(spawner.EnvOf(0, "HOME"), "<unset>");
  EXPECT_EQ(spawner.calls[0].timeout_seconds, 7);
  EXPECT_TRUE(spawner.calls[0].stops_on_interrupt);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, 128 + 15);
  EXPECT_NE(out.str().find("[after] partial work"), std::string::npos) << out.str();

  runner.Run("true", {}, 0, "", false);
  EXPECT_FALSE(spawner.calls[1].stops_on_interrupt);
}
