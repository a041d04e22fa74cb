// The renderings of `migrate lint` (lint_output.h), from reports the tests
// set: text, JSON, GitHub workflow annotations and the Markdown comment.

#include "cli/output/lint_output.h"

#include <gtest/gtest.h>

namespace {

LintFinding Finding(const std::string& file, int line) {
  return {file, line, 20240101000000, "drop-column", "ALTER TABLE t DROP COLUMN a;",
          "drops column a of t: the running release still reads it", "release code first", {}};
}

LintReport Report(std::vector<LintFinding> findings, size_t migrations) {
  LintReport r;
  r.outcome.findings = std::move(findings);
  r.outcome.migrations = migrations;
  r.batch.dir = "m";
  return r;
}

/// The estimate for finding `i` of `r`, on its table's size.
double LockSeconds(const LintReport& r, size_t i) {
  const LintFinding& f = r.outcome.findings[i];
  return EstimatedLockSeconds(r, f, FindingTableSize(r, f));
}
std::string DescribeLock(const LintReport& r, size_t i) {
  const LintFinding& f = r.outcome.findings[i];
  return DescribeEstimatedLock(r, f, FindingTableSize(r, f));
}

}  // namespace

TEST(LintReport, TextNamesFileLineRuleStatementWhyAndInstead) {
  std::string text = LintReportText(
      Report({Finding("m/1_a.sql", 3), Finding("m/1_a.sql", 5), Finding("m/2_b.sql", 1)}, 4));
  EXPECT_EQ(0u, text.find("m/1_a.sql:3: drop-column\n"
                          "    ALTER TABLE t DROP COLUMN a;\n"
                          "    why: drops column a of t: the running release still reads it\n"
                          "    instead: release code first\n"))
      << text;
  EXPECT_NE(std::string::npos, text.find("\n3 findings in 2 of 4 migrations (docs/lint.md"))
      << text;
  EXPECT_EQ(0u, LintReportText(Report({}, 1)).find("No findings in 1 migration\n"));
}

TEST(LintReport, TextSaysWhichVersionAndWhichBatch) {
  LintReport r = Report({}, 2);
  EXPECT_EQ("No findings in 2 migrations\n"
            "Rules for PostgreSQL 11 (the default, the oldest the rules are for; set "
            "--postgres-version or release.postgres_version in slugwright.yml).\n"
            "Batch: every migration in m (a table counts as new only in the migration that "
            "creates it; --git-base REF or --database-url URL lints only what the next release "
            "applies).\n",
            LintReportText(r));
  r.postgres_version = 16;
  r.version_origin = LintVersionOrigin::kServer;
  r.batch.database = "db.example.com:5432/app";
  r.batch.git_base = "origin/main";
  r.batch.merge_base = "0123456789abcdef0123456789abcdef01234567";
  r.outcome.errors.push_back({"m/3_c.sql", "m/3_c.sql:2: unterminated quoted string"});
  EXPECT_EQ("No findings in 2 migrations; 1 migration could not be linted\n"
            "Rules for PostgreSQL 16 (the server's version).\n"
            "Batch: the migrations in m pending on db.example.com:5432/app, added or changed "
            "since origin/main (merge base 0123456789ab).\n",
            LintReportText(r));
  r.version_origin = LintVersionOrigin::kSettings;
  EXPECT_NE(std::string::npos,
            LintReportText(r).find("PostgreSQL 16 (slugwright.yml release.postgres_version)"));
}

TEST(LintReport, JsonHasEveryField) {
  LintReport r = Report({Finding("m/1_a.sql", 3)}, 2);
  r.postgres_version = 16;
  r.version_origin = LintVersionOrigin::kFlag;
  r.batch.since = 7;
  r.outcome.errors.push_back({"m/9_x.sql", "m/9_x.sql:1: bad"});
  nlohmann::json j = LintReportJson(r);
  EXPECT_EQ(2, j["migrations"]);
  EXPECT_EQ(16, j["postgres_version"]);
  EXPECT_EQ("flag", j["postgres_version_from"]);
  EXPECT_EQ("m", j["batch"]["dir"]);
  EXPECT_EQ(7, j["batch"]["since"]);
  EXPECT_TRUE(j["batch"]["git_base"].is_null());
  ASSERT_EQ(1u, j["findings"].size());
  const nlohmann::json& f = j["findings"][0];
  EXPECT_EQ("m/1_a.sql", f["file"]);
  EXPECT_EQ(3, f["line"]);
  EXPECT_EQ(20240101000000, f["version"]);
  EXPECT_EQ("drop-column", f["rule"]);
  EXPECT_EQ("ALTER TABLE t DROP COLUMN a;", f["statement"]);
  EXPECT_EQ("release code first", f["instead"]);
  EXPECT_EQ("m/9_x.sql:1: bad", j["errors"][0]["message"]);
  EXPECT_TRUE(LintReportJson(Report({}, 0))["findings"].is_array());
  LintFinding no_line = Finding("20240101000000-widen.js", 0);
  EXPECT_TRUE(nlohmann::json(no_line)["line"].is_null());
}

