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
  /// Issue 25's directory: the first file creates accounts (and indexes it,
  /// safely, in the same file), the later ones change it.
  void WriteAccountsMigrations() {
    WriteMigration("1_create_accounts.sql",
                   "-- migrate:up\nCREATE TABLE accounts (id int, amount int);\n"
                   "CREATE INDEX accounts_id_idx ON accounts (id);\n");
    WriteMigration("2_widen_amount.sql",
                   "-- migrate:up\nALTER TABLE accounts ALTER COLUMN amount TYPE bigint;\n");
    WriteMigration("3_index_amount.sql",
                   "-- migrate:up\nCREATE INDEX accounts_amount_idx ON accounts (amount);\n");
    WriteMigration("4_add_owner.sql",
                   "-- migrate:up\nALTER TABLE accounts ADD COLUMN owner int NOT NULL;\n");
  }
  /// Runs `script` in the temp dir with a git identity; fails the test when
  /// it fails.
  void Git(const std::string& script) {
    RunResult r = slugwright_.RunShell(
        "export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t "
        "GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1 HOME=" + tmp_.path() +
        "; set -e; " + script);
    ASSERT_EQ(0, r.code) << script << "\n" << r.all();
  }
};

TEST_F(LintCommandTest, EveryRiskyStatementAfterTheMigrationThatCreatedTheTable) {
  WriteAccountsMigrations();
  RunResult all = Run({"migrate", "lint", "--dir", Dir()});
  EXPECT_EQ(1, all.code) << all.all();
  for (const char* expected :
       {"2_widen_amount.sql:2: alter-column-type", "3_index_amount.sql:2: create-index-locks-writes",
        "4_add_owner.sql:2: add-column-not-null-without-default",
        "3 findings in 3 of 4 migrations",
        "Rules for PostgreSQL 11 (the default, the oldest the rules are for",
        "Batch: every migration in " })
    EXPECT_NE(std::string::npos, all.out.find(expected)) << expected << "\n" << all.out;
  // The index on the table its own file created is not flagged.
  EXPECT_EQ(std::string::npos, all.out.find("1_create_accounts")) << all.out;

  RunResult since = Run({"migrate", "lint", "--dir", Dir(), "--since", "2"});
  EXPECT_EQ(1, since.code) << since.all();
  EXPECT_NE(std::string::npos, since.out.find("2 findings in 2 of 2 migrations")) << since.out;

  RunResult json = Run({"migrate", "lint", "--dir", Dir(), "--json"});
  EXPECT_EQ(1, json.code) << json.all();
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(4, j["migrations"]);
  EXPECT_EQ("default", j["postgres_version_from"]);
  ASSERT_EQ(3u, j["findings"].size());
  EXPECT_EQ("alter-column-type", j["findings"][0]["rule"]);
  EXPECT_EQ(2, j["findings"][0]["version"]);
  EXPECT_NE(std::string::npos, j["findings"][1]["instead"].get<std::string>().find(
                                   "-- migrate:up transaction:false"));

  // The same files as arguments.
  RunResult files = Run({"migrate", "lint", Dir() + "/2_widen_amount.sql"});
  EXPECT_EQ(1, files.code) << files.all();
  EXPECT_NE(std::string::npos, files.out.find("1 finding in 1 of 1 migration")) << files.out;

  // And the release applies them on an empty database: what lint flags
  // here fails only on rows.
  RunResult up = Run(Up());
  EXPECT_EQ(0, up.code) << up.all();
}

