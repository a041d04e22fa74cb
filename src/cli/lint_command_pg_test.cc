// `migrate lint` against a real server: the rules' premises checked (the
// statements a rule says rewrite do change the table's relfilenode, the
// ones it lets pass do not, the NOT NULL column it flags does fail), and
// the command end to end: findings, JSON, ignore comments, exit codes.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lint/migration_lint.h"
#include "testing/pg_fixture.h"

namespace {

/// The rule ids LintMigrations flags for `sql`, one migration run in a
/// transaction, for the server `major`.
std::vector<std::string> LintRuleIds(const std::string& sql, int major) {
  Migration m;
  m.version = 1;
  m.up_path = "m/1_x.sql";
  m.up_sql = sql;
  LintOptions options;
  options.postgres_major = major;
  std::vector<std::string> ids;
  for (const LintFinding& f : LintMigrations({m}, options)) ids.push_back(f.rule);
  return ids;
}

struct Premise {
  const char* action;     // of ALTER TABLE t
  bool rewrites;          // the server rewrites t
  const char* rule;       // what lint flags ("" nothing)
};

class LintPremiseTest : public ::testing::Test {
 protected:
  /// A fresh table t with 2,000 rows; its relfilenode.
  std::string FreshTable() {
    db_.Exec("DROP TABLE IF EXISTS t; CREATE TABLE t (id int PRIMARY KEY, v varchar(20), n int);"
             "INSERT INTO t SELECT g, 'v' || g, g FROM generate_series(1, 2000) g;");
    return db_.Scalar("SELECT pg_relation_filenode('t')");
  }
  int Major() { return std::stoi(db_.Scalar("SHOW server_version_num")) / 10000; }
  PgDatabase db_;
};

}  // namespace

TEST_F(LintPremiseTest, RewritesAreWhereTheRulesSayTheyAre) {
  const Premise premises[] = {
      {"ADD COLUMN c timestamptz DEFAULT clock_timestamp()", true, "add-column-rewrites-table"},
      {"ADD COLUMN c float8 DEFAULT random()", true, "add-column-rewrites-table"},
      {"ADD COLUMN c bigserial", true, "add-column-rewrites-table"},
      {"ADD COLUMN c bigint GENERATED ALWAYS AS IDENTITY", true, "add-column-rewrites-table"},
      {"ADD COLUMN c int GENERATED ALWAYS AS (n * 2) STORED", true, "add-column-rewrites-table"},
      {"ALTER COLUMN n TYPE bigint", true, "alter-column-type"},
      {"ALTER COLUMN n TYPE text", true, "alter-column-type"},
      // Binary-coercible: no rewrite, still flagged for ACCESS EXCLUSIVE.
      {"ALTER COLUMN v TYPE varchar(40)", false, "alter-column-type"},
      {"ALTER COLUMN v TYPE text", false, "alter-column-type"},
      {"ADD COLUMN c timestamptz DEFAULT now()", false, ""},
      {"ADD COLUMN c int NOT NULL DEFAULT 0", false, ""},
      {"ADD COLUMN c text DEFAULT 'x'", false, ""},
      {"ADD COLUMN c int", false, ""},
      {"ALTER COLUMN n SET NOT NULL", false, "set-not-null-scans"},
      {"ADD CONSTRAINT positive CHECK (n > 0)", false, "add-check-validates"},
      {"ADD CONSTRAINT positive CHECK (n > 0) NOT VALID", false, ""},
  };
  int major = Major();
  for (const Premise& p : premises) {
    std::string before = FreshTable();
    std::string sql = std::string("ALTER TABLE t ") + p.action;
    db_.Exec(sql);
    std::string after = db_.Scalar("SELECT pg_relation_filenode('t')");
    EXPECT_EQ(p.rewrites, before != after) << sql << " on PostgreSQL " << major;
    std::vector<std::string> expected;
    if (*p.rule) expected.push_back(p.rule);
    EXPECT_EQ(expected, LintRuleIds(sql, major)) << sql;
  }
}

TEST_F(LintPremiseTest, NotNullColumnWithoutDefaultFailsOnRows) {
  FreshTable();
  const std::string sql = "ALTER TABLE t ADD COLUMN c int NOT NULL";
  try {
    db_.Exec(sql);
    ADD_FAILURE() << "the server accepted " << sql;
  } catch (const SqlSession::Error& e) {
    EXPECT_EQ("23502", e.sqlstate) << e.what();
  }
  EXPECT_EQ(std::vector<std::string>{"add-column-not-null-without-default"},
            LintRuleIds(sql, Major()));
  db_.Exec("TRUNCATE t");
  db_.Exec(sql);  // on an empty table it works, as in CI
}

