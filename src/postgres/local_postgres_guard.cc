#include "postgres/local_postgres_guard.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace {

// $1 is the cluster directory, or, when $2 is a mktemp template, empty:
// then the script creates the directory itself and writes "dir NAME" (or
// "error WHY") to its stdout, the owner's pipe, before it starts to watch.
// `read` ends with "done" (a planned cleanup)
// or at end-of-file (the owner is gone). Then, until the directory is gone
// (at most about a minute): a server that wrote its pid file is stopped,
// and the directory is removed. It is repeated because a process that
// outlived the owner can still write into the directory while `rm`
// removes it, which then fails with "Directory not empty": initdb's
// bootstrap backend when initdb was killed, or a server still starting
// that writes its pid file late.
const char kGuardScript[] =
    "trap '' INT TERM HUP PIPE QUIT\n"
    "dir=$1\n"
    "if [ -n \"$2\" ]; then\n"
    "  dir=$(mktemp -d -- \"$2\" 2>&1) || { printf 'error %s\\n' \"$dir\"; exit 1; }\n"
    "  printf 'dir %s\\n' \"$dir\"\n"
    "  exec >/dev/null\n"
    "fi\n"
    "IFS= read -r word\n"
    "[ \"$word\" = done ] && exit 0\n"
    "pidfile=$dir/data/postmaster.pid\n"
    "turn=0\n"
    "while [ -e \"$dir\" ] && [ $turn -lt 600 ]; do\n"
    "  if [ -r \"$pidfile\" ] && IFS= read -r pid <\"$pidfile\" && [ -n \"$pid\" ]; then\n"
    "    kill -QUIT \"$pid\" 2>/dev/null\n"
    "    i=0\n"
    "    while kill -0 \"$pid\" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done\n"
    "    kill -KILL \"$pid\" 2>/dev/null\n"
    "  fi\n"
    "  rm -rf -- \"$dir\" 2>/dev/null && exit 0\n"
    "  sleep 0.1\n"
    "  turn=$((turn + 1))\n"
    "done\n";

}  // namespace

LocalPostgresGuard::LocalPostgresGuard(const std::string& dir) : LocalPostgresGuard(dir, "") {}

std::unique_ptr<LocalPostgresGuard> LocalPostgresGuard::ForNewDirectory(
    const std::string& parent, const std::string& prefix) {
  return std::unique_ptr<LocalPostgresGuard>(
      new LocalPostgresGuard("", parent + "/" + prefix + "XXXXXX"));
}

LocalPostgresGuard::LocalPostgresGuard(const std::string& dir, const std::string& mktemp_template)
    : dir_(dir) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe2 for the cluster guard: ") + strerror(errno));
  // Where a guard that makes the directory reports its name.
  int report[2] = {-1, -1};
  if (!mktemp_template.empty() && ::pipe2(report, O_CLOEXEC) != 0) {
    int saved = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error(std::string("pipe2 for the cluster guard: ") + strerror(saved));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
  if (report[1] >= 0)
    posix_spawn_file_actions_adddup2(&actions, report[1], 1);
  else
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group: a Ctrl-C or a group kill aimed at this
  // process's group does not reach it. An empty signal mask.
  sigset_t no_signals;
  sigemptyset(&no_signals);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setsigmask(&attributes, &no_signals);

  std::string script = kGuardScript;
  const char* argv[] = {"/bin/sh", "-c", script.c_str(), "slugwright-pg-guard", dir.c_str(),
                        mktemp_template.c_str(), nullptr};
  const char* envp[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", nullptr};
  int rc = posix_spawn(&pid_, "/bin/sh", &actions, &attributes, const_cast<char* const*>(argv),
                       const_cast<char* const*>(envp));
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(fds[0]);
  if (report[1] >= 0) ::close(report[1]);
  if (rc != 0) {
    ::close(fds[1]);
    if (report[0] >= 0) ::close(report[0]);
    pid_ = -1;
    throw std::runtime_error(std::string("starting the cluster guard: ") + strerror(rc));
  }
  write_fd_ = fds[1];
  if (report[0] < 0) return;

  std::string said;
  char buffer[512];
  for (;;) {
    ssize_t n = ::read(report[0], buffer, sizeof buffer);
    if (n > 0) {
      said.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  ::close(report[0]);
  while (!said.empty() && said.back() == '\n') said.pop_back();
  if (said.rfind("dir /", 0) == 0) {
    dir_ = said.substr(4);
    return;
  }
  // No directory was made, and the guard has exited: writing "done" to it
  // would raise SIGPIPE here. Closing the pipe is enough.
  ::close(write_fd_);
  write_fd_ = -1;
  EndAsPlanned();
  std::string why = said.rfind("error ", 0) == 0 ? said.substr(6) : "the guard said nothing";
  throw std::runtime_error("creating a temporary directory (" + mktemp_template + "): " + why);
}

LocalPostgresGuard::~LocalPostgresGuard() { EndAsPlanned(); }

void LocalPostgresGuard::EndAsPlanned() {
  if (write_fd_ >= 0) {
    const char done[] = "done\n";
    (void)!::write(write_fd_, done, sizeof done - 1);
    ::close(write_fd_);
    write_fd_ = -1;
  }
  if (pid_ > 0) {
    int status;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }
}
