#include "base/subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "base/duration.h"
#include "base/interrupt.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double SecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

/// One end of a pipe the spawner reads: the child's stdout or stderr.
struct OutputPipe {
  const SubprocessOutput* spec = nullptr;
  std::string* captured = nullptr;
  int read_fd = -1;
  std::string partial_line;

  void Emit(const std::string& line) {
    std::string text = line;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (spec->on_line) spec->on_line(text);
  }
  void Consume(const char* data, size_t size) {
    if (spec->capture) captured->append(data, size);
    if (!spec->on_line) return;
    partial_line.append(data, size);
    size_t start = 0, newline;
    while ((newline = partial_line.find('\n', start)) != std::string::npos) {
      Emit(partial_line.substr(start, newline - start));
      start = newline + 1;
    }
    partial_line.erase(0, start);
  }
  /// Reads what is there; closes the pipe at end of file.
  void ReadAvailable() {
    char buffer[65536];
    ssize_t n = ::read(read_fd, buffer, sizeof buffer);
    if (n > 0) {
      Consume(buffer, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
      Finish();
    }
  }
  /// Stops reading, handing on a last line without a newline.
  void Finish() {
    CloseFd(&read_fd);
    if (!partial_line.empty()) Emit(partial_line);
    partial_line.clear();
  }
};

/// Writes SubprocessInput::Text to the child without blocking, and without
/// SIGPIPE when the child closed its stdin early.
struct InputPipe {
  int write_fd = -1;
  std::string text;
  size_t written = 0;

  void WriteSome() {
    sigset_t pipe_signal, previous;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
    ssize_t n = ::write(write_fd, text.data() + written, text.size() - written);
    int error = errno;
    if (n < 0 && error == EPIPE) {
      timespec zero{0, 0};
      sigtimedwait(&pipe_signal, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (n > 0) written += static_cast<size_t>(n);
    if (written == text.size() || (n < 0 && error != EAGAIN && error != EINTR))
      CloseFd(&write_fd);
  }
};

/// Everything the child needs, prepared before fork(): afterwards, in a
/// multi-threaded parent, only async-signal-safe calls are allowed.
struct ExecPlan {
  std::vector<std::string> argv_strings;
  std::vector<char*> argv;
  std::vector<std::string> env_strings;
  std::vector<char*> envp;
  /// The fds to become the child's 0, 1, 2 (-1: inherited).
  int child_fds[3] = {-1, -1, -1};
  /// Parent-side copies of child_fds to close after fork.
  std::vector<int> to_close;
  /// This process, to tell in the child whether it already died.
  pid_t parent_pid = ::getpid();

  explicit ExecPlan(const SubprocessRequest& request) : argv_strings(request.argv) {
    for (auto& a : argv_strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (request.env) {
      for (const auto& [name, value] : *request.env) env_strings.push_back(name + "=" + value);
    } else {
      for (char** e = environ; *e; ++e) env_strings.push_back(*e);
    }
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
  }
  ~ExecPlan() {
    for (int fd : to_close) ::close(fd);
  }
  void CloseChildEnds() {
    for (int fd : to_close) ::close(fd);
    to_close.clear();
  }
};

/// In the child: SIGKILL when this process's parent ends, however it ends
/// (SIGKILL, a crash, a signal with no handler), so no child outlives
/// slugwright. Set after the credential change, which clears it; an execve
/// keeps it (a set-user-ID program would clear it: none is run). The kernel
/// sends it when the parent *thread* that forked exits: Run blocks that
/// thread until the child has ended, so it cannot fire early. A parent
/// that died before prctl is caught by the getppid check.
void EndWithParent(pid_t parent_pid) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent_pid) ::_exit(128 + SIGKILL);
}

[[noreturn]] void ExecChild(const SubprocessRequest& request, const ExecPlan& plan,
                            int error_fd) {
  if (request.new_process_group) ::setpgid(0, 0);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  // A source that is itself one of 0, 1, 2 (stderr to our stdout) is
  // moved out of the way first, so an earlier dup2 cannot replace it.
  int sources[3];
  for (int target = 0; target < 3; ++target) {
    sources[target] = plan.child_fds[target];
    if (sources[target] >= 0 && sources[target] < 3 && sources[target] != target)
      sources[target] = ::fcntl(sources[target], F_DUPFD, 3);
  }
  for (int target = 0; target < 3; ++target)
    if (sources[target] >= 0) ::dup2(sources[target], target);
  int error = 0;
  if (!request.working_dir.empty() && ::chdir(request.working_dir.c_str()) != 0) error = errno;
  if (!error && request.run_as_gid && (::setgroups(0, nullptr) != 0 ||
                                       ::setgid(*request.run_as_gid) != 0))
    error = errno;
  if (!error && request.run_as_uid && ::setuid(*request.run_as_uid) != 0) error = errno;
  if (!error) EndWithParent(plan.parent_pid);
  if (!error) {
    ::execve(plan.argv[0], plan.argv.data(), plan.envp.data());
    error = errno;
  }
  ssize_t ignored = ::write(error_fd, &error, sizeof error);
  (void)ignored;
  ::_exit(127);
}

int OpenNull(int flags) { return ::open("/dev/null", flags | O_CLOEXEC); }

/// Sets up the child's side of one output stream; returns the read end
/// for kPipe, else -1.
int PlanOutput(const SubprocessOutput& spec, int target, ExecPlan* plan) {
  switch (spec.mode) {
    case SubprocessOutput::Mode::kInherit:
      return -1;
    case SubprocessOutput::Mode::kDiscard:
      plan->child_fds[target] = OpenNull(O_WRONLY);
      plan->to_close.push_back(plan->child_fds[target]);
      return -1;
    case SubprocessOutput::Mode::kFd:
      plan->child_fds[target] = spec.fd;
      return -1;
    case SubprocessOutput::Mode::kPipe: {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
      plan->child_fds[target] = fds[1];
      plan->to_close.push_back(fds[1]);
      ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
      return fds[0];
    }
  }
  return -1;
}

/// Sets up the child's stdin; returns the write end for kText, else -1.
int PlanInput(const SubprocessInput& spec, ExecPlan* plan) {
  switch (spec.mode) {
    case SubprocessInput::Mode::kInherit:
      return -1;
    case SubprocessInput::Mode::kNull:
      plan->child_fds[0] = OpenNull(O_RDONLY);
      plan->to_close.push_back(plan->child_fds[0]);
      return -1;
    case SubprocessInput::Mode::kFd:
      plan->child_fds[0] = spec.fd;
      return -1;
    case SubprocessInput::Mode::kText: {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
      plan->child_fds[0] = fds[0];
      plan->to_close.push_back(fds[0]);
      ::fcntl(fds[1], F_SETFL, O_NONBLOCK);
      return fds[1];
    }
  }
  return -1;
}

/// A started child, watched to its end.
class Watch {
 public:
  Watch(const SubprocessRequest& request, pid_t pid, SubprocessResult* result)
      : request_(request), pid_(pid), result_(result), start_(Clock::now()) {}