TEST_F(LintCommandTest, GitBaseLintsOnlyTheMigrationsOfTheBranch) {
  WriteMigration("1_create_accounts.sql",
                 "-- migrate:up\nCREATE TABLE accounts (id int, amount int);\n");
  WriteMigration("2_widen_amount.sql",
                 "-- migrate:up\nALTER TABLE accounts ALTER COLUMN amount TYPE bigint;\n");
  Git("git init -q -b main . && git add -A && git commit -qm base && git checkout -qb feature");
  WriteMigration("3_index_amount.sql",
                 "-- migrate:up\nCREATE INDEX accounts_amount_idx ON accounts (amount);\n");
  Git("git add -A && git commit -qm index");
  WriteMigration("4_add_owner.sql",
                 "-- migrate:up\nALTER TABLE accounts ADD COLUMN owner int NOT NULL;\n");
  // main moves on: its new migration is not the branch's.
  Git("git stash -q -u && git checkout -q main && printf '%s\\n' '-- migrate:up' "
      "'ALTER TABLE accounts DROP COLUMN amount;' > migrations/5_main.sql && git add -A && "
      "git commit -qm main && git checkout -q feature && git stash pop -q");

  RunResult branch = Run({"migrate", "lint", "--dir", Dir(), "--git-base", "main"});
  EXPECT_EQ(1, branch.code) << branch.all();
  for (const char* expected : {"3_index_amount.sql:2: create-index-locks-writes",
                               "4_add_owner.sql:2: add-column-not-null-without-default",
                               "2 findings in 2 of 2 migrations",
                               "added or changed since main (merge base "})
    EXPECT_NE(std::string::npos, branch.out.find(expected)) << expected << "\n" << branch.out;
  EXPECT_EQ(std::string::npos, branch.out.find("2_widen_amount")) << branch.out;
  EXPECT_EQ(std::string::npos, branch.out.find("5_main")) << branch.out;

  // FILE arguments are narrowed the same way.
  RunResult files = Run({"migrate", "lint", Dir() + "/2_widen_amount.sql",
                         Dir() + "/3_index_amount.sql", "--git-base", "main"});
  EXPECT_EQ(1, files.code) << files.all();
  EXPECT_NE(std::string::npos, files.out.find("1 finding in 1 of 1 migration")) << files.out;
  EXPECT_NE(std::string::npos, files.out.find("Batch: the files given added or changed since "
                                              "main"))
      << files.out;

  // Committed on the branch and then merged into the base: nothing left.
  Git("git add -A && git commit -qm owner && git checkout -q main && git merge -q --no-edit "
      "feature && git checkout -q feature");
  RunResult merged = Run({"migrate", "lint", "--dir", Dir(), "--git-base", "main"});
  EXPECT_EQ(0, merged.code) << merged.all();
  EXPECT_NE(std::string::npos, merged.out.find("No findings in 0 migrations")) << merged.out;

  RunResult missing = Run({"migrate", "lint", "--dir", Dir() + "/nope", "--git-base", "main"});
  EXPECT_EQ(2, missing.code) << missing.all();
  EXPECT_EQ(std::string::npos, missing.err.find("git")) << missing.err;

  RunResult unknown = Run({"migrate", "lint", "--dir", Dir(), "--git-base", "no-such-ref"});
  EXPECT_EQ(2, unknown.code) << unknown.all();
  EXPECT_NE(std::string::npos,
            unknown.err.find("--git-base no-such-ref: `git merge-base no-such-ref HEAD`"))
      << unknown.err;
}

TEST_F(LintCommandTest, DatabaseUrlLintsThePendingMigrationsForTheServersVersion) {
  WriteAccountsMigrations();
  RunResult up = Run(Up());
  ASSERT_EQ(0, up.code) << up.all();
  db_.Exec("INSERT INTO accounts SELECT g, g, g FROM generate_series(1, 1000) g");
  WriteMigration("5_archive.sql",
                 "-- migrate:up\nCREATE TABLE IF NOT EXISTS accounts (id int);\n"
                 "CREATE INDEX accounts_owner_idx ON accounts (owner);\n"
                 "CREATE TABLE archive (id int);\nCREATE INDEX archive_id_idx ON archive (id);\n");
  WriteMigration("6_status.sql",
                 "-- migrate:up\nALTER TABLE accounts ALTER COLUMN owner SET NOT NULL;\n");

  RunResult pending = Run({"migrate", "lint", "--dir", Dir(), "--database-url", db_.url()});
  EXPECT_EQ(1, pending.code) << pending.all();
  std::string major = std::to_string(std::stoi(db_.Scalar("SHOW server_version_num")) / 10000);
  for (const std::string& expected :
       {std::string("5_archive.sql:3: create-index-locks-writes"),
        std::string("6_status.sql:2: set-not-null-scans"),
        std::string("2 findings in 2 of 2 migrations"),
        "Rules for PostgreSQL " + major + " (the server's version).", std::string("pending on ")})
    EXPECT_NE(std::string::npos, pending.out.find(expected)) << expected << "\n" << pending.out;
  // The applied migrations are not the batch; archive is new in its file.
  EXPECT_EQ(std::string::npos, pending.out.find("2_widen_amount")) << pending.out;
  EXPECT_EQ(std::string::npos, pending.out.find("archive_id_idx")) << pending.out;
  EXPECT_EQ(std::string::npos, pending.all().find(password_)) << pending.all();

  // --postgres-version wins over the server's.
  RunResult forced = Run({"migrate", "lint", "--dir", Dir(), "--database-url", db_.url(),
                          "--postgres-version", "12", "--json"});
  EXPECT_EQ(1, forced.code) << forced.all();
  nlohmann::json j = nlohmann::json::parse(forced.out);
  EXPECT_EQ(12, j["postgres_version"]);
  EXPECT_EQ("flag", j["postgres_version_from"]);
  EXPECT_FALSE(j["batch"]["database"].is_null());

  RunResult down = Run({"migrate", "lint", "--dir", Dir(), "--database-url",
                        "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"});
  EXPECT_EQ(2, down.code) << down.all();
  EXPECT_NE(std::string::npos, down.err.find("migrate lint --database-url: cannot read"))
      << down.err;
}

