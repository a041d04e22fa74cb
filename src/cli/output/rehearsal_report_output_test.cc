// The wording of rehearse's report (rehearsal_report_output.h): the text
// lines and the JSON document, from facts the tests set.
#include "cli/output/rehearsal_report_output.h"

#include <algorithm>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "base/text.h"
#include "cli/output/lint_output.h"
#include "rehearse/rehearsal_lint.h"
#include "testing/rehearsal_fixtures.h"

namespace {

using Status = MigrationRehearsal::Status;
using namespace rehearsal_fixtures;

}  // namespace

TEST(RehearsalReportOutput, EachRiskIsOneSentenceWithItsFacts) {
  RiskSettings settings;
  settings.lock_timeout_seconds = 5;
  MigrationRehearsal slow = TypeChange(10, 7.5);
  EvaluateRisks(settings, &slow);
  ASSERT_TRUE(HasRisk(slow, "access_exclusive_over_lock_timeout"));
  EXPECT_EQ(RiskText(slow.risks[0]),
            "held ACCESS EXCLUSIVE on public.orders for up to 7.5s, longer than lock_timeout "
            "(5.0s): every query on it, reads included, queues behind the migration, and "
            "sessions with that lock_timeout fail");

  MigrationRehearsal big = TypeChange(300000, 0.4);
  EvaluateRisks(RiskSettings(), &big);
  ASSERT_TRUE(HasRisk(big, "large_rewrite"));
  EXPECT_EQ(RiskText(big.risks[0]),
            "rewrote public.orders (300,000 rows, 21 MB) while holding ACCESS EXCLUSIVE: reads "
            "and writes of it wait for the whole rewrite (" + FormatDuration(0.4) +
                " on this copy), which grows with the table");

  MigrationRehearsal build = IndexBuild(300000);
  EvaluateRisks(RiskSettings(), &build);
  ASSERT_TRUE(HasRisk(build, "blocking_index_build"));
  EXPECT_NE(RiskText(build.risks[0]).find("built public.orders_status_idx on public.orders "
                                          "(300,000 rows, 21 MB) without CONCURRENTLY"),
            std::string::npos)
      << RiskText(build.risks[0]);
  EXPECT_NE(RiskText(build.risks[0]).find("use CREATE INDEX CONCURRENTLY"), std::string::npos);
}

TEST(RehearsalReportOutput, DescribeShowsEachRelationUnderItsStrongestMode) {
  std::string text = DescribeMigration(TypeChange(300000, 0.4));
  EXPECT_EQ(text,
            "ACCESS EXCLUSIVE on public.orders (+1 index); rewrote public.orders 21 MB "
            "(+1 index 6.0 MB); public.orders: 300,000 rows");
  text = DescribeMigration(IndexBuild(300000));
  EXPECT_EQ(text,
            "SHARE on public.orders; new index public.orders_status_idx 2.0 MB; "
            "public.orders: 300,000 rows");
}

