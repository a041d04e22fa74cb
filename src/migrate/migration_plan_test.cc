#include "migrate/migration_plan.h"

#include <gtest/gtest.h>

namespace {

Migration File(int64_t version, const std::string& checksum = "") {
  Migration m;
  m.version = version;
  m.name = "m" + std::to_string(version);
  m.up_path = "migrations/" + std::to_string(version) + "_" + m.name + ".sql";
  m.checksum = checksum.empty() ? "sha256:" + std::to_string(version) : checksum;
  return m;
}

HistoryRow Row(int64_t version, MigrationState state = MigrationState::kApplied,
               const std::string& checksum = "") {
  HistoryRow r;
  r.version = version;
  r.name = "m" + std::to_string(version);
  r.checksum = checksum.empty() ? "sha256:" + std::to_string(version) : checksum;
  r.state = state;
  r.applied_at = "2024-01-01T00:00:00Z";
  return r;
}

}  // namespace

TEST(MigrationPlan, EverythingPendingOnAnEmptyDatabase) {
  std::vector<Migration> files = {File(1), File(2), File(3)};
  MigrationPlan plan = MakePlan(files, {});
  ASSERT_EQ(plan.pending.size(), 3u);
  EXPECT_EQ(plan.pending[0]->version, 1);
  EXPECT_TRUE(plan.out_of_order.empty());
  EXPECT_TRUE(IntegrityProblems(plan, false).empty());
  EXPECT_EQ(FutureWarning(plan), "");
}

TEST(MigrationPlan, NothingPendingWhenAllApplied) {
  std::vector<Migration> files = {File(1), File(2)};
  MigrationPlan plan = MakePlan(files, {Row(1), Row(2)});
  EXPECT_TRUE(plan.pending.empty());
  EXPECT_EQ(plan.applied.size(), 2u);
  EXPECT_EQ(plan.newest_applied, 2);
  EXPECT_TRUE(IntegrityProblems(plan, false).empty());
}

TEST(MigrationPlan, ChangedAppliedFileIsRefusedNamingFileAndBothChecksums) {
  std::vector<Migration> files = {File(1, "sha256:new"), File(2)};
  MigrationPlan plan = MakePlan(files, {Row(1, MigrationState::kApplied, "sha256:old")});
  ASSERT_EQ(plan.checksum_mismatches.size(), 1u);
  std::vector<std::string> problems = IntegrityProblems(plan, true);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("migrations/1_m1.sql"), std::string::npos);
  EXPECT_NE(problems[0].find("sha256:new"), std::string::npos);
  EXPECT_NE(problems[0].find("sha256:old"), std::string::npos);
}

TEST(MigrationPlan, OutOfOrderPendingIsRefusedUnlessAllowed) {
  std::vector<Migration> files = {File(1), File(2), File(3)};
  MigrationPlan plan = MakePlan(files, {Row(1), Row(3)});
  ASSERT_EQ(plan.pending.size(), 1u);
  ASSERT_EQ(plan.out_of_order.size(), 1u);
  EXPECT_EQ(plan.out_of_order[0]->version, 2);
  std::vector<std::string> problems = IntegrityProblems(plan, false);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("migrations/2_m2.sql"), std::string::npos);
  EXPECT_NE(problems[0].find("--allow-out-of-order"), std::string::npos);
  EXPECT_TRUE(IntegrityProblems(plan, true).empty());
}

TEST(MigrationPlan, AppliedWithoutFileIsAFutureWarningNotAProblem) {
  std::vector<Migration> files = {File(1)};
  MigrationPlan plan = MakePlan(files, {Row(1), Row(2), Row(3)});
  EXPECT_EQ(plan.future.size(), 2u);
  EXPECT_TRUE(plan.pending.empty());
  EXPECT_TRUE(IntegrityProblems(plan, false).empty());
  std::string warning = FutureWarning(plan);
  EXPECT_NE(warning.find("2_m2"), std::string::npos);
  EXPECT_NE(warning.find("heroku rollback"), std::string::npos);
}

TEST(MigrationPlan, UnfinishedNonTransactionalMigrationIsRefusedWithRecovery) {
  std::vector<Migration> files = {File(1), File(2)};
  HistoryRow started = Row(2, MigrationState::kStarted);
  started.in_transaction = false;
  started.statements_total = 3;
  started.statements_done = 1;
  MigrationPlan plan = MakePlan(files, {Row(1), started});
  EXPECT_TRUE(plan.pending.empty());
  ASSERT_EQ(plan.unfinished.size(), 1u);
  std::vector<std::string> problems = IntegrityProblems(plan, true);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("statement 2 of 3"), std::string::npos) << problems[0];
  EXPECT_NE(problems[0].find("slugwright migrate repair"), std::string::npos);
  EXPECT_NE(problems[0].find("Statements 1-1"), std::string::npos);
}

TEST(MigrationPlan, FailedRowSaysItFailedWithTheError) {
  HistoryRow failed = Row(5, MigrationState::kFailed);
  failed.statements_total = 2;
  failed.statements_done = 1;
  failed.error = "deadlock detected";
  std::string text = DescribeUnfinished(failed);
  EXPECT_NE(text.find("failed at statement 2 of 2"), std::string::npos) << text;
  EXPECT_NE(text.find("deadlock detected"), std::string::npos);
  EXPECT_NE(text.find("--mark-applied 5"), std::string::npos);
}

TEST(MigrationPlan, ScalesToThousandsOfMigrations) {
  std::vector<Migration> files;
  std::vector<HistoryRow> rows;
  for (int v = 1; v <= 5000; ++v) {
    files.push_back(File(v));
    rows.push_back(Row(v));
  }
  MigrationPlan plan = MakePlan(files, rows);
  EXPECT_TRUE(plan.pending.empty());
  EXPECT_EQ(plan.applied.size(), 5000u);
}

TEST(IsTransactionControl, RecognisesStatementsThatEndATransaction) {
  EXPECT_TRUE(IsTransactionControl("BEGIN;"));
  EXPECT_TRUE(IsTransactionControl("begin transaction isolation level serializable;"));
  EXPECT_TRUE(IsTransactionControl("COMMIT"));
  EXPECT_TRUE(IsTransactionControl("end;"));
  EXPECT_TRUE(IsTransactionControl("ROLLBACK;"));
  EXPECT_TRUE(IsTransactionControl("START TRANSACTION;"));
  EXPECT_FALSE(IsTransactionControl("ROLLBACK TO SAVEPOINT a;"));
  EXPECT_FALSE(IsTransactionControl("SAVEPOINT a;"));
  EXPECT_FALSE(IsTransactionControl("CREATE TABLE begin_end (x int);"));
  EXPECT_FALSE(IsTransactionControl("START_TIME;"));
  EXPECT_FALSE(IsTransactionControl("UPDATE t SET x = 1;"));
}
