#ifndef SLUGWRIGHT_TESTING_PG_FIXTURE_H_
#define SLUGWRIGHT_TESTING_PG_FIXTURE_H_

// The PostgreSQL side of the integration tests: a database on the shared
// throwaway cluster (pg_test_environment.h) and SQL on it through
// SqlSession (no libpqxx in tests), plus SlugwrightPgTest, the fixture of
// the end-to-end tests: a fresh database, a temporary directory with a
// migrations folder, and the slugwright binary run against them with the
// password checked on every run.

#include <cstdint>
#include <gtest/gtest.h>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "postgres/sql_session.h"
#include "testing/pg_test_environment.h"
#include "testing/process_harness.h"
#include "testing/test_util.h"

/// The advisory lock keys of the default history table
/// (public.slugwright_migrations), as pg_advisory_lock's arguments
/// ("1936483687, 123456").
std::string MigrationLockArguments();
/// A pg_locks condition on those keys ("classid = ... AND objid = ...";
/// pg_locks shows them unsigned).
std::string MigrationLockFilter();

/// One database and SQL on it. Every call opens a session of its own and
/// closes it, so no session lingers between a test's steps; Connect()
/// gives one to keep open (a lock holder, a blocker).
class PgDatabase {
 public:
  /// A fresh, empty database on TestCluster().
  PgDatabase();
  /// An existing database (e.g. on a cluster a test started itself).
  explicit PgDatabase(std::string url, std::string name = "");

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

  /// A session kept open until the object goes away.
  std::unique_ptr<SqlSession> Connect(const std::string& url_suffix = "") const;
  /// The rows of the last statement of `sql`; a NULL reads as "".
  SqlSession::Rows Query(const std::string& sql) const;
  /// The first column of the first row; "" without rows.
  std::string Scalar(const std::string& sql) const;
  int Count(const std::string& sql) const { return std::stoi(Scalar(sql)); }
  void Exec(const std::string& sql) const { Query(sql); }
  /// A string literal for SQL.
  std::string Quote(const std::string& value) const;

  /// public.`relation` exists (table, index, view, ...).
  bool Exists(const std::string& relation) const;
  bool HistoryExists() const { return Exists("slugwright_migrations"); }
  /// Rows in the history table; 0 when it does not exist.
  int HistoryCount() const;
  /// "state done/total" of one history row; "" when there is none.
  std::string RowState(int64_t version) const;
  /// Advisory locks on the migration key in this database, granted or
  /// waiting.
  int MigrationLocks(bool granted) const;
  /// Sessions of slugwright runs on this database (not counting ours).
  int RunnerSessions() const;
  /// The pid of the slugwright backend whose current query contains
  /// `fragment`; 0 when none.
  int RunnerRunning(const std::string& fragment) const;
  /// RunnerRunning(), polled for up to 20 s.
  int WaitForRunnerRunning(const std::string& fragment) const;
  /// pg_terminate_backend(pid).
  void Terminate(int pid) const;

 private:
  std::string url_;
  std::string name_;
};

/// The fixture of the end-to-end tests: a fresh database (db_), a
/// temporary directory (tmp_) with migrations in tmp_/migrations, and
/// slugwright_, which runs the binary there with DATABASE_URL set to the
/// database and checks every run's output for the password.
class SlugwrightPgTest : public ::testing::Test {
 protected:
  SlugwrightPgTest();
  void SetUp() override;

  std::string Dir() const { return tmp_.path() + "/migrations"; }
  void WriteMigration(const std::string& file, const std::string& contents) const {
    tmp_.Write("migrations/" + file, contents);
  }
  /// `migrate up --dir Dir()` and `extra`.
  std::vector<std::string> Up(const std::vector<std::string>& extra = {}) const;
  /// Runs slugwright and waits; `env` adds to (or, with "", removes from)
  /// the environment.
  RunResult Run(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {});
  RunningProcess Start(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {});

  ScopedTempDir tmp_;
  PgDatabase db_;
  ProcessHarness slugwright_;
  std::string password_;
};

#endif  // SLUGWRIGHT_TESTING_PG_FIXTURE_H_
