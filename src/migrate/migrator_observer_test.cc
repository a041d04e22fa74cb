// The Migrator's calls to a MigrationObserver (what `rehearse` hooks into),
// against the in-memory driver: when each call comes relative to BEGIN and
// COMMIT, and that the transactions stay what they are without one.

#include <gtest/gtest.h>
#include <sstream>

#include "base/exit_codes.h"
#include "migrate/migration_observer.h"
#include "migrate/migrator.h"
#include "testing/fake_database_driver.h"
#include "testing/migrator_fixture.h"

namespace {

/// Writes each call into the driver's log, so it interleaves with "begin",
/// "up N", "commit" and "rollback".
class LoggingObserver : public MigrationObserver {
 public:
  explicit LoggingObserver(FakeDatabaseDriver* driver) : driver_(driver) {}
  void BeforeApply(const Migration& m) noexcept override {
    driver_->log.push_back("observe before " + std::to_string(m.version));
  }
  void BeforeCommit(const Migration& m) noexcept override {
    driver_->log.push_back("observe commit " + std::to_string(m.version) +
                           (driver_->in_transaction ? " in transaction" : " OUTSIDE"));
  }
  void AfterApply(const Migration& m, double seconds) noexcept override {
    driver_->log.push_back("observe after " + std::to_string(m.version));
    last_seconds = seconds;
  }
  void OnFailure(const Migration& m, const DatabaseError& e) noexcept override {
    driver_->log.push_back("observe failure " + std::to_string(m.version) + " " + e.sqlstate());
  }
  double last_seconds = -1;

 private:
  FakeDatabaseDriver* driver_;
};

struct MigratorObserverTest : public MigratorFixture {
  LoggingObserver observer{&driver};

  MigratorObserverTest() { options.observer = &observer; }
  /// The log entries from `from` on, without the lock and event noise.
  std::vector<std::string> Trace() const {
    std::vector<std::string> out;
    for (const std::string& e : driver.log)
      if (e.rfind("event ", 0) != 0) out.push_back(e);
    return out;
  }
};

}  // namespace

TEST_F(MigratorObserverTest, PerMigrationLooksInsideEachTransactionBeforeCommit) {
  source.Add(1, "CREATE TABLE a (id int);");
  source.Add(2, "CREATE TABLE b (id int);");
  ASSERT_EQ(Up(), kExitOk) << err.str();
  std::vector<std::string> expected = {
      "observe before 1", "begin", "up 1", "observe commit 1 in transaction", "commit",
      "observe after 1",  "observe before 2", "begin", "up 2",
      "observe commit 2 in transaction", "commit", "observe after 2"};
  EXPECT_EQ(Trace(), expected);
  EXPECT_EQ(driver.history.size(), 2u);
  EXPECT_GE(observer.last_seconds, 0);
}

TEST_F(MigratorObserverTest, WithoutAnObserverTheMigrationIsOneRoundTrip) {
  options.observer = nullptr;
  source.Add(1, "CREATE TABLE a (id int);");
  ASSERT_EQ(Up(), kExitOk);
  EXPECT_EQ(Trace(), std::vector<std::string>{"up 1"});
}

TEST_F(MigratorObserverTest, TransactionFalseMigrationHasNoBeforeCommit) {
  source.Add(1, "CREATE INDEX CONCURRENTLY i ON t (c);", "", false);
  ASSERT_EQ(Up(), kExitOk) << err.str();
  std::vector<std::string> expected = {"observe before 1", "start 1",
                                       "stmt CREATE INDEX CONCURRENTLY i ON t (c);", "finish 1",
                                       "observe after 1"};
  EXPECT_EQ(Trace(), expected);
}

TEST_F(MigratorObserverTest, FailureIsReportedOnceAndLaterMigrationsAreNotStarted) {
  source.Add(1, "CREATE TABLE a (id int);");
  source.Add(2, "ALTER TABLE a ADD COLUMN x int NOT NULL;");
  source.Add(3, "CREATE TABLE c (id int);");
  driver.fail_sql["NOT NULL"] = {"23502"};
  EXPECT_EQ(Up(), kExitFailed);
  std::vector<std::string> trace = Trace();
  EXPECT_EQ(std::count(trace.begin(), trace.end(), "observe failure 2 23502"), 1);
  EXPECT_EQ(std::find(trace.begin(), trace.end(), "observe before 3"), trace.end());
  EXPECT_EQ(std::find(trace.begin(), trace.end(), "observe after 2"), trace.end());
  // The open transaction was rolled back, not left open.
  EXPECT_FALSE(driver.in_transaction);
  EXPECT_EQ(driver.history.count(2), 0u);
  EXPECT_EQ(driver.history.count(1), 1u);
}

TEST_F(MigratorObserverTest, LockTimeoutRetryRollsBackAndTriesAgainWithoutAFailure) {
  source.Add(1, "ALTER TABLE busy ADD COLUMN x int;");
  driver.fail_sql["busy"] = {"55P03", 1};
  ASSERT_EQ(Up(), kExitOk) << err.str();
  std::vector<std::string> expected = {"observe before 1", "begin", "error 55P03 busy",
                                       "rollback", "begin", "up 1",
                                       "observe commit 1 in transaction", "commit",
                                       "observe after 1"};
  EXPECT_EQ(Trace(), expected);
}

TEST_F(MigratorObserverTest, TransactionAllObservesEachInsideTheBatchThenAfterCommit) {
  options.settings.transaction = ReleaseSettings::TransactionMode::kAll;
  source.Add(1, "CREATE TABLE a (id int);");
  source.Add(2, "CREATE TABLE b (id int);");
  ASSERT_EQ(Up(), kExitOk) << err.str();
  std::vector<std::string> expected = {
      "begin", "observe before 1", "up 1", "observe commit 1 in transaction",
      "observe before 2", "up 2", "observe commit 2 in transaction", "commit",
      "observe after 1", "observe after 2"};
  EXPECT_EQ(Trace(), expected);
}

TEST_F(MigratorObserverTest, TransactionAllFailureNamesTheFailingMigrationOnly) {
  options.settings.transaction = ReleaseSettings::TransactionMode::kAll;
  source.Add(1, "CREATE TABLE a (id int);");
  source.Add(2, "CREATE UNIQUE INDEX ON dup (x);");
  driver.fail_sql["dup"] = {"23505"};
  EXPECT_EQ(Up(), kExitFailed);
  std::vector<std::string> trace = Trace();
  EXPECT_NE(std::find(trace.begin(), trace.end(), "observe failure 2 23505"), trace.end());
  EXPECT_EQ(std::find(trace.begin(), trace.end(), "observe failure 1 23505"), trace.end());
  EXPECT_EQ(std::find(trace.begin(), trace.end(), "observe after 1"), trace.end());
  EXPECT_TRUE(driver.history.empty());
}