  OutputPipe out, err;
  InputPipe in;

  /// Runs until the child is reaped and its pipes are drained (or the
  /// drain time passed); returns the wait status.
  int Run() {
    Clock::time_point last_tick = start_;
    while (true) {
      PollOnce();
      Clock::time_point now = Clock::now();
      if (!reaped_) {
        Reap();
        if (!reaped_) StopIfDue(now);
      }
      if (reaped_ && AfterExitDone(now)) break;
      if (request_.on_tick && !reaped_ && SecondsBetween(last_tick, now) >= 0.1) {
        request_.on_tick();
        last_tick = now;
      }
    }
    if (signalled_ || request_.end_group_after_exit) SignalGroup(SIGKILL, /*only_if_alive=*/true);
    out.Finish();
    err.Finish();
    CloseFd(&in.write_fd);
    return status_;
  }

 private:
  void PollOnce() {
    pollfd fds[3];
    int count = 0;
    OutputPipe* pipes[3] = {nullptr, nullptr, nullptr};
    for (OutputPipe* p : {&out, &err})
      if (p->read_fd >= 0) {
        pipes[count] = p;
        fds[count++] = {p->read_fd, POLLIN, 0};
      }
    int input_index = -1;
    if (in.write_fd >= 0) {
      input_index = count;
      fds[count++] = {in.write_fd, POLLOUT, 0};
    }
    // Quick children (--version) are waited for closely.
    int slice_ms = SecondsBetween(start_, Clock::now()) < 0.1 ? 2 : 20;
    int ready = ::poll(fds, count, slice_ms);
    if (ready <= 0) return;
    for (int i = 0; i < count; ++i) {
      if (!fds[i].revents) continue;
      if (i == input_index)
        in.WriteSome();
      else
        pipes[i]->ReadAvailable();
    }
  }

  void Reap() {
    int status = 0;
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      reaped_ = true;
      status_ = status;
      exited_at_ = Clock::now();
    }
  }

  void StopIfDue(Clock::time_point now) {
    if (!signalled_) {
      double elapsed = SecondsBetween(start_, now);
      if (request_.timeout_seconds > 0 && elapsed > request_.timeout_seconds)
        result_->timed_out = true;
      else if (request_.interrupt && request_.interrupt->requested())
        result_->interrupted = true;
      else
        return;
      // SIGTERM first, so the child can clean up; SIGKILL after the grace.
      SignalGroup(SIGTERM, false);
      signalled_ = true;
      kill_at_ = now + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(request_.kill_grace_seconds));
    } else if (!killed_ && now > kill_at_) {
      SignalGroup(SIGKILL, false);
      killed_ = true;
    }
  }

  /// After the exit: done when the pipes are closed (and, when the group
  /// is to be ended without having been signalled, it is gone: its
  /// background processes may finish on their own), or when the drain
  /// time has passed.
  bool AfterExitDone(Clock::time_point now) {
    bool pipes_closed = out.read_fd < 0 && err.read_fd < 0;
    bool group_gone = signalled_ || !request_.end_group_after_exit || !GroupAlive();
    if (pipes_closed && group_gone) return true;
    return SecondsBetween(exited_at_, now) >= request_.drain_after_exit_seconds;
  }