TEST(LintReport, GithubEscapesAsTheWorkflowCommandsRequire) {
  EXPECT_EQ("100%25 a%0D%0Ab: c, d", GithubEscape("100% a\r\nb: c, d", false));
  EXPECT_EQ("a%3Ab%2Cc%25%0A", GithubEscape("a:b,c%\n", true));
}

TEST(LintReport, GithubAnnotatesEachFindingWithFileLineAndRule) {
  LintFinding odd = Finding("m/2_a,b:c.sql", 0);
  odd.statement = "UPDATE t SET a = '100%';";
  LintReport r = Report({Finding("m/1_a.sql", 3), odd}, 2);
  r.outcome.errors.push_back({"m/3_c.sql", "m/3_c.sql:2: unterminated\nstring"});
  std::string out = LintReportGithub(r);
  EXPECT_EQ(0u, out.find("::error file=m/1_a.sql,line=3,title=drop-column::ALTER TABLE t DROP "
                         "COLUMN a;%0Awhy: drops column a of t: the running release still reads "
                         "it%0Ainstead: release code first\n"
                         "::error file=m/2_a%2Cb%3Ac.sql,title=drop-column::UPDATE t SET a = "
                         "'100%25';%0Awhy: "))
      << out;
  EXPECT_NE(std::string::npos,
            out.find("\n::error file=m/3_c.sql,title=migrate lint::m/3_c.sql:2: "
                     "unterminated%0Astring\n"))
      << out;
  // The summary is a plain log line, not a command.
  EXPECT_NE(std::string::npos, out.find("\n2 findings in 2 of 2 migrations; 1 migration could "
                                        "not be linted. Rules for PostgreSQL 11"))
      << out;
}

TEST(LintReport, MarkdownIsOneCommentWithATablePerMigration) {
  LintFinding piped = Finding("m/2_b.sql", 4);
  piped.rule = "add-check-validates";
  piped.statement = "ALTER TABLE t ADD CHECK (a || b <> '`x`');";
  piped.why = "adds CHECK on t without NOT VALID: scans";
  piped.instead = "`... NOT VALID`, then VALIDATE | later";
  std::string md = LintReportMarkdown(Report({Finding("m/1_a.sql", 3), piped}, 3));
  EXPECT_EQ("### slugwright migrate lint: 2 findings in 2 of 3 migrations\n\n"
            "#### `m/1_a.sql`\n\n"
            "| line | rule | statement | why | safe rewrite |\n"
            "|---|---|---|---|---|\n"
            "| 3 | `drop-column` | `ALTER TABLE t DROP COLUMN a;` | drops column a of t: the "
            "running release still reads it | release code first |\n\n"
            "#### `m/2_b.sql`\n\n"
            "| line | rule | statement | why | safe rewrite |\n"
            "|---|---|---|---|---|\n"
            "| 4 | `add-check-validates` | `` ALTER TABLE t ADD CHECK (a \\|\\| b <> '`x`'); `` | "
            "adds CHECK on t without NOT VALID: scans | `... NOT VALID`, then VALIDATE \\| "
            "later |\n\n"
            "Each rule is explained in docs/lint.md; silence one finding with "
            "`-- slugwright-lint-ignore RULE` on or above its statement.\n\n"
            "Rules for PostgreSQL 11 (the default, the oldest the rules are for; set "
            "--postgres-version or release.postgres_version in slugwright.yml). Batch: every "
            "migration in m (a table counts as new only in the migration that creates it; "
            "--git-base REF or --database-url URL lints only what the next release applies).\n",
            md);
  EXPECT_EQ(0u, LintReportMarkdown(Report({}, 1))
                    .find("### slugwright migrate lint: No findings in 1 migration\n\n"));
}

