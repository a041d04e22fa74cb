#ifndef SLUGWRIGHT_TESTING_PGBOUNCER_H_
#define SLUGWRIGHT_TESTING_PGBOUNCER_H_

// A PgBouncer in front of the shared test cluster, for the tests of
// slugwright's refusal to migrate through a connection pooler.

#include <string>

#include "testing/process_harness.h"

/// A pgbouncer (/usr/sbin/pgbouncer, Debian package pgbouncer) for one
/// database of TestCluster(), in its own temporary directory on a free
/// port; stopped and removed when the object goes away. Under root it runs
/// as `postgres` (it refuses root).
class LocalPgBouncer {
 public:
  /// Whether pgbouncer is installed; tests skip without it.
  static bool Installed();

  /// `pool_mode` is "session" or "transaction"; `default_pool_size` 0
  /// keeps pgbouncer's default. Returns once it accepts connections (or
  /// after 10 s: see ready()).
  LocalPgBouncer(const std::string& pool_mode, const std::string& database,
                 int default_pool_size = 0);
  ~LocalPgBouncer();
  LocalPgBouncer(const LocalPgBouncer&) = delete;
  LocalPgBouncer& operator=(const LocalPgBouncer&) = delete;

  /// Whether it accepted a connection.
  bool ready() const { return ready_; }
  /// `postgres://user:password@127.0.0.1:PORT/database` through it.
  std::string Url() const;

 private:
  std::string dir_;
  std::string database_;
  int port_ = 0;
  bool ready_ = false;
  ProcessHarness harness_;
  RunningProcess process_;
};

#endif  // SLUGWRIGHT_TESTING_PGBOUNCER_H_
