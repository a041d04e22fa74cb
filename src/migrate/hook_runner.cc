#include "migrate/hook_runner.h"

#include <mutex>

#include "base/child_environment.h"
#include "base/subprocess.h"
#include "base/text.h"

namespace {

std::string JoinVersions(const std::vector<int64_t>& versions) {
  std::string out;
  for (int64_t v : versions) {
    if (!out.empty()) out += ' ';
    out += std::to_string(v);
  }
  return out;
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
      {"SLUGWRIGHT_NAMES_APPLIED", Join(c.applied_names, " ")},
      {"SLUGWRIGHT_NAMES_REVERTED", Join(c.reverted_names, " ")},
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

ShellCommandRunner::ShellCommandRunner(CommandOutputObserver* output, Interrupt* interrupt,
                                       ProcessSpawner* spawner)
    : output_(output),
      interrupt_(interrupt),
      spawner_(spawner ? spawner : DefaultProcessSpawner()) {}

ProcessResult ShellCommandRunner::Run(const std::string& command,
                                      const std::map<std::string, std::string>& env,
                                      double timeout_seconds, const std::string& prefix,
                                      bool stop_on_interrupt) {
  std::map<std::string, std::string> set;
  std::vector<std::string> unset;
  for (const auto& [name, value] : env) {
    if (value.empty())
      unset.push_back(name);
    else
      set[name] = value;
  }
  SubprocessRequest request;
  request.argv = {"/bin/sh", "-c", command};
  request.env = ChildEnvironmentVariables(set, unset);
  ProcessResult result;
  std::mutex lines_mutex;
  auto print = [&](const std::string& line) {
    output_->CommandOutputLine(prefix, line);
    std::lock_guard<std::mutex> lock(lines_mutex);
    result.last_lines.push_back(line);
    if (result.last_lines.size() > ProcessResult::kKeptOutputLines)
      result.last_lines.erase(result.last_lines.begin());
  };
  request.stdout_to = SubprocessOutput::Lines(print);
  request.stderr_to = SubprocessOutput::Lines(print);
  request.timeout_seconds = timeout_seconds;
  // SIGTERM first, like Heroku, so the command can clean up; SIGKILL if it
  // is still there five seconds later.
  request.kill_grace_seconds = 5;
  request.interrupt = stop_on_interrupt ? interrupt_ : nullptr;
  // Processes the command left in the background get a moment after it
  // exits, then its group is ended.
  request.end_group_after_exit = true;
  request.drain_after_exit_seconds = 1;

  SubprocessResult run = spawner_->Run(request);
  if (run.failed_to_start) {
    output_->CommandNotStarted(prefix, run.start_error);
    result.exit_code = 127;
    return result;
  }
  result.exit_code = run.ExitCode();
  result.timed_out = run.timed_out;
  result.interrupted = run.interrupted;
  return result;
}