  bool GroupAlive() const { return request_.new_process_group && ::kill(-pid_, 0) == 0; }

  void SignalGroup(int signal_number, bool only_if_alive) {
    if (!request_.new_process_group) {
      if (!reaped_) ::kill(pid_, signal_number);
      return;
    }
    if (only_if_alive && !GroupAlive()) return;
    ::kill(-pid_, signal_number);
  }

  const SubprocessRequest& request_;
  pid_t pid_;
  SubprocessResult* result_;
  Clock::time_point start_;
  Clock::time_point exited_at_;
  Clock::time_point kill_at_;
  bool reaped_ = false;
  bool signalled_ = false;
  bool killed_ = false;
  int status_ = 0;
};

void DecodeStatus(int status, SubprocessResult* result) {
  if (WIFEXITED(status)) {
    result->exited = true;
    result->exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result->signal = WTERMSIG(status);
  }
}

/// Waits for the exec to succeed (the CLOEXEC pipe closes) or for the
/// child to report why it failed. Returns the errno, 0 on success.
int ExecError(int error_fd) {
  int error = 0;
  ssize_t n;
  while ((n = ::read(error_fd, &error, sizeof error)) < 0 && errno == EINTR) {
  }
  return n == static_cast<ssize_t>(sizeof error) ? error : 0;
}

}  // namespace

SubprocessResult RealProcessSpawner::Run(const SubprocessRequest& request) {
  SubprocessResult result;
  result.timeout_seconds = request.timeout_seconds;
  if (request.argv.empty()) {
    result.failed_to_start = true;
    result.start_error = "no program given";
    return result;
  }
  ExecPlan plan(request);
  OutputPipe out{&request.stdout_to, &result.out, PlanOutput(request.stdout_to, 1, &plan), ""};
  OutputPipe err{&request.stderr_to, &result.err, PlanOutput(request.stderr_to, 2, &plan), ""};
  InputPipe in{PlanInput(request.stdin_from, &plan), request.stdin_from.text, 0};
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) error_pipe[0] = error_pipe[1] = -1;

  pid_t pid = ::fork();
  if (pid == 0) ExecChild(request, plan, error_pipe[1]);
  int fork_error = errno;
  plan.CloseChildEnds();
  CloseFd(&error_pipe[1]);
  int start_error = pid < 0 ? fork_error : ExecError(error_pipe[0]);
  CloseFd(&error_pipe[0]);
  if (pid > 0 && request.new_process_group) ::setpgid(pid, pid);
  if (start_error) {
    if (pid > 0) {
      int status;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
    }
    CloseFd(&out.read_fd);
    CloseFd(&err.read_fd);
    CloseFd(&in.write_fd);
    result.failed_to_start = true;
    result.start_error = std::strerror(start_error);
    return result;
  }
  Watch watch(request, pid, &result);
  watch.out = std::move(out);
  watch.err = std::move(err);
  watch.in = std::move(in);
  DecodeStatus(watch.Run(), &result);
  return result;
}

int SubprocessResult::ExitCode() const {
  if (failed_to_start) return 127;
  if (exited) return exit_status;
  return 128 + signal;
}

std::string SubprocessResult::Describe() const {
  if (failed_to_start) return "could not start: " + start_error;
  if (timed_out) return "timed out after " + FormatDuration(timeout_seconds);
  if (interrupted) return "stopped: interrupted";
  if (exited) return "exited with status " + std::to_string(exit_status);
  return "killed by " + SignalNameOf(signal);
}

ProcessSpawner* DefaultProcessSpawner() {
  static RealProcessSpawner spawner;
  return &spawner;
}

std::string FindInPath(const std::string& program) {
  auto executable = [](const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), X_OK) == 0;
  };
  if (program.find('/') != std::string::npos) return executable(program) ? program : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    if (colon == std::string::npos) colon = dirs.size();
    std::string dir = dirs.substr(start, colon - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    if (executable(candidate)) return candidate;
    start = colon + 1;
  }
  return "";
}

std::string SignalNameOf(int signal_number) {
  static const struct {
    int number;
    const char* name;
  } kNames[] = {{SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"},
                {SIGILL, "SIGILL"},   {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"},
                {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},   {SIGKILL, "SIGKILL"},
                {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
                {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"},
                {SIGCHLD, "SIGCHLD"}, {SIGCONT, "SIGCONT"}, {SIGSTOP, "SIGSTOP"},
                {SIGTSTP, "SIGTSTP"}, {SIGTTIN, "SIGTTIN"}, {SIGTTOU, "SIGTTOU"},
                {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"}, {SIGSYS, "SIGSYS"}};
  for (const auto& entry : kNames)
    if (entry.number == signal_number) return entry.name;
  return "signal " + std::to_string(signal_number);
}
