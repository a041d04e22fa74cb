#ifndef SLUGWRIGHT_MIGRATE_HOOK_RUNNER_H_
#define SLUGWRIGHT_MIGRATE_HOOK_RUNNER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

class Interrupt;
class ProcessSpawner;

/// How a command line run by CommandRunner ended.
struct ProcessResult {
  /// The exit status; 128 + N when killed by signal N.
  int exit_code = 0;
  bool timed_out = false;
  /// Stopped because slugwright itself was interrupted.
  bool interrupted = false;
  /// The last lines the command printed (stdout and stderr, at most
  /// kKeptOutputLines), unscrubbed: for the error message of a failure.
  std::vector<std::string> last_lines;
  static constexpr size_t kKeptOutputLines = 5;
  bool ok() const { return exit_code == 0 && !timed_out && !interrupted; }
};

/// Runs the app's own commands (hooks, `command:`, `rollback_command:`) as
/// child processes. An interface so tests can record calls.
class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  /// Runs `command` with `/bin/sh -c` in the current environment plus
  /// `env`, streaming its stdout and stderr line by line behind `prefix`.
  /// Kills its whole process group after `timeout_seconds` (0: no limit),
  /// and when slugwright is interrupted if `stop_on_interrupt`.
  virtual ProcessResult Run(const std::string& command,
                            const std::map<std::string, std::string>& env,
                            double timeout_seconds, const std::string& prefix,
                            bool stop_on_interrupt) = 0;
};

/// Told what the commands of a ShellCommandRunner print, line by line as it
/// arrives, and when one could not be started: the command line shows it
/// (cli/output/command_output.h), scrubbed of secrets, so a hook that
/// prints its environment shows no password. The lines of stdout and stderr
/// come from two reader threads at once: implementations are thread-safe.
/// The calls must not throw.
class CommandOutputObserver {
 public:
  virtual ~CommandOutputObserver() = default;
  /// `line` (without its newline, unscrubbed) of the command run behind
  /// `prefix` (CommandRunner::Run's).
  virtual void CommandOutputLine(const std::string& prefix, const std::string& line) = 0;
  /// /bin/sh could not be started for the command run behind `prefix`;
  /// `error` says why (the run ends with status 127).
  virtual void CommandNotStarted(const std::string& prefix, const std::string& error) = 0;
};

/// CommandRunner on base/subprocess.h. What the command prints goes to the
/// CommandOutputObserver as it arrives. The timeout bounds the whole run,
/// also when the command left a detached child holding its output open.
class ShellCommandRunner : public CommandRunner {
 public:
  /// `output` is required; `interrupt` may be null; `spawner` null: the real one.
  ShellCommandRunner(CommandOutputObserver* output, Interrupt* interrupt,
                     ProcessSpawner* spawner = nullptr);
  ProcessResult Run(const std::string& command,
                    const std::map<std::string, std::string>& env,
                    double timeout_seconds, const std::string& prefix,
                    bool stop_on_interrupt) override;

 private:
  CommandOutputObserver* output_;
  Interrupt* interrupt_;
  ProcessSpawner* spawner_;
};

/// What a hook is told about the run, as SLUGWRIGHT_* variables.
struct HookContext {
  /// "before", "after" or "on_failure".
  std::string hook;
  /// "pending" (before), "success", "failure" or "interrupted".
  std::string outcome;
  /// Versions committed by this run, in order (before a rollback-release).
  std::vector<int64_t> applied;
  /// Versions this run is about to apply (before) or did not reach.
  std::vector<int64_t> pending;
  /// Versions reverted by on_failure: rollback-release, newest first.
  std::vector<int64_t> reverted;
  /// `command:` mode: the names of those migrations as the tool's history
  /// table records them (e.g. "20240101000001-create-users.js").
  std::vector<std::string> applied_names;
  std::vector<std::string> reverted_names;
  int64_t failed_version = 0;
  std::string failed_name;
  /// The error, scrubbed of secrets.
  std::string error;
  /// The exit status slugwright will end with.
  int exit_code = 0;
  std::string release;
  std::string app;
  std::string run_id;
  /// "user@host:port/db", never with the password.
  std::string database;
  std::string table;
};

/// The SLUGWRIGHT_* environment for a hook (pure; documented in the README):
/// SLUGWRIGHT_HOOK, SLUGWRIGHT_OUTCOME, SLUGWRIGHT_VERSIONS_APPLIED
/// (space-separated versions), SLUGWRIGHT_APPLIED_COUNT,
/// SLUGWRIGHT_VERSIONS_PENDING, SLUGWRIGHT_VERSIONS_REVERTED,
/// SLUGWRIGHT_FAILED_VERSION, SLUGWRIGHT_FAILED_NAME,
/// SLUGWRIGHT_ERROR, SLUGWRIGHT_EXIT_CODE, SLUGWRIGHT_RELEASE,
/// SLUGWRIGHT_APP, SLUGWRIGHT_RUN_ID, SLUGWRIGHT_DATABASE, SLUGWRIGHT_TABLE.
std::map<std::string, std::string> HookEnvironment(const HookContext& context);

#endif  // SLUGWRIGHT_MIGRATE_HOOK_RUNNER_H_
