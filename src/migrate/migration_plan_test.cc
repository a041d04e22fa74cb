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

namespace {

std::vector<int64_t> Versions(const std::vector<HistoryRow>& rows) {
  std::vector<int64_t> versions;
  for (const HistoryRow& r : rows) versions.push_back(r.version);
  return versions;
}

std::vector<int64_t> Versions(const std::vector<const Migration*>& files) {
  std::vector<int64_t> versions;
  for (const Migration* m : files) versions.push_back(m->version);
  return versions;
}

// Pending 3 (out of order) and 6; 2 changed; 5 and 9 have no file; 4 failed.
std::vector<HistoryRow> MixedHistory() {
  return {Row(1), Row(2, MigrationState::kApplied, "sha256:old"),
          Row(4, MigrationState::kFailed), Row(5), Row(8), Row(9, MigrationState::kApplied, "sha256:6")};
}

}  // namespace

TEST(MigrationPlan, MovingTheRowsInMakesTheSamePlanAsCopyingThem) {
  std::vector<Migration> files = {File(1), File(2), File(3), File(4), File(6), File(8)};
  const std::vector<HistoryRow> history = MixedHistory();
  MigrationPlan copied = MakePlan(files, history);
  MigrationPlan moved = MakePlan(files, std::vector<HistoryRow>(history));
  for (const MigrationPlan* plan : {&copied, &moved}) {
    EXPECT_EQ(Versions(plan->pending), (std::vector<int64_t>{3, 6}));
    EXPECT_EQ(Versions(plan->out_of_order), (std::vector<int64_t>{3, 6}));
    EXPECT_EQ(Versions(plan->applied), (std::vector<int64_t>{1, 2, 5, 8, 9}));
    EXPECT_EQ(Versions(plan->future), (std::vector<int64_t>{5, 9}));
    EXPECT_EQ(Versions(plan->unfinished), (std::vector<int64_t>{4}));
    ASSERT_EQ(plan->checksum_mismatches.size(), 1u);
    EXPECT_EQ(plan->checksum_mismatches[0].row.checksum, "sha256:old");
    ASSERT_EQ(plan->renamed.size(), 1u);
    EXPECT_EQ(plan->renamed[0].row.version, 9);
    EXPECT_EQ(plan->renamed[0].file->version, 6);
    EXPECT_EQ(plan->newest_applied, 9);
    EXPECT_EQ(plan->applied[1].applied_at, "2024-01-01T00:00:00Z");
  }
}

TEST(MigrationPlan, HistoryOutOfVersionOrderIsMatchedAsWell) {
  std::vector<Migration> files = {File(1), File(2), File(3), File(4), File(6), File(8)};
  std::vector<HistoryRow> history = MixedHistory();
  std::swap(history[0], history[4]);  // 8, 2, 4, 5, 1, 9
  MigrationPlan plan = MakePlan(files, history);
  EXPECT_EQ(Versions(plan.pending), (std::vector<int64_t>{3, 6}));
  EXPECT_EQ(Versions(plan.applied), (std::vector<int64_t>{8, 2, 5, 1, 9}));
  EXPECT_EQ(Versions(plan.future), (std::vector<int64_t>{5, 9}));
  EXPECT_EQ(plan.checksum_mismatches.size(), 1u);
  // A repeated version: the last row of it is the one compared.
  history.push_back(Row(1, MigrationState::kApplied, "sha256:again"));
  plan = MakePlan(files, history);
  EXPECT_EQ(plan.checksum_mismatches.size(), 2u);
}

TEST(MigrationPlan, PendingFileIndicesAreThoseOfThePlansPendingFiles) {
  std::vector<Migration> files = {File(1), File(2), File(3), File(4), File(6), File(8)};
  EXPECT_EQ(PendingFileIndices(files, MixedHistory()), (std::vector<size_t>{2, 4}));
  EXPECT_EQ(PendingFileIndices(files, {}), (std::vector<size_t>{0, 1, 2, 3, 4, 5}));
}

TEST(MigrationPlan, AppliedAsRecordedOnlyWhenThePlanWouldHaveNothingToDoOrRefuse) {
  const std::vector<RecordedMigration> recorded = {{1, "sha256:a"}, {2, "sha256:b"}};
  auto rows = [](std::vector<HistoryChecksum> r) { return r; };
  EXPECT_TRUE(AppliedAsRecorded(recorded, rows({{1, "sha256:a", true}, {2, "sha256:b", true}})));
  EXPECT_TRUE(AppliedAsRecorded({}, {}));
  // Pending, ahead of the files, changed, unfinished, another version.
  EXPECT_FALSE(AppliedAsRecorded(recorded, rows({{1, "sha256:a", true}})));
  EXPECT_FALSE(AppliedAsRecorded(
      recorded, rows({{1, "sha256:a", true}, {2, "sha256:b", true}, {3, "sha256:c", true}})));
  EXPECT_FALSE(AppliedAsRecorded(recorded, rows({{1, "sha256:a", true}, {2, "sha256:x", true}})));
  EXPECT_FALSE(AppliedAsRecorded(recorded, rows({{1, "sha256:a", true}, {2, "sha256:b", false}})));
  EXPECT_FALSE(AppliedAsRecorded(recorded, rows({{1, "sha256:a", true}, {3, "sha256:b", true}})));
  // The same verdict as the plan of the files these records describe.
  std::vector<Migration> files = {File(1, "sha256:a"), File(2, "sha256:b")};
  MigrationPlan plan = MakePlan(files, {Row(1, MigrationState::kApplied, "sha256:a"),
                                        Row(2, MigrationState::kApplied, "sha256:b")});
  EXPECT_TRUE(plan.pending.empty() && plan.future.empty() && plan.unfinished.empty() &&
              plan.checksum_mismatches.empty());
  EXPECT_TRUE(IntegrityProblems(plan, false).empty());
}
