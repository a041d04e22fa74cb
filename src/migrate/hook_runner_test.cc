#include "migrate/hook_runner.h"

#include <chrono>
#include <gtest/gtest.h>
#include <mutex>
#include <utility>

#include "base/interrupt.h"
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

/// Keeps what the runner reports, as (prefix, line) pairs in arrival order.
class RecordingCommandOutput : public CommandOutputObserver {
 public:
  void CommandOutputLine(const std::string& prefix, const std::string& line) override {
    std::lock_guard<std::mutex> lock(mutex_);
    lines_.emplace_back(prefix, line);
  }
  void CommandNotStarted(const std::string& prefix, const std::string& error) override {
    std::lock_guard<std::mutex> lock(mutex_);
    not_started_.emplace_back(prefix, error);
  }
  /// Whether the command behind `prefix` printed `line`.
  bool Printed(const std::string& prefix, const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [p, l] : lines_)
      if (p == prefix && l == line) return true;
    return false;
  }
  /// Whether any line contains `text`.
  bool AnyLineHas(const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : lines_)
      if (entry.second.find(text) != std::string::npos) return true;
    return false;
  }
  std::vector<std::pair<std::string, std::string>> not_started() {
    std::lock_guard<std::mutex> lock(mutex_);
    return not_started_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> lines_;
  std::vector<std::pair<std::string, std::string>> not_started_;
};

struct RunnerTest : public ::testing::Test {
  RecordingCommandOutput output;
};

}  // namespace

TEST_F(RunnerTest, ReportsEachOutputLineBehindItsPrefixAndReturnsTheExitStatus) {
  ShellCommandRunner runner(&output, nullptr);
  ProcessResult r = runner.Run("echo one; echo two >&2; exit 3", {}, 10, "[hook] ", true);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(output.Printed("[hook] ", "one"));
  EXPECT_TRUE(output.Printed("[hook] ", "two"));
  EXPECT_EQ(r.last_lines.size(), 2u);
}

// Scrubbing is the reader's job (cli/output/command_output.h): the runner
// reports what the command printed, and keeps it for the error message.
TEST_F(RunnerTest, PassesTheEnvironmentAndReportsTheLinesAsPrinted) {
  ShellCommandRunner runner(&output, nullptr);
  ProcessResult r = runner.Run(
      "echo \"$SLUGWRIGHT_HOOK\"; echo \"$DATABASE_URL\"; env",
      {{"SLUGWRIGHT_HOOK", "after"}, {"DATABASE_URL", "postgres://u:hunter2secret@h/db"}},
      10, "", true);
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(output.Printed("", "after"));
  EXPECT_TRUE(output.Printed("", "postgres://u:hunter2secret@h/db"));
}

TEST_F(RunnerTest, ReportsAShellThatCouldNotStartAndEndsWith127) {
  FakeProcessSpawner spawner;
  FakeProcessSpawner::Script script;
  script.result.exited = false;
  script.result.failed_to_start = true;
  script.result.start_error = "No such file or directory";
  spawner.Answer(script);
  ShellCommandRunner runner(&output, nullptr, &spawner);
  ProcessResult r = runner.Run("./notify", {}, 0, "[before] ", true);
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_FALSE(r.ok());
  using Report = std::pair<std::string, std::string>;
  EXPECT_EQ(output.not_started(),
            (std::vector<Report>{{"[before] ", "No such file or directory"}}));
}

TEST_F(RunnerTest, KillsTheWholeGroupOnTimeout) {
  ShellCommandRunner runner(&output, nullptr);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = runner.Run("sleep 30 & sleep 30; echo never", {}, 0.3, "", true);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(seconds, 5);
  EXPECT_FALSE(output.AnyLineHas("never"));
}

TEST_F(RunnerTest, StopsWhenInterruptedUnlessToldNotTo) {
  Interrupt interrupt;
  ShellCommandRunner runner(&output, &interrupt);
  interrupt.Request(15);
  ProcessResult stopped = runner.Run("sleep 30", {}, 0, "", true);
  EXPECT_TRUE(stopped.interrupted);
  ProcessResult kept = runner.Run("echo still-runs", {}, 0, "", false);
  EXPECT_TRUE(kept.ok());
  EXPECT_TRUE(output.Printed("", "still-runs"));
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
  ShellCommandRunner runner(&output, nullptr);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = runner.Run("setsid sleep 20 & sleep 10", {}, 1, "", true);
  double seconds = SecondsSince(start);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_LT(seconds, 5);
}

TEST_F(RunnerTest, TimeoutBoundsAHookWithAPlainBackgroundChild) {
  ShellCommandRunner runner(&output, nullptr);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = runner.Run("(sleep 20; echo never) & sleep 10", {}, 1, "", true);
  double seconds = SecondsSince(start);
  EXPECT_TRUE(r.timed_out);
  EXPECT_LT(seconds, 5);
  EXPECT_FALSE(output.AnyLineHas("never"));
}

TEST_F(RunnerTest, AHookThatExitsLeavingADetachedChildReturnsPromptly) {
  ShellCommandRunner runner(&output, nullptr);
  auto start = std::chrono::steady_clock::now();
  ProcessResult r = runner.Run("setsid sleep 20 & echo started", {}, 1, "", true);
  double seconds = SecondsSince(start);
  EXPECT_TRUE(r.ok()) << r.exit_code;
  EXPECT_LT(seconds, 5);
  EXPECT_TRUE(output.Printed("", "started"));
}

TEST_F(RunnerTest, AsksTheSpawnerForAShellWithTheEnvironmentAndTimeout) {
  FakeProcessSpawner spawner;
  FakeProcessSpawner::Script script;
  script.result.signal = 15;
  script.result.timed_out = true;
  script.stdout_lines = {"partial work"};
  spawner.Answer(script);
  Interrupt interrupt;
  ShellCommandRunner runner(&output, &interrupt, &spawner);
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
  EXPECT_TRUE(output.Printed("[after] ", "partial work"));

  runner.Run("true", {}, 0, "", false);
  EXPECT_FALSE(spawner.calls[1].stops_on_interrupt);
}
