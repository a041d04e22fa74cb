// The risk rules of rehearsal_report.h: which facts each rule flags. Their
// wording is tested with the report's (cli/output/rehearsal_report_output_test.cc).
#include "rehearse/rehearsal_report.h"

#include <gtest/gtest.h>

#include "testing/rehearsal_fixtures.h"

namespace {

using Status = MigrationRehearsal::Status;
using namespace rehearsal_fixtures;

}  // namespace

TEST(RehearsalReport, LockModesReadAsTheDocumentationWritesThem) {
  EXPECT_EQ(LockModeName("AccessExclusiveLock"), "ACCESS EXCLUSIVE");
  EXPECT_EQ(LockModeName("ShareRowExclusiveLock"), "SHARE ROW EXCLUSIVE");
  EXPECT_EQ(LockModeName("ShareLock"), "SHARE");
  EXPECT_EQ(LockModeBlocks("AccessExclusiveLock"), "reads and writes");
  EXPECT_EQ(LockModeBlocks("ExclusiveLock"), "writes");
  EXPECT_EQ(LockModeBlocks("ShareRowExclusiveLock"), "writes");
  EXPECT_EQ(LockModeBlocks("ShareLock"), "writes");
  EXPECT_EQ(LockModeBlocks("ShareUpdateExclusiveLock"), "");
  EXPECT_EQ(LockModeBlocks("RowExclusiveLock"), "");
  EXPECT_EQ(LockModeBlocks("AccessShareLock"), "");
}

TEST(RehearsalReport, NonConcurrentIndexBuildsAreRecognised) {
  EXPECT_TRUE(HasNonConcurrentIndexBuild({"CREATE INDEX i ON t (c);"}));
  EXPECT_TRUE(HasNonConcurrentIndexBuild({"create unique index i on t (c)"}));
  EXPECT_TRUE(HasNonConcurrentIndexBuild({"SELECT 1;", "  CREATE\nINDEX ON t (c);"}));
  EXPECT_FALSE(HasNonConcurrentIndexBuild({"CREATE INDEX CONCURRENTLY i ON t (c);"}));
  EXPECT_FALSE(HasNonConcurrentIndexBuild({"CREATE UNIQUE INDEX concurrently i ON t (c);"}));
  EXPECT_FALSE(HasNonConcurrentIndexBuild({"DROP INDEX CONCURRENTLY i;"}));
  EXPECT_FALSE(HasNonConcurrentIndexBuild({"CREATE TABLE index_log (id int);"}));
  EXPECT_FALSE(HasNonConcurrentIndexBuild({}));
}

TEST(RehearsalReport, AccessExclusiveLongerThanLockTimeoutIsFlagged) {
  RiskSettings settings;
  settings.lock_timeout_seconds = 5;
  MigrationRehearsal slow = TypeChange(10, 7.5);
  EvaluateRisks(settings, &slow);
  ASSERT_TRUE(HasRisk(slow, "access_exclusive_over_lock_timeout"));
  EXPECT_EQ(slow.risks[0].relation, "public.orders");
  EXPECT_DOUBLE_EQ(slow.risks[0].held_seconds, 7.5);
  EXPECT_DOUBLE_EQ(slow.risks[0].lock_timeout_seconds, 5);

  MigrationRehearsal quick = TypeChange(10, 4.9);
  EvaluateRisks(settings, &quick);
  EXPECT_FALSE(HasRisk(quick, "access_exclusive_over_lock_timeout"));

  settings.lock_timeout_seconds = 0;  // none: the rule is off
  EvaluateRisks(settings, &slow);
  EXPECT_FALSE(HasRisk(slow, "access_exclusive_over_lock_timeout"));

  // A lock on a relation the migration created blocks nobody.
  settings.lock_timeout_seconds = 5;
  MigrationRehearsal created = Applied(4, "create_big", 9);
  created.locks = {{"public.big", 'r', "AccessExclusiveLock", true}};
  EvaluateRisks(settings, &created);
  EXPECT_TRUE(created.risks.empty());

  // Not applied: nothing to flag.
  MigrationRehearsal failed = TypeChange(10, 9);
  failed.status = Status::kFailed;
  EvaluateRisks(settings, &failed);
  EXPECT_TRUE(failed.risks.empty());
}

