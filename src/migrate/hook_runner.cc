#include "migrate/hook_runner.h"

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <istream>
#include <thread>

#include <boost/process.hpp>

#include "base/child_environment.h"
#include "base/console.h"
#include "base/interrupt.h"

namespace bp = boost::process;

namespace {

std::string JoinVersions(const std::vector<int64_t>& versions) {
  std::string out;
  for (int64_t v : versions) {
    if (!out.empty()) out += ' ';
    out += std::to_string(v);
  }
  return out;
}

void Stream(std::istream& in, Console* console, const std::string& prefix) {
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    console->ProcessLine(prefix, line);
  }
}

}  // namespace

std::map<std::string, std::string> HookEnvironment(const HookContext& c) {
  std::map<std::string, std::string> env = {
      {"SLUGWRIGHT_HOOK", c.hook},
      {"SLUGWRIGHT_OUTCOME", c.outcome},
      {"SLUGWRIGHT_VERSIONS_APPLIED", JoinVersions(c.applied)},
      {"SLUGWRIGHT_APPLIED_COUNT", std::to_string(c.applied.size())},
      {"SLUGWRIGHT_VERSIONS_PENDING", JoinVersions(c.pending)},
      {"SLUGWRIGHT_VERSIONS_REVERTED", JoinVersions(c.reverted)},
      {"SLUGWRIGHT_FAILED_VERSION", c.failed_version ? std::to_string(c.failed_version) : ""},
      {"SLUGWRIGHT_FAILED_NAME", c.failed_name},
      {"SLUGWRIGHT_ERROR", c.error},
      {"SLUGWRIGHT_EXIT_CODE", std::to_string(c.exit_code)},
      {"SLUGWRIGHT_RELEASE", c.release},
      {"SLUGWRIGHT_APP", c.app},
      {"SLUGWRIGHT_RUN_ID", c.run_id},
      {"SLUGWRIGHT_DATABASE", c.database},
      {"SLUGWRIGHT_TABLE", c.table},
  };
  return env;
}

ProcessResult ShellCommandRunner::Run(const std::string& command,
                                      const std::map<std::string, std::string>& env,
                                      double timeout_seconds, const std::string& prefix,
                                      bool stop_on_interrupt) {
  ProcessResult result;
  std::map<std::string, std::string> set;
  std::vector<std::string> unset;
  for (const auto& [name, value] : env) {
    if (value.empty())
      unset.push_back(name);
    else
      set[name] = value;
  }
  bp::environment child_env = ChildEnvironment(set, unset);
  bp::ipstream out_stream, err_stream;
  bp::group group;
  std::error_code spawn_error;
  bp::child child("/bin/sh", bp::args({"-c", command}), child_env,
                  bp::std_out > out_stream, bp::std_err > err_stream,
                  bp::std_in < bp::null, group, spawn_error);
  if (spawn_error) {
    console_->Error(prefix + "could not start /bin/sh: " + spawn_error.message());
    result.exit_code = 127;
    return result;
  }
  std::thread out_reader(Stream, std::ref(out_stream), console_, prefix);
  std::thread err_reader(Stream, std::ref(err_stream), console_, prefix);

  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  pid_t group_id = group.native_handle();
  bool signalled = false;
  double kill_at = 0;
  std::error_code ec;
  while (child.running(ec)) {
    if (!signalled) {
      if (timeout_seconds > 0 && elapsed() > timeout_seconds) result.timed_out = true;
      if (stop_on_interrupt && interrupt_ && interrupt_->requested())
        result.interrupted = true;
      if (result.timed_out || result.interrupted) {
        // SIGTERM first, like Heroku, so the command can clean up; SIGKILL
        // if it is still there five seconds later.
        ::kill(-group_id, SIGTERM);
        signalled = true;
        kill_at = elapsed() + 5;
      }
    } else if (elapsed() > kill_at) {
      group.terminate(ec);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(elapsed() < 0.1 ? 2 : 20));
  }
  child.wait(ec);
  int status = child.native_exit_code();
  if (WIFEXITED(status))
    result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    result.exit_code = 128 + WTERMSIG(status);
  // Processes the command left in the background may still hold its
  // output open; they get a moment, then the group is ended so the
  // readers see end of file.
  auto drained = Clock::now() + std::chrono::seconds(1);
  while (Clock::now() < drained && group.valid() && ::kill(-group_id, 0) == 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (::kill(-group_id, 0) == 0) group.terminate(ec);
  out_reader.join();
  err_reader.join();
  return result;
}
