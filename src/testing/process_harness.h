#ifndef SLUGWRIGHT_TESTING_PROCESS_HARNESS_H_
#define SLUGWRIGHT_TESTING_PROCESS_HARNESS_H_

// How tests run real processes: the slugwright binary under test
// ($SLUGWRIGHT_BIN, which CTest sets), a shell command or any program, with
// arguments, environment, working directory and stdin; waited for with a
// timeout, or started in the background to be signalled (the reliability
// suite's SIGKILL/SIGSTOP/SIGTERM scenarios). Every result is checked for
// a secret (the database password) that must never be printed.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

/// The slugwright binary under test, from $SLUGWRIGHT_BIN; "" when unset.
std::string SlugwrightBinary();

/// The whole file, "" when it cannot be read.
std::string ReadWholeFile(const std::string& path);

/// Seconds since `start` on the steady clock.
double SecondsSince(std::chrono::steady_clock::time_point start);

/// How a finished process ended and what it printed.
struct RunResult {
  /// The exit status, or 128 + the signal that ended it; -1 when it had to
  /// be killed after its timeout.
  int code = -1;
  std::string out;
  std::string err;
  /// From start to exit.
  double seconds = 0;
  bool timed_out = false;
  std::string all() const { return out + err; }
};

/// A GoogleTest failure (not fatal) when `output` contains `secret`; an
/// empty secret is never looked for.
void ExpectSecretNotPrinted(const RunResult& result, const std::string& secret);

/// What to start besides the program and its arguments.
struct ProcessOptions {
  /// Variables set on top of this process's environment, after the
  /// harness's own; an empty value removes the variable instead.
  std::map<std::string, std::string> env;
  /// Where it runs; empty: the harness's directory.
  std::string cwd;
  /// What it reads on stdin (empty: /dev/null).
  std::string stdin_text;
};

/// A process started in the background. Movable; one that is destroyed
/// while still running is killed (SIGKILL) and reaped.
class RunningProcess {
 public:
  RunningProcess() = default;
  RunningProcess(RunningProcess&& other) noexcept;
  RunningProcess& operator=(RunningProcess&& other) noexcept;
  RunningProcess(const RunningProcess&) = delete;
  RunningProcess& operator=(const RunningProcess&) = delete;
  ~RunningProcess();

  pid_t pid() const { return pid_; }
  /// Sends `signal` (SIGTERM, SIGKILL, SIGSTOP, SIGCONT, ...).
  void Signal(int signal) const;
  /// Waits up to `timeout_seconds`; past that the process is killed and the
  /// result says timed_out (and a GoogleTest failure is recorded). Checks
  /// the output for the harness's secret.
  RunResult Wait(double timeout_seconds = 300);

 private:
  friend class ProcessHarness;
  pid_t pid_ = -1;
  std::string out_path_;
  std::string err_path_;
  std::string secret_;
  std::chrono::steady_clock::time_point started_;
};

/// Starts processes whose output goes to numbered files in one directory
/// (a test's temporary directory), with an environment shared by all of
/// them.
class ProcessHarness {
 public:
  /// `dir` holds the output files and is the default working directory.
  explicit ProcessHarness(std::string dir = "");

  void set_dir(const std::string& dir) { dir_ = dir; }
  /// Set (or, with an empty value, removed) for every process started.
  std::map<std::string, std::string>& env() { return env_; }
  /// Text no process may print (e.g. the database password).
  void set_secret(const std::string& secret) { secret_ = secret; }

  RunningProcess Start(const std::string& program, const std::vector<std::string>& args,
                       const ProcessOptions& options = {});
  RunResult Run(const std::string& program, const std::vector<std::string>& args,
                const ProcessOptions& options = {}, double timeout_seconds = 300);

  /// The slugwright binary under test.
  RunningProcess StartSlugwright(const std::vector<std::string>& args,
                                 const ProcessOptions& options = {});
  RunResult RunSlugwright(const std::vector<std::string>& args,
                          const ProcessOptions& options = {}, double timeout_seconds = 300);

  /// `/bin/sh -c command`.
  RunResult RunShell(const std::string& command, const ProcessOptions& options = {},
                     double timeout_seconds = 300);

 private:
  std::string dir_;
  std::map<std::string, std::string> env_;
  std::string secret_;
  int runs_ = 0;
};

#endif  // SLUGWRIGHT_TESTING_PROCESS_HARNESS_H_