// With a database, each finding names its table's size (the planner's row
// estimate and pg_total_relation_size), and the findings come largest table
// first; one on a tiny or empty table is marked so, not hidden. A
// partitioned table counts its partitions.
TEST_F(LintCommandTest, DatabaseUrlWeighsEachFindingByItsTablesSize) {
  WriteMigration("1_tables.sql",
                 "-- migrate:up\nCREATE TABLE flags (id int, name text);\n"
                 "CREATE TABLE accounts (id int, amount int);\n"
                 "CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);\n"
                 "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') "
                 "TO ('2025-01-01');\nCREATE TABLE drafts (id int);\n");
  RunResult up = Run(Up());
  ASSERT_EQ(0, up.code) << up.all();
  db_.Exec("INSERT INTO accounts SELECT g, g FROM generate_series(1, 100000) g");
  db_.Exec("INSERT INTO flags SELECT g, 'f' FROM generate_series(1, 12) g");
  db_.Exec("INSERT INTO events SELECT g, '2024-03-01' FROM generate_series(1, 5000) g");
  db_.Exec("ANALYZE");
  WriteMigration("2_changes.sql",
                 "-- migrate:up\nCREATE INDEX flags_name_idx ON flags (name);\n"
                 "ALTER TABLE drafts ADD COLUMN body text NOT NULL;\n"
                 "ALTER TABLE events ALTER COLUMN id TYPE bigint;\n"
                 "ALTER TABLE accounts ALTER COLUMN amount TYPE bigint;\n");

  RunResult text = Run({"migrate", "lint", "--dir", Dir(), "--database-url", db_.url()});
  EXPECT_EQ(1, text.code) << text.all();
  size_t accounts = text.out.find("2_changes.sql:5: alter-column-type");
  size_t events = text.out.find("2_changes.sql:4: alter-column-type");
  size_t flags = text.out.find("2_changes.sql:2: create-index-locks-writes");
  size_t drafts = text.out.find("2_changes.sql:3: add-column-not-null-without-default");
  ASSERT_NE(std::string::npos, accounts) << text.out;
  ASSERT_NE(std::string::npos, events) << text.out;
  ASSERT_NE(std::string::npos, flags) << text.out;
  ASSERT_NE(std::string::npos, drafts) << text.out;
  EXPECT_LT(accounts, events) << text.out;
  EXPECT_LT(events, flags) << text.out;
  for (const char* expected :
       {"table: public.accounts: ~100,000 rows, ", "table: public.events: ~5,000 rows, ",
        "table: public.flags: tiny (12 rows, ", "table: public.drafts: empty (0 rows, "})
    EXPECT_NE(std::string::npos, text.out.find(expected)) << expected << "\n" << text.out;

  RunResult json = Run({"migrate", "lint", "--dir", Dir(), "--database-url", db_.url(), "--json"});
  EXPECT_EQ(1, json.code) << json.all();
  nlohmann::json findings = nlohmann::json::parse(json.out)["findings"];
  ASSERT_EQ(4u, findings.size()) << json.out;
  EXPECT_EQ("accounts", findings[0]["table"]);
  EXPECT_EQ(100000, findings[0]["table_size"]["rows"]);
  EXPECT_GT(findings[0]["table_size"]["bytes"].get<int64_t>(), 1000000);
  EXPECT_EQ("other", findings[0]["table_size"]["size_class"]);
  EXPECT_EQ("tiny", findings[2]["table_size"]["size_class"]) << json.out;
  EXPECT_EQ("empty", findings[3]["table_size"]["size_class"]) << json.out;

  // Without a database the findings keep the release's order and no size.
  RunResult plain = Run({"migrate", "lint", "--dir", Dir(), "--since", "1"});
  EXPECT_EQ(1, plain.code) << plain.all();
  EXPECT_EQ(std::string::npos, plain.out.find("\n    table: ")) << plain.out;
  EXPECT_LT(plain.out.find("2_changes.sql:2:"), plain.out.find("2_changes.sql:5:")) << plain.out;
}

