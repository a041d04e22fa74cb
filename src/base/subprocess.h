#ifndef SLUGWRIGHT_BASE_SUBPROCESS_H_
#define SLUGWRIGHT_BASE_SUBPROCESS_H_

// The one way slugwright starts a child process (hooks, external
// commands, pg_dump/pg_restore, buildpack scripts, initdb/pg_ctl): fork and
// execve in a process group of its own, output streamed line by line or
// captured, a wall-clock timeout and interruption that end the whole
// group (SIGTERM, then SIGKILL after a grace period), and the wait status
// decoded once into a SubprocessResult.
//
// A child never outlives slugwright: it is SIGKILLed by the kernel when
// slugwright ends, however it ends (PR_SET_PDEATHSIG; the processes it
// started in turn are its own to end).
//
// Reading never outlives the child by more than a short drain: a child
// that left a detached grandchild holding its stdout open (`setsid sleep
// 20 &`) does not keep the caller waiting for end of file.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

class Interrupt;

/// Where a child's stdout or stderr goes.
struct SubprocessOutput {
  enum class Mode {
    kInherit,  // this process's own stream
    kDiscard,  // /dev/null
    kFd,       // `fd`, e.g. a log file (not closed)
    kPipe,     // read by the spawner: captured and/or handed line by line
  };
  Mode mode = Mode::kInherit;
  int fd = -1;
  /// With kPipe: keep everything in the result's out/err.
  bool capture = false;
  /// With kPipe: called with each line, without "\n" or a trailing "\r".
  std::function<void(const std::string&)> on_line;

  static SubprocessOutput Inherit() { return {}; }
  static SubprocessOutput Discard() { return {Mode::kDiscard, -1, false, nullptr}; }
  static SubprocessOutput ToFd(int fd) { return {Mode::kFd, fd, false, nullptr}; }
  static SubprocessOutput Capture() { return {Mode::kPipe, -1, true, nullptr}; }
  static SubprocessOutput Lines(std::function<void(const std::string&)> on_line) {
    return {Mode::kPipe, -1, false, std::move(on_line)};
  }
};

/// Where a child's stdin comes from.
struct SubprocessInput {
  enum class Mode { kNull, kInherit, kText, kFd };
  Mode mode = Mode::kNull;
  std::string text;
  int fd = -1;

  static SubprocessInput Null() { return {}; }
  static SubprocessInput Inherit() { return {Mode::kInherit, "", -1}; }
  static SubprocessInput Text(std::string text) { return {Mode::kText, std::move(text), -1}; }
  static SubprocessInput FromFd(int fd) { return {Mode::kFd, "", fd}; }
};

/// What to run and how.
struct SubprocessRequest {
  /// argv[0] is the program's path; PATH is not searched (FindInPath).
  std::vector<std::string> argv;
  /// Empty: this process's working directory.
  std::string working_dir;
  /// The complete environment (see ChildEnvironmentVariables); nullopt:
  /// this process's own.
  std::optional<std::map<std::string, std::string>> env;
  SubprocessInput stdin_from;
  SubprocessOutput stdout_to;
  SubprocessOutput stderr_to;
  /// 0: no limit. Past it the group gets SIGTERM, then SIGKILL.
  double timeout_seconds = 0;
  /// Between SIGTERM and SIGKILL, for timeouts and interruptions.
  double kill_grace_seconds = 5;
  /// When set and requested, the group is stopped as on a timeout.
  Interrupt* interrupt = nullptr;
  /// Called about every 100 ms while the child runs (on the caller's thread).
  std::function<void()> on_tick;
  /// A process group of its own (for the group kill). Off only for a
  /// child that must stay in the terminal's foreground group.
  bool new_process_group = true;
  /// After the child exits, end what is left of its group (background
  /// processes it started).
  bool end_group_after_exit = false;
  /// After the child exits, how long its pipes are still read for output
  /// that others holding them write, before reading stops.
  double drain_after_exit_seconds = 1;
  /// Run as this user and group (dropping root); nullopt: unchanged.
  std::optional<unsigned> run_as_uid;
  std::optional<unsigned> run_as_gid;
};

/// How a child ended, decoded once.
struct SubprocessResult {
  /// The program could not be started (start_error says why).
  bool failed_to_start = false;
  std::string start_error;
  /// Ended normally with `exit_status`, or by `signal`.
  bool exited = false;
  int exit_status = 0;
  int signal = 0;
  /// Stopped by the spawner because the timeout passed or the interrupt
  /// was requested (the status is then usually the signal it was sent).
  bool timed_out = false;
  bool interrupted = false;
  double timeout_seconds = 0;
  /// Captured output (SubprocessOutput::capture).
  std::string out;
  std::string err;

  bool ok() const { return exited && exit_status == 0 && !timed_out && !interrupted; }
  /// As a shell reports it: the status, 128 + the signal, 127 when it
  /// could not start.
  int ExitCode() const;
  /// "exited with status 1", "killed by SIGKILL", "timed out after 5s",
  /// "stopped: interrupted", "could not start: ...".
  std::string Describe() const;
};

/// Starts processes. An interface so code can be given a recording fake
/// (testing/fake_subprocess.h).
class ProcessSpawner {
 public:
  virtual ~ProcessSpawner() = default;
  /// Runs the request to its end. Never throws for the child's failures;
  /// they are in the result.
  virtual SubprocessResult Run(const SubprocessRequest& request) = 0;
};

/// ProcessSpawner on fork/execve.
class RealProcessSpawner : public ProcessSpawner {
 public:
  SubprocessResult Run(const SubprocessRequest& request) override;
};

/// A process-wide RealProcessSpawner, for callers given none.
ProcessSpawner* DefaultProcessSpawner();

/// The full path of `program` found in $PATH (as a shell would), or "".
/// A name holding a slash is returned as it is when executable.
std::string FindInPath(const std::string& program);

/// "SIGKILL", "SIGTERM", ... ("signal 42" when it has no name).
std::string SignalNameOf(int signal_number);

#endif  // SLUGWRIGHT_BASE_SUBPROCESS_H_
