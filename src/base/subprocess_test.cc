// The real spawner against real processes: statuses, signals, timeouts of
// a whole process group, streaming, environment, working dir and stdin.

#include "base/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <thread>

#include "base/child_environment.h"
#include "base/interrupt.h"

namespace {

SubprocessRequest Shell(const std::string& script) {
  SubprocessRequest request;
  request.argv = {"/bin/sh", "-c", script};
  request.stdout_to = SubprocessOutput::Capture();
  request.stderr_to = SubprocessOutput::Capture();
  return request;
}

SubprocessResult RunReal(const SubprocessRequest& request) {
  RealProcessSpawner spawner;
  return spawner.Run(request);
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Running, not a zombie waiting for init to reap it.
bool ProcessRunning(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

/// Gives a killed process a moment to die.
bool StillRunningAfterAMoment(pid_t pid) {
  for (int i = 0; i < 100 && ProcessRunning(pid); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return ProcessRunning(pid);
}

}  // namespace

TEST(Subprocess, ReportsTheExitStatus) {
  SubprocessResult ok = RunReal(Shell("exit 0"));
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.Describe(), "exited with status 0");
  SubprocessResult failed = RunReal(Shell("exit 3"));
  EXPECT_FALSE(failed.ok());
  EXPECT_TRUE(failed.exited);
  EXPECT_EQ(failed.exit_status, 3);
  EXPECT_EQ(failed.ExitCode(), 3);
  EXPECT_EQ(failed.Describe(), "exited with status 3");
}

TEST(Subprocess, ReportsTheSignalThatKilledIt) {
  SubprocessResult r = RunReal(Shell("kill -KILL $$"));
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.exited);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.ExitCode(), 128 + SIGKILL);
  EXPECT_EQ(r.Describe(), "killed by SIGKILL");
}

TEST(Subprocess, ReportsAProgramThatCannotStart) {
  SubprocessRequest request;
  request.argv = {"/nonexistent/program"};
  SubprocessResult r = RunReal(request);
  EXPECT_TRUE(r.failed_to_start);
  EXPECT_EQ(r.ExitCode(), 127);
  EXPECT_EQ(r.Describe(), "could not start: No such file or directory");
}

TEST(Subprocess, CapturesStdoutAndStderrApart) {
  SubprocessResult r = RunReal(Shell("echo out; echo err >&2; printf tail"));
  EXPECT_EQ(r.out, "out\ntail");
  EXPECT_EQ(r.err, "err\n");
}

TEST(Subprocess, StreamsLinesWithoutNewlinesOrCarriageReturns) {
  std::vector<std::string> lines;
  SubprocessRequest request = Shell("printf 'one\\r\\ntwo\\n'; sleep 0.1; printf 'three'");
  request.stdout_to = SubprocessOutput::Lines([&](const std::string& l) { lines.push_back(l); });
  SubprocessResult r = RunReal(request);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(r.out, "");
}

TEST(Subprocess, GivesTheEnvironmentAsked) {
  setenv("SLUGWRIGHT_SUBPROCESS_TEST_DROP", "x", 1);
  SubprocessRequest request = Shell("echo \"[$EXTRA][${SLUGWRIGHT_SUBPROCESS_TEST_DROP-unset}]\"");
  request.env = ChildEnvironmentVariables({{"EXTRA", "given"}}, {"SLUGWRIGHT_SUBPROCESS_TEST_DROP"});
  EXPECT_EQ(RunReal(request).out, "[given][unset]\n");
  SubprocessRequest inherited = Shell("echo \"$SLUGWRIGHT_SUBPROCESS_TEST_DROP\"");
  EXPECT_EQ(RunReal(inherited).out, "x\n");
  SubprocessRequest explicit_only = Shell("echo \"[${HOME-none}][$ONLY]\"");
  explicit_only.env = std::map<std::string, std::string>{{"ONLY", "1"}};
  EXPECT_EQ(RunReal(explicit_only).out, "[none][1]\n");
}

TEST(Subprocess, RunsInTheWorkingDirectoryGiven) {
  SubprocessRequest request = Shell("pwd");
  request.working_dir = "/tmp";
  EXPECT_EQ(RunReal(request).out, "/tmp\n");
  request.working_dir = "/nonexistent/dir";
  SubprocessResult missing = RunReal(request);
  EXPECT_TRUE(missing.failed_to_start);
}

TEST(Subprocess, FeedsStdinFromTextOrAFile) {
  SubprocessRequest request = Shell("cat");
  std::string big(200000, 'x');  // More than a pipe holds.
  request.stdin_from = SubprocessInput::Text("hello\n" + big);
  EXPECT_EQ(RunReal(request).out, "hello\n" + big);

  char path[] = "/tmp/slugwright-subprocess-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "from file\n", 10), 10);
  ::lseek(fd, 0, SEEK_SET);
  request.stdin_from = SubprocessInput::FromFd(fd);
  EXPECT_EQ(RunReal(request).out, "from file\n");
  ::close(fd);
  ::unlink(path);

  request.stdin_from = SubprocessInput::Null();
  EXPECT_EQ(RunReal(request).out, "");
}

TEST(Subprocess, AChildThatClosesStdinEarlyDoesNotKillUs) {
  SubprocessRequest request = Shell("exec 0<&-; echo closed");
  request.stdin_from = SubprocessInput::Text(std::string(1 << 20, 'x'));
  SubprocessResult r = RunReal(request);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.out, "closed\n");
}

TEST(Subprocess, WritesOutputToAFileDescriptor) {
  char path[] = "/tmp/slugwright-subprocess-XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  SubprocessRequest request = Shell("echo to-out; echo to-err >&2");
  request.stdout_to = SubprocessOutput::ToFd(fd);
  request.stderr_to = SubprocessOutput::ToFd(fd);
  EXPECT_TRUE(RunReal(request).ok());
  ::close(fd);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "to-out\nto-err\n");
  ::unlink(path);
}