TEST_F(LintCommandTest, PostgresVersionFromSlugwrightYml) {
  tmp_.Write("slugwright.yml", "release:\n  postgres_version: 16\n");
  WriteMigration("1_mood.sql", "-- migrate:up\nALTER TYPE mood ADD VALUE 'meh';\n");
  RunResult from_yml = Run({"migrate", "lint"});
  EXPECT_EQ(0, from_yml.code) << from_yml.all();
  EXPECT_NE(std::string::npos,
            from_yml.out.find("Rules for PostgreSQL 16 (slugwright.yml release.postgres_version)"))
      << from_yml.out;
  RunResult flag = Run({"migrate", "lint", "--postgres-version", "11"});
  EXPECT_EQ(1, flag.code) << flag.all();
  EXPECT_NE(std::string::npos, flag.out.find("1_mood.sql:2: enum-add-value-in-transaction"))
      << flag.out;
}

TEST_F(LintCommandTest, AStatementThatCannotRunWhereItIsIsAFindingAndTheRestIsLinted) {
  WriteMigration("1_index.sql",
                 "-- migrate:up\nCREATE INDEX CONCURRENTLY accounts_id ON accounts (id);\n");
  WriteMigration("2_drop.sql", "-- migrate:up\nALTER TABLE accounts DROP COLUMN legacy;\n");
  WriteMigration("3_broken.sql", "-- migrate:up\nSELECT 'unterminated;\n");
  WriteMigration("4_rename.sql",
                 "-- migrate:up\nALTER TABLE accounts RENAME COLUMN a TO b;\n");
  RunResult r = Run({"migrate", "lint", "--dir", Dir()});
  EXPECT_EQ(2, r.code) << r.all();  // one migration could not be linted
  for (const char* expected : {"1_index.sql:2: cannot-run-in-transaction",
                               "2_drop.sql:2: drop-column", "4_rename.sql:2: rename-column",
                               "3 findings in 3 of 4 migrations; 1 migration could not be linted"})
    EXPECT_NE(std::string::npos, r.out.find(expected)) << expected << "\n" << r.out;
  EXPECT_NE(std::string::npos, r.err.find("3_broken.sql:2:")) << r.err;
  // The release still refuses the file.
  RunResult validate = Run({"migrate", "validate", "--offline", "--dir", Dir()});
  EXPECT_EQ(2, validate.code) << validate.all();
}

TEST_F(LintCommandTest, GithubAndMarkdownFormats) {
  WriteAccountsMigrations();
  RunResult github = Run({"migrate", "lint", "--dir", Dir(), "--format", "github"});
  EXPECT_EQ(1, github.code) << github.all();
  EXPECT_EQ(0u, github.out.find("::error file=" + Dir() + "/2_widen_amount.sql,line=2,"
                                "title=alter-column-type::ALTER TABLE accounts ALTER COLUMN "
                                "amount TYPE bigint;%0Awhy: "))
      << github.out;
  RunResult md = Run({"migrate", "lint", "--dir", Dir(), "--format", "markdown"});
  EXPECT_EQ(1, md.code) << md.all();
  EXPECT_NE(std::string::npos, md.out.find("| 2 | `create-index-locks-writes` | `CREATE INDEX "
                                           "accounts_amount_idx ON accounts (amount);` |"))
      << md.out;
  RunResult both = Run({"migrate", "lint", "--dir", Dir(), "--json", "--format", "github"});
  EXPECT_EQ(2, both.code) << both.all();
  RunResult bad = Run({"migrate", "lint", "--dir", Dir(), "--format", "xml"});
  EXPECT_EQ(2, bad.code) << bad.all();
}

TEST_F(LintCommandTest, ACommandReleaseSaysWhatLintCannotSee) {
  tmp_.Write("slugwright.yml", "release:\n  command: npx sequelize-cli db:migrate\n");
  tmp_.Write("migrations/20240101000000-widen.js", "module.exports = {};\n");
  RunResult r = Run({"migrate", "lint"});
  EXPECT_EQ(2, r.code) << r.all();
  EXPECT_EQ(std::string::npos, r.all().find("No findings")) << r.all();
  EXPECT_NE(std::string::npos, r.err.find("this release runs `npx sequelize-cli db:migrate`"))
      << r.err;
  EXPECT_NE(std::string::npos, r.err.find("not SQL that slugwright reads")) << r.err;
  // SQL files named explicitly are still linted.
  WriteMigration("1_drop.sql", "-- migrate:up\nALTER TABLE t DROP COLUMN a;\n");
  EXPECT_EQ(1, Run({"migrate", "lint", Dir() + "/1_drop.sql"}).code);
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