TEST(RehearsalReport, RewriteOfALargeTableIsFlagged) {
  RiskSettings settings;
  MigrationRehearsal big = TypeChange(300000, 0.4);
  EvaluateRisks(settings, &big);
  ASSERT_TRUE(HasRisk(big, "large_rewrite"));
  EXPECT_FALSE(HasRisk(big, "access_exclusive_over_lock_timeout"));
  EXPECT_EQ(big.risks[0].table.rows, 300000);
  EXPECT_EQ(big.risks[0].table.bytes, 22020096);
  EXPECT_EQ(big.risks[0].mode, "AccessExclusiveLock");
  // The rebuilt indexes of the rewritten table are not flagged as builds.
  EXPECT_FALSE(HasRisk(big, "blocking_index_build"));

  MigrationRehearsal small = TypeChange(5000, 0.01);
  small.tables[0].bytes = 1 << 20;
  small.rewrites[0].bytes = 1 << 20;
  EvaluateRisks(settings, &small);
  EXPECT_FALSE(HasRisk(small, "large_rewrite"));

  // Large by size alone, rows unknown.
  MigrationRehearsal wide = TypeChange(-1, 1);
  wide.tables[0].bytes = int64_t{200} << 20;
  EvaluateRisks(settings, &wide);
  EXPECT_TRUE(HasRisk(wide, "large_rewrite"));

  // A rewritten index alone is not a table rewrite.
  MigrationRehearsal reindex = Applied(5, "reindex", 1);
  reindex.rewrites = {{"public.orders_pkey", 'i', "public.orders", 1 << 30}};
  reindex.tables = {{"public.orders", 10000000, false, int64_t{5} << 30}};
  EvaluateRisks(settings, &reindex);
  EXPECT_FALSE(HasRisk(reindex, "large_rewrite"));
}

TEST(RehearsalReport, TheRewriteRateComesFromTheMigrationThatRewroteTheMost) {
  MigrationRehearsal small = TypeChange(300000, 0.5);
  small.rewrites[0].bytes = 8 << 20;
  MigrationRehearsal big = TypeChange(300000, 0.25);
  big.name = "widen_total";
  big.rewrites[0].relation = "public.ledger";
  big.rewrites[0].bytes_before = 20 << 20;  // before the rewrite, preferred
  big.rewrites.push_back({"public.notes", 'r', "", 1 << 20});
  std::optional<MeasuredRewriteRate> rate = MeasureRewriteRate({small, big});
  ASSERT_TRUE(rate.has_value());
  EXPECT_EQ("2_widen_total", rate->migration);
  EXPECT_EQ("public.ledger", rate->relation);
  // Table bytes only: the rewritten index of TypeChange does not count.
  EXPECT_EQ(21 << 20, rate->bytes);
  EXPECT_DOUBLE_EQ(0.25, rate->seconds);
  EXPECT_DOUBLE_EQ(84.0 * (1 << 20), rate->BytesPerSecond());

  // None from a rewrite under 4 MiB, an index alone, a failed or unrun
  // migration, or no time.
  MigrationRehearsal tiny = TypeChange(10, 0.01);
  tiny.rewrites[0].bytes = 1 << 20;
  MigrationRehearsal index = Applied(5, "reindex", 1);
  index.rewrites = {{"public.orders_pkey", 'i', "public.orders", 1 << 30}};
  MigrationRehearsal failed = TypeChange(300000, 1);
  failed.status = MigrationRehearsal::Status::kFailed;
  MigrationRehearsal instant = TypeChange(300000, 0);
  EXPECT_FALSE(MeasureRewriteRate({tiny, index, failed, instant}).has_value());
  EXPECT_FALSE(MeasureRewriteRate({}).has_value());
}

TEST(RehearsalReport, NonConcurrentIndexBuildOnATableWithRowsIsFlagged) {
  RiskSettings settings;
  MigrationRehearsal build = IndexBuild(300000);
  EvaluateRisks(settings, &build);
  ASSERT_TRUE(HasRisk(build, "blocking_index_build"));
  EXPECT_EQ(build.risks[0].relation, "public.orders");
  EXPECT_EQ(build.risks[0].index, "public.orders_status_idx");
  EXPECT_EQ(build.risks[0].table.rows, 300000);

  MigrationRehearsal empty = IndexBuild(0);
  EvaluateRisks(settings, &empty);
  EXPECT_TRUE(empty.risks.empty());

  // CONCURRENTLY, in a transaction:false migration: not flagged.
  MigrationRehearsal concurrent = IndexBuild(300000);
  concurrent.in_transaction = false;
  concurrent.locks_sampled = false;
  concurrent.locks.clear();
  EvaluateRisks(settings, &concurrent);
  EXPECT_TRUE(concurrent.risks.empty());
  // ...unless one of its statements is a plain CREATE INDEX.
  concurrent.plain_create_index = true;
  EvaluateRisks(settings, &concurrent);
  EXPECT_TRUE(HasRisk(concurrent, "blocking_index_build"));

  // An index on a table created by the same migration.
  MigrationRehearsal fresh = Applied(6, "create_coupons", 0.01);
  fresh.created = {{"public.coupons", 'r', "", 8192},
                   {"public.coupons_pkey", 'i', "public.coupons", 8192}};
  EvaluateRisks(settings, &fresh);
  EXPECT_TRUE(fresh.risks.empty());
}
