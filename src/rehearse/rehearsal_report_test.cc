#include "rehearse/rehearsal_report.h"
#include "base/duration.h"
#include "base/text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

using Status = MigrationRehearsal::Status;

MigrationRehearsal Applied(int64_t version, const std::string& name, double seconds) {
  MigrationRehearsal m;
  m.version = version;
  m.name = name;
  m.file = "migrations/" + std::to_string(version) + "_" + name + ".sql";
  m.status = Status::kApplied;
  m.seconds = seconds;
  m.locks_sampled = true;
  return m;
}

/// ALTER COLUMN TYPE on a table of `rows` rows: ACCESS EXCLUSIVE, a rewrite
/// of the table and its primary key.
MigrationRehearsal TypeChange(int64_t rows, double seconds) {
  MigrationRehearsal m = Applied(2, "widen_amount", seconds);
  m.locks = {{"public.orders", 'r', "AccessExclusiveLock", false},
             {"public.orders", 'r', "ShareLock", false},
             {"public.orders_pkey", 'i', "AccessExclusiveLock", false}};
  m.rewrites = {{"public.orders", 'r', "", 22020096},
                {"public.orders_pkey", 'i', "public.orders", 6 << 20}};
  m.tables = {{"public.orders", rows, true, 22020096}};
  return m;
}

/// CREATE INDEX on an existing table.
MigrationRehearsal IndexBuild(int64_t rows) {
  MigrationRehearsal m = Applied(3, "index_status", 0.3);
  m.locks = {{"public.orders", 'r', "ShareLock", false},
             {"public.orders_status_idx", 'i', "AccessExclusiveLock", true}};
  m.created = {{"public.orders_status_idx", 'i', "public.orders", 2 << 20}};
  m.tables = {{"public.orders", rows, true, 22020096}};
  return m;
}

bool HasRisk(const MigrationRehearsal& m, const std::string& kind) {
  for (const Risk& r : m.risks)
    if (r.kind == kind) return true;
  return false;
}

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
  EXPECT_NE(slow.risks[0].message.find("7.5s"), std::string::npos) << slow.risks[0].message;
  EXPECT_NE(slow.risks[0].message.find("lock_timeout (5.0s)"), std::string::npos);

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
  EXPECT_NE(big.risks[0].message.find("300,000 rows, 21 MB"), std::string::npos)
      << big.risks[0].message;
  EXPECT_NE(big.risks[0].message.find("ACCESS EXCLUSIVE"), std::string::npos);
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