TEST(Subprocess, TimeoutEndsTheWholeProcessGroup) {
  SubprocessRequest request = Shell("sleep 30 & echo $!; sleep 30");
  request.timeout_seconds = 0.3;
  auto start = std::chrono::steady_clock::now();
  SubprocessResult r = RunReal(request);
  EXPECT_LT(SecondsSince(start), 5);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(r.Describe(), "timed out after 300ms");
  pid_t background = std::stoi(r.out);
  EXPECT_FALSE(StillRunningAfterAMoment(background));
}

TEST(Subprocess, SigkillFollowsWhenSigtermIsIgnored) {
  SubprocessRequest request = Shell("trap '' TERM; while :; do sleep 0.05; done");
  request.timeout_seconds = 0.2;
  request.kill_grace_seconds = 0.3;
  auto start = std::chrono::steady_clock::now();
  SubprocessResult r = RunReal(request);
  EXPECT_LT(SecondsSince(start), 3);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
}

TEST(Subprocess, ADetachedGrandchildHoldingStdoutDoesNotHoldUsUp) {
  SubprocessRequest request = Shell("setsid sleep 20 & echo started");
  request.drain_after_exit_seconds = 0.3;
  auto start = std::chrono::steady_clock::now();
  SubprocessResult r = RunReal(request);
  EXPECT_LT(SecondsSince(start), 3);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.out, "started\n");

  SubprocessRequest timed = Shell("setsid sleep 20 & sleep 20");
  timed.timeout_seconds = 0.3;
  start = std::chrono::steady_clock::now();
  SubprocessResult t = RunReal(timed);
  EXPECT_LT(SecondsSince(start), 4);
  EXPECT_TRUE(t.timed_out);
}

TEST(Subprocess, EndsTheGroupAfterExitOnlyWhenAsked) {
  SubprocessRequest request = Shell("sleep 30 >/dev/null 2>&1 & echo $!");
  request.end_group_after_exit = true;
  SubprocessResult ended = RunReal(request);
  pid_t background = std::stoi(ended.out);
  EXPECT_FALSE(StillRunningAfterAMoment(background));

  request.end_group_after_exit = false;
  SubprocessResult left = RunReal(request);
  background = std::stoi(left.out);
  EXPECT_TRUE(ProcessRunning(background));
  ::kill(background, SIGKILL);
}

TEST(Subprocess, StopsWhenInterrupted) {
  Interrupt interrupt;
  interrupt.Request(SIGTERM);
  SubprocessRequest request = Shell("sleep 30");
  request.interrupt = &interrupt;
  auto start = std::chrono::steady_clock::now();
  SubprocessResult r = RunReal(request);
  EXPECT_LT(SecondsSince(start), 3);
  EXPECT_TRUE(r.interrupted);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.Describe(), "stopped: interrupted");
}

TEST(Subprocess, TicksWhileTheChildRuns) {
  int ticks = 0;
  SubprocessRequest request = Shell("sleep 0.5");
  request.on_tick = [&] { ++ticks; };
  RunReal(request);
  EXPECT_GE(ticks, 3);
}

TEST(Subprocess, FindsProgramsInPath) {
  EXPECT_EQ(FindInPath("sh").empty(), false);
  EXPECT_EQ(FindInPath("/bin/sh"), "/bin/sh");
  EXPECT_EQ(FindInPath("slugwright-no-such-program"), "");
}

TEST(Subprocess, NamesSignals) {
  EXPECT_EQ(SignalNameOf(SIGTERM), "SIGTERM");
  EXPECT_EQ(SignalNameOf(SIGKILL), "SIGKILL");
  EXPECT_EQ(SignalNameOf(77), "signal 77");
}

TEST(Subprocess, OutputCanGoToAnotherOfItsOwnStreams) {
  // stdout to a capture pipe and stderr to the spawner's own stdout (fd 1):
  // stderr must not follow stdout into the pipe.
  SubprocessRequest request = Shell("echo to-out; echo to-err >&2");
  request.stderr_to = SubprocessOutput::ToFd(1);
  testing::internal::CaptureStdout();
  SubprocessResult r = RunReal(request);
  std::string own_stdout = testing::internal::GetCapturedStdout();
  EXPECT_EQ(r.out, "to-out\n");
  EXPECT_EQ(own_stdout, "to-err\n");
}

// A SIGKILLed parent runs no cleanup: the kernel ends its child
// (PR_SET_PDEATHSIG). The parent here is a forked copy of this test.
TEST(Subprocess, AChildEndsWhenItsParentIsKilled) {
  char dir_template[] = "/tmp/slugwright-pdeathsig-XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string pid_file = std::string(dir_template) + "/pid";
  pid_t parent = ::fork();
  ASSERT_GE(parent, 0);
  if (parent == 0) {
    RunReal(Shell("echo $$ > " + pid_file + ".tmp && mv " + pid_file + ".tmp " + pid_file +
                  " && exec sleep 30"));
    ::_exit(0);
  }
  pid_t child = 0;
  for (int i = 0; i < 500 && !child; ++i) {
    std::ifstream in(pid_file);
    if (!(in >> child)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(child, 0);
  EXPECT_TRUE(ProcessRunning(child));
  ::kill(parent, SIGKILL);
  ::waitpid(parent, nullptr, 0);
  bool left = StillRunningAfterAMoment(child);
  EXPECT_FALSE(left) << "the child outlived its SIGKILLed parent";
  if (left) ::kill(child, SIGKILL);
  ::unlink(pid_file.c_str());
  ::rmdir(dir_template);
}