class LintCommandTest : public SlugwrightPgTest {
 protected:
  /// The four migrations of issue 13's rehearsal, as slugwright SQL files.
  void WriteIssueMigrations() {
    WriteMigration("1_create_orders.sql",
                   "-- migrate:up\nCREATE TABLE orders (id int, amount int);\n");
    WriteMigration("2_add_priority.sql",
                   "-- migrate:up\nALTER TABLE orders ADD COLUMN priority int NOT NULL;\n");
    WriteMigration("3_widen_amount.sql",
                   "-- migrate:up\nALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n");
    WriteMigration("4_index_amount.sql",
                   "-- migrate:up\nCREATE INDEX orders_amount_idx ON orders (amount);\n");
    WriteMigration("5_create_coupons.sql",
                   "-- migrate:up\nCREATE TABLE coupons (id int);\nCREATE INDEX ON coupons (id);\n");
  }
};

TEST_F(LintCommandTest, FlagsTheIssueMigrationsAfterTheirTableExists) {
  WriteIssueMigrations();
  // Linted from version 1 on: orders is created in the batch, nothing flagged.
  RunResult all = Run({"migrate", "lint", "--dir", Dir()});
  EXPECT_EQ(0, all.code) << all.all();
  EXPECT_NE(std::string::npos, all.out.find("No findings in 5 migrations")) << all.out;
  // The release after the one that created orders.
  RunResult since = Run({"migrate", "lint", "--dir", Dir(), "--since", "1"});
  EXPECT_EQ(1, since.code) << since.all();
  for (const char* expected :
       {"2_add_priority.sql:2: add-column-not-null-without-default",
        "3_widen_amount.sql:2: alter-column-type", "4_index_amount.sql:2: create-index-locks-writes",
        "3 findings in 3 of 4 migrations"})
    EXPECT_NE(std::string::npos, since.out.find(expected)) << expected << "\n" << since.out;
  EXPECT_EQ(std::string::npos, since.out.find("5_create_coupons")) << since.out;

  RunResult json = Run({"migrate", "lint", "--dir", Dir(), "--since", "1", "--json"});
  EXPECT_EQ(1, json.code) << json.all();
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(4, j["migrations"]);
  ASSERT_EQ(3u, j["findings"].size());
  EXPECT_EQ("add-column-not-null-without-default", j["findings"][0]["rule"]);
  EXPECT_EQ(2, j["findings"][0]["version"]);
  EXPECT_NE(std::string::npos, j["findings"][2]["instead"].get<std::string>().find(
                                   "-- migrate:up transaction:false"));

  // The same files as arguments.
  RunResult files = Run({"migrate", "lint", Dir() + "/3_widen_amount.sql"});
  EXPECT_EQ(1, files.code) << files.all();
  EXPECT_NE(std::string::npos, files.out.find("1 finding in 1 of 1 migration")) << files.out;

  // And the release applies them on an empty database: what lint flags
  // here fails only on rows.
  RunResult up = Run(Up());
  EXPECT_EQ(0, up.code) << up.all();
}

TEST_F(LintCommandTest, IgnoreCommentsAndUsageErrors) {
  WriteMigration("1_drop.sql",
                 "-- migrate:up\n-- slugwright-lint-ignore drop-column -- unused since v41\n"
                 "ALTER TABLE users DROP COLUMN legacy;\n");
  RunResult clean = Run({"migrate", "lint", "--dir", Dir()});
  EXPECT_EQ(0, clean.code) << clean.all();

  WriteMigration("2_typo.sql",
                 "-- migrate:up\n-- slugwright-lint-ignore drop-colum\n"
                 "ALTER TABLE users DROP COLUMN other;\n");
  RunResult typo = Run({"migrate", "lint", "--dir", Dir()});
  EXPECT_EQ(2, typo.code) << typo.all();
  EXPECT_NE(std::string::npos, typo.err.find("2_typo.sql:2:")) << typo.err;
  EXPECT_NE(std::string::npos, typo.err.find("did you mean `drop-column`")) << typo.err;

  RunResult old = Run({"migrate", "lint", "--dir", Dir(), "--postgres-version", "10"});
  EXPECT_EQ(2, old.code) << old.all();
  RunResult missing = Run({"migrate", "lint", "--dir", Dir() + "/nope"});
  EXPECT_EQ(2, missing.code) << missing.all();
}

TEST_F(LintCommandTest, LockTimeoutOnlyWhenAsked) {
  WriteMigration("1_default.sql",
                 "-- migrate:up\nALTER TABLE users ALTER COLUMN a SET DEFAULT 1;\n");
  EXPECT_EQ(0, Run({"migrate", "lint", "--dir", Dir()}).code);
  RunResult asked = Run({"migrate", "lint", "--dir", Dir(), "--require-lock-timeout"});
  EXPECT_EQ(1, asked.code) << asked.all();
  EXPECT_NE(std::string::npos, asked.out.find("1_default.sql:2: missing-lock-timeout"))
      << asked.out;
}
