#ifndef SLUGWRIGHT_POSTGRES_LOCAL_POSTGRES_GUARD_H_
#define SLUGWRIGHT_POSTGRES_LOCAL_POSTGRES_GUARD_H_

// Why a throwaway cluster (local_postgres.h) never outlives the process
// that started it, however that process ends: `slugwright rehearse ... |
// head -1` (SIGPIPE), a closed terminal (SIGHUP), SIGTERM or SIGINT with no
// handler installed, SIGKILL, an uncaught exception or exit() skip the
// destructor, and pg_ctl starts the server in a session of its own, so
// nothing else would stop it.

#include <sys/types.h>

#include <memory>
#include <string>

/// A watchdog process for one cluster directory: a small /bin/sh script in
/// a process group of its own (ignoring SIGINT, SIGTERM, SIGHUP and
/// SIGPIPE) that reads a pipe whose only writer is this process. When the
/// pipe reaches end-of-file without the word "done" (this process died), it
/// stops the cluster's server (immediate shutdown, SIGQUIT; SIGKILL after
/// 10 s) and removes the directory, again until it is gone, since a
/// process that outlived the owner may still write into it. A directory
/// without a server (`slugwright simulate`'s build, `rehearse`'s archives)
/// is only removed, so it guards any temporary directory its owner removes
/// (or keeps, by destroying the guard first) when it ends as planned.
class LocalPostgresGuard {
 public:
  /// Starts the watchdog for an existing `dir`; throws std::runtime_error
  /// when it cannot.
  explicit LocalPostgresGuard(const std::string& dir);
  /// Starts a watchdog that itself creates a new private directory
  /// `parent/prefixXXXXXX` (mode 0700) and reports its name, so there is no
  /// moment in which the directory exists without its guard: this process
  /// can die anywhere in here and nothing is left. Throws
  /// std::runtime_error, with the reason, when either cannot be done.
  static std::unique_ptr<LocalPostgresGuard> ForNewDirectory(const std::string& parent,
                                                             const std::string& prefix);
  /// Tells the watchdog the cluster was cleaned up as planned and reaps it.
  ~LocalPostgresGuard();
  LocalPostgresGuard(const LocalPostgresGuard&) = delete;
  LocalPostgresGuard& operator=(const LocalPostgresGuard&) = delete;

  pid_t pid() const { return pid_; }
  /// The guarded directory.
  const std::string& dir() const { return dir_; }

 private:
  /// Spawns the watchdog script; with a `mktemp_template` it creates the
  /// directory first and reports it (see ForNewDirectory).
  LocalPostgresGuard(const std::string& dir, const std::string& mktemp_template);
  /// Says "done" and reaps the watchdog.
  void EndAsPlanned();

  std::string dir_;
  pid_t pid_ = -1;
  int write_fd_ = -1;
};

#endif  // SLUGWRIGHT_POSTGRES_LOCAL_POSTGRES_GUARD_H_