TEST(RehearsalReportOutput, DescribeOtherOutcomes) {
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

TEST(RehearsalReportOutput, TextReportFlagsRiskyLinesAndSummarises) {
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

TEST(RehearsalReportOutput, TextReportNamesTheFailedMigration) {
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

TEST(RehearsalReportOutput, InterruptedRehearsalGivesNoVerdict) {
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

TEST(RehearsalReportOutput, JsonCarriesEveryMeasurement) {
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

TEST(RehearsalReportOutput, TheRewriteRateIsReportedForLintToEstimateWith) {
  RehearsalReport report;
  report.copy.source = "app@db:5432/d1";
  nlohmann::json none = ReportJson(report);
  ASSERT_TRUE(none.contains("rewrite_rate"));
  EXPECT_TRUE(none["rewrite_rate"].is_null());
  report.rewrite_rate = MeasuredRewriteRate{"2_widen_amount", "public.orders", 40 << 20, 0.5};
  nlohmann::json j = ReportJson(report);
  EXPECT_DOUBLE_EQ(80.0 * (1 << 20), j["rewrite_rate"]["bytes_per_second"].get<double>());
  EXPECT_EQ(40 << 20, j["rewrite_rate"]["bytes"]);
  EXPECT_EQ(0.5, j["rewrite_rate"]["seconds"]);
  EXPECT_EQ("public.orders", j["rewrite_rate"]["relation"]);
  EXPECT_EQ("2_widen_amount", j["rewrite_rate"]["migration"]);
  bool found = false;
  for (const ReportLine& line : FormatReport(report))
    if (line.text == "Rewrite rate on the copy: " + FormatBytes(80 << 20) +
                         "/s (2_widen_amount rewrote " + FormatBytes(40 << 20) +
                         " of tables, public.orders the largest, in " + FormatDuration(0.5) +
                         "); `slugwright migrate lint --rate-from` this run's --json report "
                         "estimates lock times with it")
      found = true;
  EXPECT_TRUE(found);
}

TEST(RehearsalReportOutput, TheCopysPhasesAreReportedApartFromTheReleasePhase) {
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

TEST(RehearsalReportOutput, LintTheReportShowsEachFindingAsMigrateLintPrintsIt) {
  RehearsalReport report;
  MigrationRehearsal a;
  a.version = 2;
  a.name = "widen";
  a.file = "m/2_widen.sql";
  a.status = MigrationRehearsal::Status::kApplied;
  MigrationRehearsal b = a;
  b.version = 3;
  b.name = "index";
  b.file = "m/3_index.sql";
  report.migrations = {a, b};
  RehearsalLint lint;
  lint.ran = true;
  lint.postgres_version = 11;
  lint.findings = {{"m/3_index.sql", 2, 3, "create-index-locks-writes", "CREATE INDEX i ON t (c);",
                    "why it hurts", "what instead", {}},
                   {"m/9_elsewhere.sql", 1, 9, "drop-table", "DROP TABLE x;", "w", "i", {}}};
  AttachLint(lint, &report);
  ASSERT_EQ(report.migrations[1].lint.size(), 1u);
  ASSERT_EQ(report.other_lint.size(), 1u);

  std::vector<ReportLine> lines = FormatReport(report);
  std::vector<std::string> warnings;
  for (const ReportLine& l : lines)
    if (l.kind == ReportLine::Kind::kWarning) warnings.push_back(l.text);
  EXPECT_EQ(warnings, (std::vector<std::string>{
                          "m/3_index.sql:2: create-index-locks-writes\n"
                          "    CREATE INDEX i ON t (c);\n    why: why it hurts\n"
                          "    instead: what instead",
                          LintFindingText(lint.findings[1])}));
  bool header = false;
  for (const ReportLine& l : lines)
    header |= l.text == "Lint (`slugwright migrate lint`, PostgreSQL 11 rules, docs/lint.md): "
                        "2 findings in 2 of 2 migrations";
  EXPECT_TRUE(header);
  // Warnings, not a verdict: the rehearsal passed.
  EXPECT_EQ(lines.back().kind, ReportLine::Kind::kStep);
  EXPECT_EQ(lines.back().text.rfind("Rehearsal passed", 0), 0u) << lines.back().text;
  EXPECT_NE(lines.back().text.find("; 2 lint findings"), std::string::npos) << lines.back().text;

  nlohmann::json j = ReportJson(report);
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_TRUE(j["migrations"][0]["lint"].empty());
  EXPECT_EQ(j["migrations"][1]["lint"][0], nlohmann::json(lint.findings[0]));
  EXPECT_EQ(j["lint"]["findings"], 2);
  EXPECT_EQ(j["lint"]["postgres_version"], 11);
  EXPECT_EQ(j["lint"]["other_findings"][0]["rule"], "drop-table");
  EXPECT_EQ(j["summary"]["lint_findings"], 2);
}

TEST(RehearsalReportOutput, LintNoFindingsIsSaidOnce) {
  RehearsalReport report;
  report.linted = true;
  report.lint_postgres_version = 16;
  std::vector<ReportLine> lines = LintReportLines(report);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].text,
            "Lint (`slugwright migrate lint`, PostgreSQL 16 rules, docs/lint.md): no findings");
}

TEST(RehearsalReportOutput, TheReportsSayWhatTheServerShowed) {
  MigrationRehearsal m;
  m.name = "20240101000000-change-type.js";
  m.server_observed = true;
  m.in_transaction = false;
  m.status = Status::kApplied;
  m.seconds = 1.2;
  m.locks_sampled = true;
  m.locks = {{"public.orders", 'r', "AccessExclusiveLock", false, 1.0}};
  m.rewrites = {{"public.orders", 'r', "", 2000}};
  m.rewrites[0].bytes_before = 1000;
  m.rewrites[0].reason = "column type change";
  m.ddl = {"ALTER TABLE public.orders"};
  m.probed = true;
  m.blocked = {{"public.orders", 0.5, 0}};
  RehearsalReport report;
  report.migrations = {m};
  report.notes = {"a lock held for less than one sample can be missed"};

  std::string line = DescribeMigration(report.migrations[0]);
  EXPECT_NE(std::string::npos, line.find("ACCESS EXCLUSIVE on public.orders (held 1.0s)")) << line;
  EXPECT_NE(std::string::npos, line.find("rewrote public.orders 1000 B -> 2.0 kB (column type "
                                         "change)")) << line;
  EXPECT_NE(std::string::npos, line.find("probe: public.orders reads blocked up to 500ms"))
      << line;
  bool ran = false, noted = false;
  for (const ReportLine& l : FormatReport(report)) {
    ran |= l.text == "20240101000000-change-type.js ran: ALTER TABLE public.orders";
    noted |= l.text == report.notes[0];
  }
  EXPECT_TRUE(ran);
  EXPECT_TRUE(noted);
  nlohmann::json j = ReportJson(report);
  const nlohmann::json& jm = j.at("migrations").at(0);
  EXPECT_EQ(true, jm.at("server_observed"));
  EXPECT_EQ("ALTER TABLE public.orders", jm.at("ddl").at(0));
  EXPECT_DOUBLE_EQ(1.0, jm.at("locks").at(0).at("held_seconds").get<double>());
  EXPECT_EQ(1000, jm.at("rewrites").at(0).at("bytes_before"));
  EXPECT_EQ("column type change", jm.at("rewrites").at(0).at("reason"));
  EXPECT_DOUBLE_EQ(0.5, jm.at("probe").at(0).at("read_blocked_seconds").get<double>());
  EXPECT_EQ(report.notes, j.at("notes").get<std::vector<std::string>>());
}

// Issue 23, item 13: the sampler saw ACCESS EXCLUSIVE on a table (a
// rewrite flagged [RISK]) but every probe of it went through: the lock came
// and went between probes. The probe must not say that nothing was blocked.
TEST(RehearsalReportOutput, AProbeThatMissedALockDoesNotSayNothingWasBlocked) {
  MigrationRehearsal m;
  m.name = "20240101000000-widen-amount.js";
  m.server_observed = true;
  m.in_transaction = false;
  m.status = Status::kApplied;
  m.seconds = 0.2;
  m.locks_sampled = true;
  m.locks = {{"public.accounts", 'r', "AccessExclusiveLock", false, 0.05}};
  m.rewrites = {{"public.accounts", 'r', "", 30 << 20}};
  m.tables = {{"public.accounts", 300000, true, 30 << 20}};
  m.probed = true;
  m.blocked = {{"public.accounts", 0, 0}};
  EvaluateRisks(RiskSettings(), &m);
  ASSERT_TRUE(HasRisk(m, "large_rewrite"));

  std::string line = DescribeMigration(m);
  EXPECT_EQ(std::string::npos, line.find("no read or write was blocked")) << line;
  EXPECT_NE(std::string::npos,
            line.find("probe: no probe ran into the lock on public.accounts (ACCESS EXCLUSIVE, "
                      "blocks reads and writes), held between probes"))
      << line;

  // Without a blocking lock, nothing blocked is what the probe says.
  m.locks.clear();
  EXPECT_NE(std::string::npos, DescribeMigration(m).find("probe: no read or write was blocked"));
}

// Issue 23, items 1 and 3, as words: what rollback-release reverted, a
// pending count only the tool knows, and a tool that never reached the copy.
TEST(RehearsalReportOutput, CommandModeSaysWhatWasRevertedAndWhatIsNotKnown) {
  MigrationRehearsal widen;
  widen.name = "20240202000000-widen-amount.js";
  widen.server_observed = true;
  widen.status = Status::kReverted;
  widen.seconds = 0.6;
  widen.locks_sampled = true;
  widen.revert.seconds = 0.7;
  widen.revert.ddl = {"ALTER TABLE public.accounts"};
  widen.revert.rewrites = {{"public.accounts", 'r', "", 1000}};
  MigrationRehearsal failed;
  failed.name = "20240203000000-require-email";
  failed.server_observed = true;
  failed.status = Status::kFailed;
  failed.error = "contains null values";
  RehearsalReport report;
  report.copy.source = "u@h:5432/db";
  report.copy.ssl = true;
  report.pending_known = false;
  report.exit_code = 1;
  report.migrations = {widen, failed};

  EXPECT_NE(std::string::npos,
            DescribeMigration(widen).find("then reverted (on_failure: rollback-release) in " +
                                          FormatDuration(0.7) + " (rewrote public.accounts)"))
      << DescribeMigration(widen);
  std::vector<std::string> text;
  for (const ReportLine& l : FormatReport(report)) text.push_back(l.text);
  EXPECT_EQ(text.front(), "Rehearsal report: pending migrations unknown (only the tool knows "
                          "them) on a copy of u@h:5432/db");
  EXPECT_EQ(text.back(), "Rehearsal failed: 20240203000000-require-email failed on the copy, 1 "
                         "applied before it, all reverted by on_failure: rollback-release");
  EXPECT_NE(std::find(text.begin(), text.end(),
                      "20240202000000-widen-amount.js was reverted with: ALTER TABLE "
                      "public.accounts"),
            text.end());
  nlohmann::json j = ReportJson(report);
  EXPECT_TRUE(j["summary"]["pending"].is_null());
  EXPECT_EQ(j["summary"]["reverted"], 1);
  EXPECT_EQ(j["summary"]["rolled_back"], 1);
  EXPECT_EQ(j["summary"]["applied"], 0);
  EXPECT_EQ(j["migrations"][0]["status"], "reverted");
  EXPECT_EQ(j["migrations"][0]["revert"]["ddl"][0], "ALTER TABLE public.accounts");
  EXPECT_EQ(j["copy"]["ssl"], true);

  RehearsalReport unreached;
  unreached.copy.source = "u@h:5432/db";
  unreached.copy.ssl_error = "no `openssl` program to make its certificate with";
  unreached.pending_known = false;
  unreached.exit_code = 1;
  unreached.tool_connect_error = "ERROR: The server does not support SSL connections";
  text.clear();
  for (const ReportLine& l : FormatReport(unreached)) text.push_back(l.text);
  EXPECT_NE(std::find(text.begin(), text.end(),
                      "the tool could not connect to the copy: ERROR: The server does not "
                      "support SSL connections"),
            text.end());
  EXPECT_NE(std::find(text.begin(), text.end(),
                      "The throwaway cluster serves no SSL (no `openssl` program to make its "
                      "certificate with): a tool that requires SSL cannot connect to the copy"),
            text.end());
  for (const std::string& line : text) EXPECT_EQ(std::string::npos, line.find("would fail"));
  EXPECT_EQ(ReportJson(unreached)["summary"]["tool_connect_error"], unreached.tool_connect_error);
  EXPECT_EQ(ReportJson(unreached)["copy"]["ssl"], false);
}