TEST(RehearsalReport, NonConcurrentIndexBuildOnATableWithRowsIsFlagged) {
  RiskSettings settings;
  MigrationRehearsal build = IndexBuild(300000);
  EvaluateRisks(settings, &build);
  ASSERT_TRUE(HasRisk(build, "blocking_index_build"));
  EXPECT_NE(build.risks[0].message.find("CREATE INDEX CONCURRENTLY"), std::string::npos);

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

TEST(RehearsalReport, DescribeShowsEachRelationUnderItsStrongestMode) {
  std::string text = DescribeMigration(TypeChange(300000, 0.4));
  EXPECT_EQ(text,
            "ACCESS EXCLUSIVE on public.orders (+1 index); rewrote public.orders 21 MB "
            "(+1 index 6.0 MB); public.orders: 300,000 rows");
  text = DescribeMigration(IndexBuild(300000));
  EXPECT_EQ(text,
            "SHARE on public.orders; new index public.orders_status_idx 2.0 MB; "
            "public.orders: 300,000 rows");
}

TEST(RehearsalReport, DescribeOtherOutcomes) {
  MigrationRehearsal plain = Applied(1, "create_coupons", 0.01);
  plain.created = {{"public.coupons", 'r', "", 8192},
                   {"public.coupons_pkey", 'i', "public.coupons", 8192},
                   {"public.coupons_code_key", 'i', "public.coupons", 8192}};
  EXPECT_EQ(DescribeMigration(plain), "no blocking locks; new table public.coupons (+2 indexes)");
  plain.in_batch = true;  // transaction: all: earlier locks are the batch's
  EXPECT_EQ(DescribeMigration(plain).rfind("no new blocking locks;", 0), 0u);

  MigrationRehearsal nontx = Applied(2, "concurrently", 1);
  nontx.in_transaction = false;
  nontx.locks_sampled = false;
  EXPECT_EQ(DescribeMigration(nontx).rfind("transaction:false: locks not sampled", 0), 0u);

  MigrationRehearsal failed = Applied(3, "add_not_null", 0.01);
  failed.status = Status::kFailed;
  failed.error = "column \"x\" of relation \"orders\" contains null values\nmore";
  failed.sqlstate = "23502";
  EXPECT_EQ(DescribeMigration(failed),
            "FAILED: column \"x\" of relation \"orders\" contains null values (SQLSTATE 23502)");

  MigrationRehearsal later;
  later.version = 4;
  later.name = "later";
  EXPECT_EQ(DescribeMigration(later), "not run (the run stopped before it)");

  MigrationRehearsal many = Applied(5, "touch_many", 1);
  for (int i = 0; i < 5; ++i)
    many.tables.push_back({"public.t" + std::to_string(i), 10 + i, i < 4, 8192});
  std::string text = DescribeMigration(many);
  EXPECT_NE(text.find("public.t2: 12 rows (+2 more)"), std::string::npos) << text;
  EXPECT_EQ(text.find("public.t3"), std::string::npos) << text;
}

TEST(RehearsalReport, TextReportFlagsRiskyLinesAndSummarises) {
  RehearsalReport report;
  report.copy.source = "app@db.example.com:5432/d1";
  report.release_seconds = 1.1;
  report.migrations = {TypeChange(300000, 0.4), IndexBuild(300000),
                       Applied(4, "create_coupons", 0.01)};
  for (MigrationRehearsal& m : report.migrations) EvaluateRisks(RiskSettings(), &m);
  std::vector<ReportLine> lines = FormatReport(report);
  ASSERT_GE(lines.size(), 6u);
  EXPECT_EQ(lines[0].kind, ReportLine::Kind::kStep);
  EXPECT_EQ(lines[0].text, "Rehearsal report: 3 pending migrations on a copy of "
                           "app@db.example.com:5432/d1");
  EXPECT_EQ(lines[1].text.rfind("2_widen_amount  400ms  ACCESS EXCLUSIVE", 0), 0u)
      << lines[1].text;
  EXPECT_NE(lines[1].text.find("[RISK]"), std::string::npos);
  EXPECT_NE(lines[2].text.find("[RISK]"), std::string::npos);
  EXPECT_EQ(lines[3].text.find("[RISK]"), std::string::npos);
  int warnings = 0;
  for (const ReportLine& l : lines)
    if (l.kind == ReportLine::Kind::kWarning) ++warnings;
  EXPECT_EQ(warnings, 2);
  EXPECT_EQ(lines.back().kind, ReportLine::Kind::kStep);
  EXPECT_EQ(lines.back().text,
            "Rehearsal passed: all 3 pending migrations applied on the copy; the release "
            "phase took 1.1s on the copy (migrations 710ms); 2 migrations flagged");
}

TEST(RehearsalReport, TextReportNamesTheFailedMigration) {
  RehearsalReport report;
  report.copy.source = "latest.dump";
  report.copy.schema_only = true;
  report.exit_code = 1;
  MigrationRehearsal failed = Applied(2, "add_not_null", 0.01);
  failed.status = Status::kFailed;
  failed.error = "column \"x\" contains null values";
  failed.sqlstate = "23502";
  MigrationRehearsal later;
  later.version = 3;
  later.name = "later";
  report.migrations = {Applied(1, "first", 0.01), failed, later};
  std::vector<ReportLine> lines = FormatReport(report);
  EXPECT_NE(lines[1].text.find("Schema only"), std::string::npos);
  bool error = false;
  for (const ReportLine& l : lines)
    if (l.kind == ReportLine::Kind::kError &&
        l.text == "2_add_not_null would fail on this data: column \"x\" contains null values "
                  "(SQLSTATE 23502)")
      error = true;
  EXPECT_TRUE(error);
  EXPECT_EQ(lines.back().text, "Rehearsal failed: 2_add_not_null failed on the copy, 1 of 3 "
                               "applied before it");
}

TEST(RehearsalReport, InterruptedRehearsalGivesNoVerdict) {
  RehearsalReport report;
  report.copy.source = "app@db:5432/d1";
  report.exit_code = 143;
  report.interrupted = true;
  MigrationRehearsal cancelled = Applied(2, "widen_amount", 0.5);
  cancelled.status = Status::kFailed;
  cancelled.error = "canceling statement due to user request";
  cancelled.sqlstate = "57014";
  report.migrations = {Applied(1, "first", 0.01), cancelled};
  std::vector<ReportLine> lines = FormatReport(report);
  for (const ReportLine& l : lines) EXPECT_EQ(l.text.find("would fail"), std::string::npos);
  EXPECT_EQ(lines.back().text, "Rehearsal interrupted during 2_widen_amount: 1 of 2 applied on "
                               "the copy; nothing is known of the rest");
  EXPECT_EQ(ReportJson(report)["interrupted"], true);
}

TEST(RehearsalReport, JsonCarriesEveryMeasurement) {
  RehearsalReport report;
  report.copy.source = "app@db:5432/d1";
  report.copy.target = "into";
  report.copy.copy = "app@scratch:5432/slugwright_rehearsal_x";
  report.copy.kept = true;
  report.copy.tables = 4;
  report.release_seconds = 2;
  report.exit_code = 1;
  MigrationRehearsal failed = Applied(3, "add_not_null", 0.25);
  failed.status = Status::kFailed;
  failed.error = "boom";
  failed.sqlstate = "23502";
  MigrationRehearsal later;
  later.version = 4;
  later.name = "later";
  report.migrations = {TypeChange(300000, 1.5), failed, later};
  for (MigrationRehearsal& m : report.migrations) EvaluateRisks(RiskSettings(), &m);
  nlohmann::json j = ReportJson(report);
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["source"]["database"], "app@db:5432/d1");
  EXPECT_EQ(j["copy"]["target"], "into");
  EXPECT_EQ(j["copy"]["kept"], true);
  ASSERT_EQ(j["migrations"].size(), 3u);
  const nlohmann::json& first = j["migrations"][0];
  EXPECT_EQ(first["status"], "applied");
  EXPECT_EQ(first["seconds"], 1.5);
  EXPECT_EQ(first["locks"][0]["mode"], "ACCESS EXCLUSIVE");
  EXPECT_EQ(first["locks"][0]["blocks"], "reads and writes");
  EXPECT_EQ(first["rewrites"][0]["relation"], "public.orders");
  EXPECT_EQ(first["rewrites"][0]["bytes"], 22020096);
  EXPECT_EQ(first["rewrites"][1]["table"], "public.orders");
  EXPECT_EQ(first["tables"][0]["rows"], 300000);
  EXPECT_EQ(first["risks"][0]["kind"], "large_rewrite");
  EXPECT_TRUE(first["error"].is_null());
  EXPECT_EQ(j["migrations"][1]["status"], "failed");
  EXPECT_EQ(j["migrations"][1]["error"]["sqlstate"], "23502");
  EXPECT_EQ(j["migrations"][2]["status"], "not_run");
  EXPECT_TRUE(j["migrations"][2]["seconds"].is_null());
  EXPECT_EQ(j["summary"]["pending"], 3);
  EXPECT_EQ(j["summary"]["applied"], 1);
  EXPECT_EQ(j["summary"]["failed"], 1);
  EXPECT_EQ(j["summary"]["not_run"], 1);
  EXPECT_EQ(j["summary"]["flagged"], 1);
  EXPECT_EQ(j["summary"]["failed_migration"], "3_add_not_null");
  EXPECT_DOUBLE_EQ(j["summary"]["migration_seconds"].get<double>(), 1.75);
  EXPECT_EQ(j["summary"]["release_phase_seconds"], 2.0);
}

TEST(RehearsalReport, TheCopysPhasesAreReportedApartFromTheReleasePhase) {
  RehearsalReport report;
  report.copy.source = "app@db:5432/d1";
  report.copy.dump_seconds = 1.5;
  report.copy.restore_seconds = 2.25;
  report.copy.analyze_seconds = 0.25;
  report.release_seconds = 0.5;
  bool found = false;
  for (const ReportLine& line : FormatReport(report))
    if (line.text == "The copy took " + FormatDuration(4) + ": dump " + FormatDuration(1.5) +
                         ", restore " + FormatDuration(2.25) + ", ANALYZE " +
                         FormatDuration(0.25))
      found = true;
  EXPECT_TRUE(found);
  nlohmann::json j = ReportJson(report);
  EXPECT_EQ(j["copy"]["dump_seconds"], 1.5);
  EXPECT_EQ(j["copy"]["restore_seconds"], 2.25);
  EXPECT_EQ(j["copy"]["analyze_seconds"], 0.25);
  EXPECT_EQ(j["summary"]["release_phase_seconds"], 0.5);
}
