#include "testing/process_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <thread>

extern char** environ;

namespace {

/// This process's environment with `changes` applied (empty value: unset).
std::vector<std::string> MergedEnvironment(
    const std::vector<const std::map<std::string, std::string>*>& changes) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq != std::string::npos) merged[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto* change : changes)
    for (const auto& [name, value] : *change) {
      if (value.empty())
        merged.erase(name);
      else
        merged[name] = value;
    }
  std::vector<std::string> entries;
  for (const auto& [name, value] : merged) entries.push_back(name + "=" + value);
  return entries;
}

std::vector<char*> NullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

int OpenOrFail(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) ADD_FAILURE() << "cannot open " << path;
  return fd;
}

int DecodeStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string SlugwrightBinary() {
  const char* bin = std::getenv("SLUGWRIGHT_BIN");
  return bin && *bin ? bin : "";
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void ExpectSecretNotPrinted(const RunResult& result, const std::string& secret) {
  if (secret.empty()) return;
  EXPECT_EQ(result.all().find(secret), std::string::npos)
      << "the password was printed:\n" << result.all();
}

// ---- RunningProcess --------------------------------------------------------

RunningProcess::RunningProcess(RunningProcess&& other) noexcept { *this = std::move(other); }

RunningProcess& RunningProcess::operator=(RunningProcess&& other) noexcept {
  if (this != &other) {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    pid_ = other.pid_;
    out_path_ = std::move(other.out_path_);
    err_path_ = std::move(other.err_path_);
    secret_ = std::move(other.secret_);
    started_ = other.started_;
    other.pid_ = -1;
  }
  return *this;
}

RunningProcess::~RunningProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

void RunningProcess::Signal(int signal) const {
  if (pid_ > 0) ::kill(pid_, signal);
}

RunResult RunningProcess::Wait(double timeout_seconds) {
  RunResult result;
  if (pid_ <= 0) {
    ADD_FAILURE() << "waiting for a process that was not started";
    return result;
  }
  int status = 0;
  for (;;) {
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      result.code = DecodeStatus(status);
      break;
    }
    if (done < 0 && errno != EINTR) break;
    if (SecondsSince(started_) > timeout_seconds) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      result.timed_out = true;
      ADD_FAILURE() << "process " << pid_ << " still ran after " << timeout_seconds
                    << " s; killed";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  result.seconds = SecondsSince(started_);
  result.out = ReadWholeFile(out_path_);
  result.err = ReadWholeFile(err_path_);
  ExpectSecretNotPrinted(result, secret_);
  return result;
}

// ---- ProcessHarness --------------------------------------------------------

ProcessHarness::ProcessHarness(std::string dir) : dir_(std::move(dir)) {
  // A commit in the test's own environment (a CI system's GITHUB_SHA)
  // would make every `release` coordinate through the ledger; a test that
  // wants that sets one itself.
  for (const char* variable : {"SLUGWRIGHT_COMMIT", "SLUGWRIGHT_ATTEMPT", "RAILWAY_GIT_COMMIT_SHA",
                               "RENDER_GIT_COMMIT", "GITHUB_SHA", "HEROKU_SLUG_COMMIT"})
    env_[variable] = "";
}

RunningProcess ProcessHarness::Start(const std::string& program,
                                     const std::vector<std::string>& args,
                                     const ProcessOptions& options) {
  int n = ++runs_;
  std::string base = (dir_.empty() ? std::string("/tmp") : dir_) + "/";
  RunningProcess process;
  process.out_path_ = base + "out" + std::to_string(n);
  process.err_path_ = base + "err" + std::to_string(n);
  process.secret_ = secret_;

  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls (tests have threads).
  std::vector<std::string> argv_strings = {program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = MergedEnvironment({&env_, &options.env});
  std::vector<char*> argv = NullTerminated(argv_strings);
  std::vector<char*> envp = NullTerminated(env_strings);
  std::string cwd = options.cwd.empty() ? dir_ : options.cwd;
  std::string in_path = "/dev/null";
  if (!options.stdin_text.empty()) {
    in_path = base + "in" + std::to_string(n);
    std::ofstream(in_path, std::ios::binary) << options.stdin_text;
  }
  int in = OpenOrFail(in_path, O_RDONLY);
  int out = OpenOrFail(process.out_path_, O_WRONLY | O_CREAT | O_TRUNC);
  int err = OpenOrFail(process.err_path_, O_WRONLY | O_CREAT | O_TRUNC);
  if (in < 0 || out < 0 || err < 0) return process;

  process.started_ = std::chrono::steady_clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(in);
  ::close(out);
  ::close(err);
  if (pid < 0) ADD_FAILURE() << "fork failed for " << program;
  process.pid_ = pid;
  return process;
}

RunResult ProcessHarness::Run(const std::string& program, const std::vector<std::string>& args,
                              const ProcessOptions& options, double timeout_seconds) {
  return Start(program, args, options).Wait(timeout_seconds);
}

RunningProcess ProcessHarness::StartSlugwright(const std::vector<std::string>& args,
                                               const ProcessOptions& options) {
  EXPECT_FALSE(SlugwrightBinary().empty())
      << "SLUGWRIGHT_BIN must name the slugwright binary (CTest sets it)";
  return Start(SlugwrightBinary(), args, options);
}

RunResult ProcessHarness::RunSlugwright(const std::vector<std::string>& args,
                                        const ProcessOptions& options,
                                        double timeout_seconds) {
  return StartSlugwright(args, options).Wait(timeout_seconds);
}

RunResult ProcessHarness::RunShell(const std::string& command, const ProcessOptions& options,
                                   double timeout_seconds) {
  return Run("/bin/sh", {"-c", command}, options, timeout_seconds);
}
