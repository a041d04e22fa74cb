#include "postgres/local_postgres_guard.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace {

// $1 is the cluster directory. `read` ends with "done" (a planned cleanup)
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

LocalPostgresGuard::LocalPostgresGuard(const std::string& dir) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe2 for the cluster guard: ") + strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
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
                        nullptr};
  const char* envp[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", nullptr};
  int rc = posix_spawn(&pid_, "/bin/sh", &actions, &attributes, const_cast<char* const*>(argv),
                       const_cast<char* const*>(envp));
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    pid_ = -1;
    throw std::runtime_error(std::string("starting the cluster guard: ") + strerror(rc));
  }
  write_fd_ = fds[1];
}

LocalPostgresGuard::~LocalPostgresGuard() {
  if (write_fd_ >= 0) {
    const char done[] = "done\n";
    (void)!::write(write_fd_, done, sizeof done - 1);
    ::close(write_fd_);
  }
  if (pid_ > 0) {
    int status;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}