// With the database's table sizes: what cannot run first, then the largest
// table's findings, then those on no known table, each group in the
// release's order; a name without a schema is public's.
TEST(LintReport, FindingsByRiskWithTheirTablesSize) {
  auto on = [](const std::string& table, int line, const std::string& rule = "drop-column") {
    LintFinding f = Finding("m/1_a.sql", line);
    f.rule = rule;
    f.table = {"", table, 0};
    return f;
  };
  LintReport r = Report({on("small", 1), on("", 2), on("big", 3), on("gone", 4),
                         on("", 5, "cannot-run-in-transaction"), on("small", 6)},
                        1);
  r.table_sizes = {{{"other", "big", 0}, 5, 1},
                   {{"public", "big", 0}, 2000000, int64_t{300} << 20},
                   {{"public", "small", 0}, 12, 16384}};
  OrderFindingsByRisk(&r);
  std::vector<int> lines;
  for (const LintFinding& f : r.outcome.findings) lines.push_back(f.line);
  EXPECT_EQ((std::vector<int>{5, 3, 1, 6, 2, 4}), lines);

  std::string text = LintReportText(r);
  EXPECT_NE(std::string::npos, text.find("    table: public.big: ~2,000,000 rows, 300 MB\n")) << text;
  EXPECT_NE(std::string::npos, text.find("    table: public.small: tiny (12 rows, 16 kB)\n")) << text;
  nlohmann::json j = LintReportJson(r);
  EXPECT_EQ("big", j["findings"][1]["table"]);
  EXPECT_EQ(2000000, j["findings"][1]["table_size"]["rows"]);
  EXPECT_EQ("other", j["findings"][1]["table_size"]["size_class"]);
  EXPECT_EQ("tiny", j["findings"][2]["table_size"]["size_class"]);
  EXPECT_FALSE(j["findings"][4].contains("table_size"));
  EXPECT_TRUE(j["findings"][4]["table"].is_null());

  EXPECT_EQ("public.t: empty (0 rows, 8.0 kB)", DescribeTableSize({{"public", "t", 0}, 0, 8192}));
  EXPECT_EQ("public.t: rows not yet estimated (never analyzed), 8.0 kB",
            DescribeTableSize({{"public", "t", 0}, -1, 8192}));
}

// With a measured rate: a rewrite's lock is its table's heap bytes at that
// rate, a validation's at most that; other rules and tables of unknown size
// get none, and nothing is estimated without a rate.
TEST(LintReport, LockTimesAreEstimatedAtTheMeasuredRate) {
  auto on = [](const std::string& table, int line, const std::string& rule) {
    LintFinding f = Finding("m/2_b.sql", line);
    f.rule = rule;
    f.table = {"", table, 0};
    return f;
  };
  LintReport r = Report({on("accounts", 1, "alter-column-type"),
                         on("accounts", 2, "set-not-null-scans"),
                         on("accounts", 3, "drop-column"), on("gone", 4, "alter-column-type")},
                        1);
  r.table_sizes = {{{"public", "accounts", 0}, 1000000, int64_t{300} << 20, int64_t{200} << 20}};
  EXPECT_EQ(-1, LockSeconds(r, 0));
  EXPECT_EQ("", DescribeLock(r, 0));
  EXPECT_FALSE(LintReportJson(r)["findings"][0].contains("estimated_lock_seconds"));
  EXPECT_TRUE(LintReportJson(r)["rewrite_rate"].is_null());

  r.rewrite_rate = LintRewriteRate{50.0 * (1 << 20), "rehearsal.json", "7_widen", "public.orders"};
  EXPECT_DOUBLE_EQ(4.0, LockSeconds(r, 0));
  EXPECT_DOUBLE_EQ(4.0, LockSeconds(r, 1));
  EXPECT_EQ(-1, LockSeconds(r, 2));
  EXPECT_EQ(-1, LockSeconds(r, 3));
  const std::string rewrite =
      "~4.0s for the rewrite of 200 MB at 50 MB/s (measured by `slugwright rehearse`: "
      "rehearsal.json, where 7_widen rewrote public.orders)";
  EXPECT_EQ(rewrite, DescribeLock(r, 0));
  EXPECT_EQ(0u, DescribeLock(r, 1)
                    .find("up to ~4.0s for the validation scan of 200 MB at 50 MB/s"));

  std::string text = LintReportText(r);
  EXPECT_NE(std::string::npos,
            text.find("    table: public.accounts: ~1,000,000 rows, 300 MB\n    lock: " + rewrite +
                      "\n"))
      << text;
  nlohmann::json j = LintReportJson(r);
  EXPECT_DOUBLE_EQ(4.0, j["findings"][0]["estimated_lock_seconds"].get<double>());
  EXPECT_EQ(int64_t{200} << 20, j["findings"][0]["table_size"]["table_bytes"]);
  EXPECT_FALSE(j["findings"][2].contains("estimated_lock_seconds"));
  EXPECT_EQ("rehearsal.json", j["rewrite_rate"]["report_file"]);
  EXPECT_EQ("7_widen", j["rewrite_rate"]["migration"]);
  EXPECT_NE(std::string::npos, LintReportGithub(r).find("%0Alock: ~4.0s for the rewrite"));
  EXPECT_NE(std::string::npos, LintReportMarkdown(r).find("**Lock: ~4.0s for the rewrite"));
}
