#ifndef SLUGWRIGHT_TESTING_RELIABILITY_FIXTURE_H_
#define SLUGWRIGHT_TESTING_RELIABILITY_FIXTURE_H_

// The fixture of the reliability suite (CTest `pg_reliability`, every
// `Reliability.*` test): shared by reliability_pg_test.cc and the test files
// split from it, so they all belong to one suite.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "testing/pg_fixture.h"
#include "testing/test_util.h"

namespace reliability {

/// `url` (postgres://user:pw@127.0.0.1:PORT/db) with its host replaced.
inline std::string WithHost(const std::string& url, const std::string& host) {
  size_t at = url.rfind('@');
  size_t colon = url.find(':', at);
  return url.substr(0, at + 1) + host + url.substr(colon);
}

/// SLUGWRIGHT_LONG=1 (tests/run --long): the long versions of the suite.
inline bool LongMode() {
  const char* value = std::getenv("SLUGWRIGHT_LONG");
  return value && std::string(value) == "1";
}

/// What a runner must never print when it lost its session: the warning
/// Release() gives when the unlock ran on a session that did not hold the
/// lock, which only happens on a silently reconnected session.
inline const char kReconnectedSymptom[] = "was not held by this session";

/// The end-to-end fixture as release v9 of `reliability`. Its SQL helpers
/// take the URL of another database (a round's fresh one, a cluster of the
/// test's own) where the default, db_, is not the one.
class Reliability : public SlugwrightPgTest {
 protected:
  void SetUp() override {
    SlugwrightPgTest::SetUp();
    slugwright_.env()["HEROKU_RELEASE_VERSION"] = "v9";
    slugwright_.env()["HEROKU_APP_NAME"] = "reliability";
  }

  void Write(const std::string& file, const std::string& contents) {
    WriteMigration(file, contents);
  }

  /// Starts `slugwright args...` with DATABASE_URL = `url` (db_'s if empty).
  RunningProcess Start(const std::vector<std::string>& args, const std::string& url = "") {
    if (url.empty()) return SlugwrightPgTest::Start(args);
    return SlugwrightPgTest::Start(args, {{"DATABASE_URL", url}});
  }
  RunResult Run(const std::vector<std::string>& args, const std::string& url = "") {
    return Start(args, url).Wait();
  }

  PgDatabase On(const std::string& url) const { return url.empty() ? db_ : PgDatabase(url); }
  SqlSession::Rows Query(const std::string& sql, const std::string& url = "") {
    return On(url).Query(sql);
  }
  std::string Scalar(const std::string& sql, const std::string& url = "") {
    return On(url).Scalar(sql);
  }
  int Count(const std::string& sql, const std::string& url = "") {
    return On(url).Count(sql);
  }
  bool Exists(const std::string& relation, const std::string& url = "") {
    return On(url).Exists(relation);
  }
  bool HistoryExists(const std::string& url = "") { return On(url).HistoryExists(); }
  int HistoryCount(const std::string& url = "") { return On(url).HistoryCount(); }
  std::string RowState(int64_t version, const std::string& url = "") {
    return On(url).RowState(version);
  }
  int MigrationLocks(bool granted, const std::string& url = "") {
    return On(url).MigrationLocks(granted);
  }
  int RunnerSessions(const std::string& url = "") { return On(url).RunnerSessions(); }
  int RunnerRunning(const std::string& fragment) { return db_.RunnerRunning(fragment); }
  int WaitForRunnerRunning(const std::string& fragment, const std::string& url = "") {
    return On(url).WaitForRunnerRunning(fragment);
  }
  void Terminate(int pid) { db_.Terminate(pid); }

  /// .slugwright/release.json for `slugwright release`, with an on_failure
  /// hook that writes the outcome and exit code to hook.out.
  void WriteReleaseSettings(const std::string& extra_flags_json = "") {
    tmp_.Write(".slugwright/release.json", R"({"release": {
      "migrations": "migrations", "database_url_env": "DATABASE_URL",
      "table": "public.slugwright_migrations", "transaction": "per-migration",
      "on_failure": "stop", "lock_wait_seconds": 60, "lock_timeout_seconds": 5,
      "statement_timeout_seconds": 0, "lock_retries": 0, "allow_out_of_order": false,
      "command": "", "rollback_command": "", )" + extra_flags_json + R"(
      "hooks": {"before": [], "after": [],
                "on_failure": ["echo \"$SLUGWRIGHT_OUTCOME $SLUGWRIGHT_EXIT_CODE\" > hook.out"],
                "timeout_seconds": 30}}})");
  }
};

}  // namespace reliability

using reliability::Reliability;

#endif  // SLUGWRIGHT_TESTING_RELIABILITY_FIXTURE_H_
