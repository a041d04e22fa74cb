// The Migrator's report of a connection lost with a COMMIT in flight
// (migrator_lost_commit.cc), of a second history table and of a renamed
// applied migration, against the in-memory driver. The same on a real
// server: postgres/runner_safety_pg_test.cc.

#include <gtest/gtest.h>
#include <sstream>

#include "base/exit_codes.h"
#include "migrate/migrator.h"
#include "testing/migrator_fixture.h"
#include "testing/test_util.h"

namespace {

struct LostCommitTest : public MigratorFixture {
  LostCommitTest() {
    options.settings.table = "slugwright_migrations";
    source.Add(1, "CREATE TABLE one (id int);", "DROP TABLE one;");
    source.Add(2, "CREATE TABLE two (id int); LOSE", "DROP TABLE two;");
  }
  std::string All() const { return out.str() + err.str(); }
};

}  // namespace

TEST_F(LostCommitTest, CommittedBeforeTheConnectionWentIsReportedAppliedAndCounted) {
  driver.fail_sql["LOSE"] = {"08006", 1, /*lost=*/true, /*committed=*/true};
  EXPECT_EQ(Up(), kExitFailed);
  ASSERT_EQ(events.failures.size(), 1u);
  const RecordingRunObserver::Failure& failure = events.failures[0];
  EXPECT_EQ(failure.failed, 2);
  EXPECT_EQ(failure.lost_commit, HistoryStore::LostOutcome::kApplied);
  EXPECT_EQ(failure.lost_commit_versions, std::vector<int64_t>{2});
  EXPECT_TRUE(driver.Logged("check 2"));
  // Both are applied, so both are what `down 2` would revert.
  EXPECT_EQ(failure.committed, (std::vector<int64_t>{1, 2}));
}

TEST_F(LostCommitTest, RolledBackIsReportedFromTheHistoryNotGuessed) {
  driver.fail_sql["LOSE"] = {"08006", 1, /*lost=*/true};
  EXPECT_EQ(Up(), kExitFailed);
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].lost_commit, HistoryStore::LostOutcome::kRolledBack);
  EXPECT_EQ(events.failures[0].committed, std::vector<int64_t>{1});  // what `down 1` reverts
}

TEST_F(LostCommitTest, UnreachableAfterwardsSuggestsNoRevert) {
  driver.fail_sql["LOSE"] = {"08006", 1, /*lost=*/true, /*committed=*/true};
  driver.new_session_unreachable = true;
  EXPECT_EQ(Up(), kExitFailed);
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].lost_commit, HistoryStore::LostOutcome::kUnknown);
  // The words for kUnknown advise checking status, never `migrate down`.
  EXPECT_FALSE(Contains(All(), "migrate down")) << All();
}

TEST_F(LostCommitTest, TransactionAllLostAtCommitIsResolvedForTheBatch) {
  options.settings.transaction = ReleaseSettings::TransactionMode::kAll;
  source.migrations[1].up_sql = "CREATE TABLE two (id int);";
  // The fake's Commit() runs no SQL: lose the connection there explicitly.
  struct LosingCommit : FakeDatabaseDriver {
    void Commit() override { throw DatabaseError("lost at COMMIT", "08006", true); }
  } losing;
  Migrator m(&source, &losing, &runner, &redactor, &clock, nullptr, options);
  EXPECT_EQ(m.Up(false), kExitFailed);
  ASSERT_EQ(events.failures.size(), 1u);
  const RecordingRunObserver::Failure& failure = events.failures[0];
  EXPECT_EQ(failure.failed, 0);  // COMMIT failed, not a migration
  EXPECT_EQ(failure.lost_commit, HistoryStore::LostOutcome::kRolledBack);
  EXPECT_EQ(failure.lost_commit_versions, (std::vector<int64_t>{1, 2}));  // the whole batch
  EXPECT_TRUE(failure.committed.empty());
}

TEST_F(LostCommitTest, ASecondHistoryTableIsWarnedAboutBeforeApplying) {
  source.migrations[1].up_sql = "CREATE TABLE two (id int);";
  driver.other_history_tables = {"public.other_runner"};
  EXPECT_EQ(Up(), kExitOk);
  ASSERT_EQ(events.run_starts.size(), 1u);
  EXPECT_EQ(events.run_starts[0].other_history_tables,
            std::vector<std::string>{"public.other_runner"});
  EXPECT_EQ(events.run_starts[0].table, "slugwright_migrations");
}

TEST_F(LostCommitTest, ARenamedAppliedMigrationIsRefusedWithExit4BeforeAnyDdl) {
  source.migrations[1].up_sql = "CREATE TABLE two (id int);";
  ASSERT_EQ(Up(), kExitOk);
  Migration renamed = source.migrations[1];
  renamed.version = 3;
  renamed.name = "two_renamed";
  renamed.up_path = "migrations/3_two_renamed.sql";
  source.migrations.pop_back();
  source.migrations.push_back(renamed);
  driver.log.clear();
  try {
    Up();
    ADD_FAILURE() << "a renamed migration was applied again";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitIntegrity);
    EXPECT_TRUE(Contains(e.what(), "migrations/3_two_renamed.sql")) << e.what();
    EXPECT_TRUE(Contains(e.what(), "applied migration 2_m2")) << e.what();
    EXPECT_TRUE(Contains(e.what(), "--renamed 2:3")) << e.what();
  }
  EXPECT_FALSE(driver.Logged("up 3"));

  RepairOptions repair;
  repair.renamed = {"2:3"};
  Migrator m(&source, &driver, &runner, &redactor, &clock, nullptr, options);
  EXPECT_EQ(m.Repair(repair), kExitOk);
  EXPECT_TRUE(driver.Logged("repair-rename 2 3"));
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_FALSE(driver.Logged("up 3"));
}
