#include "lint/migration_lint.h"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>

#include "base/exit_codes.h"
#include "migrate/directory_source.h"

namespace {

Migration MakeMigration(const std::string& sql, bool in_transaction = true,
                        int64_t version = 1, const std::string& path = "m/1_x.sql") {
  Migration m;
  m.version = version;
  m.name = "x";
  m.up_path = path;
  m.up_sql = sql;
  m.up_first_line = 2;
  m.up_in_transaction = in_transaction;
  return m;
}

std::vector<LintFinding> Lint(const std::string& sql, LintOptions options = {},
                              bool in_transaction = true) {
  return LintMigrations({MakeMigration(sql, in_transaction)}, options);
}

/// The rule ids flagged for `sql`, in order.
std::vector<std::string> Rules(const std::string& sql, LintOptions options = {},
                               bool in_transaction = true) {
  std::vector<std::string> ids;
  for (const LintFinding& f : Lint(sql, options, in_transaction)) ids.push_back(f.rule);
  return ids;
}

using Ids = std::vector<std::string>;
const Ids kNone;

LintOptions Postgres(int major) {
  LintOptions o;
  o.postgres_major = major;
  return o;
}

}  // namespace

TEST(MigrationLint, FindingNamesFileLineStatementWhyAndInstead) {
  std::vector<LintFinding> f =
      Lint("CREATE TABLE a (id int);\n\nALTER TABLE users\n  ADD COLUMN age integer NOT NULL;");
  ASSERT_EQ(1u, f.size());
  EXPECT_EQ("m/1_x.sql", f[0].file);
  EXPECT_EQ(5, f[0].line);  // the action's line: up_first_line 2 + 3
  EXPECT_EQ(1, f[0].version);
  EXPECT_EQ("add-column-not-null-without-default", f[0].rule);
  EXPECT_EQ("ALTER TABLE users ADD COLUMN age integer NOT NULL;", f[0].statement);
  EXPECT_NE(std::string::npos, f[0].why.find("adds column age to users")) << f[0].why;
  EXPECT_NE(std::string::npos, f[0].why.find("23502")) << f[0].why;
  EXPECT_NE(std::string::npos, f[0].instead.find("DEFAULT 0")) << f[0].instead;
}

// What `migrate lint --database-url` weighs a finding by: the existing
// table it locks, as the statement names it; none for an index dropped by
// its name.
TEST(MigrationLint, AFindingNamesTheTableItLocks) {
  std::vector<LintFinding> f =
      Lint("CREATE INDEX accounts_owner ON billing.accounts (owner);\n"
           "ALTER TABLE users ALTER COLUMN id TYPE bigint;\n"
           "TRUNCATE events CASCADE;\nREINDEX TABLE orders;\nDROP TABLE logs;\n"
           "DROP INDEX old_idx;\n");
  ASSERT_EQ(6u, f.size());
  std::vector<std::string> tables;
  for (const LintFinding& finding : f) tables.push_back(finding.table.Display());
  EXPECT_EQ((std::vector<std::string>{"billing.accounts", "users", "events", "orders", "logs", ""}),
            tables);
}

TEST(MigrationLint, NotNullColumnWithoutDefault) {
  EXPECT_EQ(Ids{"add-column-not-null-without-default"},
            Rules("alter table users add age int not null"));
  EXPECT_EQ(Ids{"add-column-not-null-without-default"},
            Rules("ALTER TABLE IF EXISTS ONLY public.\"Users\" ADD COLUMN IF NOT EXISTS \"Age\" "
                  "int CONSTRAINT x NOT NULL"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT 0"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE users ADD COLUMN age int DEFAULT 0 NOT NULL"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE users ADD COLUMN age int"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE users ADD COLUMN ok boolean DEFAULT (a IS NOT NULL)"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE users ADD COLUMN note text -- NOT NULL later\n"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE users ADD COLUMN note text /* NOT NULL */"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE users ADD COLUMN note text DEFAULT 'NOT NULL'"));
  // A table its own migration created has no rows and no readers.
  EXPECT_EQ(kNone, Rules("CREATE TABLE users (id int); ALTER TABLE users ADD age int NOT NULL"));
  EXPECT_EQ(kNone, Rules("CREATE TABLE IF NOT EXISTS app.users (id int);"
                         "ALTER TABLE app.users ADD age int NOT NULL"));
  EXPECT_EQ(Ids{"add-column-not-null-without-default"},
            Rules("CREATE TABLE app.users (id int); ALTER TABLE other.users ADD age int NOT NULL"));
  EXPECT_EQ(Ids{"add-column-not-null-without-default"},
            Rules("CREATE TABLE \"Users\" (id int); ALTER TABLE users ADD age int NOT NULL"));
}

TEST(MigrationLint, ColumnDefaultsThatRewrite) {
  const Ids rewrite{"add-column-rewrites-table"};
  for (const char* def : {"clock_timestamp()", "random()", "gen_random_uuid()",
                          "public.uuid_generate_v4()", "nextval('s')", "my_function(1)",
                          "(random() * 10)::int", "coalesce(a, random())"})
    EXPECT_EQ(rewrite, Rules(std::string("ALTER TABLE t ADD COLUMN c int DEFAULT ") + def))
        << def;
  for (const char* def : {"now()", "0", "'x'", "CURRENT_TIMESTAMP", "'{}'::jsonb",
                          "'a'::varchar(10)", "CAST('1' AS numeric(10, 2))", "lower('X')",
                          "-1", "ARRAY[]::text[]", "now() + interval '1 day'"})
    EXPECT_EQ(kNone, Rules(std::string("ALTER TABLE t ADD COLUMN c int DEFAULT ") + def)) << def;
  EXPECT_EQ(rewrite, Rules("ALTER TABLE t ADD COLUMN id bigserial"));
  EXPECT_EQ(rewrite, Rules("ALTER TABLE t ADD COLUMN id SERIAL NOT NULL"));
  EXPECT_EQ(rewrite, Rules("ALTER TABLE t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY"));
  EXPECT_EQ(rewrite, Rules("ALTER TABLE t ADD COLUMN id int NOT NULL GENERATED BY DEFAULT AS "
                           "IDENTITY"));
  EXPECT_EQ(rewrite, Rules("ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (a * 2) STORED"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (a * 2) VIRTUAL",
                         Postgres(18)));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (a * 2)",
                         Postgres(18)));
  EXPECT_EQ(kNone, Rules("CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN id bigserial"));
}

TEST(MigrationLint, ColumnTypeChanges) {
  const Ids type{"alter-column-type"};
  EXPECT_EQ(type, Rules("ALTER TABLE t ALTER COLUMN c TYPE bigint"));
  EXPECT_EQ(type, Rules("alter table t alter c set data type text using c::text"));
  EXPECT_EQ(type, Rules("ALTER TABLE \"T\" ALTER COLUMN \"C\" TYPE varchar(20)"));
  std::vector<LintFinding> f = Lint("ALTER TABLE s.t ALTER COLUMN c TYPE numeric(12, 2) USING c");
  ASSERT_EQ(1u, f.size());
  EXPECT_NE(std::string::npos, f[0].why.find("type of s.t.c to numeric(12, 2)")) << f[0].why;
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ALTER COLUMN c SET DEFAULT 1"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ALTER COLUMN c DROP NOT NULL"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ALTER COLUMN c SET STATISTICS 100"));
  EXPECT_EQ(kNone, Rules("CREATE TABLE t (c int); ALTER TABLE t ALTER COLUMN c TYPE bigint"));
}

TEST(MigrationLint, ConstraintsThatValidate) {
  EXPECT_EQ(Ids{"add-foreign-key-validates"},
            Rules("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users"));
  EXPECT_EQ(Ids{"add-foreign-key-validates"},
            Rules("ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id)"));
  EXPECT_EQ(Ids{"add-foreign-key-validates"},
            Rules("ALTER TABLE orders ADD COLUMN user_id int REFERENCES users (id)"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) "
                         "REFERENCES users (id) NOT VALID"));
  EXPECT_EQ(Ids{"add-check-validates"}, Rules("ALTER TABLE t ADD CHECK (a > 0)"));
  EXPECT_EQ(Ids{"add-check-validates"},
            Rules("ALTER TABLE t ADD CONSTRAINT \"positive\" CHECK (a > 0 AND b NOT IN (1))"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ADD CONSTRAINT positive CHECK (a > 0) NOT VALID"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t VALIDATE CONSTRAINT positive"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t DROP CONSTRAINT positive"));
  EXPECT_EQ(kNone, Rules("CREATE TABLE t (a int); ALTER TABLE t ADD CHECK (a > 0)"));
}

TEST(MigrationLint, ConstraintsThatBuildAnIndex) {
  const Ids index{"add-constraint-builds-index"};
  EXPECT_EQ(index, Rules("ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)"));
  EXPECT_EQ(index, Rules("ALTER TABLE t ADD UNIQUE (a) USING INDEX TABLESPACE fast"));
  EXPECT_EQ(index, Rules("ALTER TABLE t ADD PRIMARY KEY (id)"));
  EXPECT_EQ(index, Rules("ALTER TABLE t ADD CONSTRAINT ex EXCLUDE USING gist (r WITH &&)"));
  EXPECT_EQ(index, Rules("ALTER TABLE t ADD COLUMN code text UNIQUE"));
  EXPECT_EQ(index, Rules("ALTER TABLE t ADD COLUMN code text CONSTRAINT pk PRIMARY KEY"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX u_idx"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY USING INDEX pk_idx"));
}

TEST(MigrationLint, IndexesWithoutConcurrently) {
  const Ids create{"create-index-locks-writes"};
  EXPECT_EQ(create, Rules("CREATE INDEX i ON t (a)"));
  EXPECT_EQ(create, Rules("create unique index if not exists i on only public.t using btree (a)"));
  EXPECT_EQ(create, Rules("CREATE INDEX ON \"T\" (a)"));
  EXPECT_EQ(kNone, Rules("CREATE INDEX CONCURRENTLY i ON t (a)", {}, false));
  EXPECT_EQ(kNone, Rules("CREATE TABLE t (a int); CREATE INDEX i ON t (a)"));
  EXPECT_EQ(kNone, Rules("CREATE TABLE s.t (a int); CREATE INDEX i ON s.t (a); DROP INDEX s.i"));
  const Ids drop{"drop-index-locks-table"};
  EXPECT_EQ(drop, Rules("DROP INDEX i"));
  EXPECT_EQ(drop, Rules("DROP INDEX IF EXISTS public.i, j CASCADE"));
  EXPECT_EQ(kNone, Rules("DROP INDEX CONCURRENTLY IF EXISTS i", {}, false));
  EXPECT_EQ(kNone, Rules("CREATE TABLE t (a int); CREATE INDEX i ON t (a); DROP INDEX i"));
  // An index built in the batch on an existing table still locks it to drop.
  EXPECT_EQ((Ids{"create-index-locks-writes", "drop-index-locks-table"}),
            Rules("CREATE INDEX i ON t (a); DROP INDEX i"));
}

TEST(MigrationLint, RenamesAndDrops) {
  EXPECT_EQ(Ids{"rename-column"}, Rules("ALTER TABLE t RENAME COLUMN a TO b"));
  EXPECT_EQ(Ids{"rename-column"}, Rules("ALTER TABLE t RENAME \"A\" TO b"));
  EXPECT_EQ(Ids{"rename-table"}, Rules("ALTER TABLE public.t RENAME TO u"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t RENAME CONSTRAINT a TO b"));
  EXPECT_EQ(Ids{"drop-column"}, Rules("ALTER TABLE t DROP COLUMN a"));
  EXPECT_EQ(Ids{"drop-column"}, Rules("ALTER TABLE t DROP IF EXISTS a CASCADE"));
  EXPECT_EQ((Ids{"drop-table", "drop-table"}), Rules("DROP TABLE IF EXISTS a, s.b CASCADE"));
  EXPECT_EQ(kNone, Rules("CREATE TABLE t (a int); ALTER TABLE t RENAME TO u; "
                         "ALTER TABLE u RENAME a TO b; ALTER TABLE u DROP COLUMN b; "
                         "DROP TABLE u"));
  // Once dropped, a table of the batch is not new any more.
  EXPECT_EQ(Ids{"drop-table"}, Rules("CREATE TABLE t (a int); DROP TABLE t; DROP TABLE t"));
  std::vector<LintFinding> f = Lint("ALTER TABLE t ADD a int,\n DROP COLUMN b,\n RENAME c TO d");
  ASSERT_EQ(2u, f.size());
  EXPECT_EQ(3, f[0].line);
  EXPECT_EQ(4, f[1].line);
}

TEST(MigrationLint, EnumValueInATransactionBefore12) {
  const std::string sql = "ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'";
  EXPECT_EQ(Ids{"enum-add-value-in-transaction"}, Rules(sql, Postgres(11)));
  EXPECT_EQ(kNone, Rules(sql, Postgres(11), false));
  EXPECT_EQ(kNone, Rules(sql, Postgres(12)));
  EXPECT_EQ(kNone, Rules("ALTER TYPE mood RENAME VALUE 'a' TO 'b'", Postgres(11)));
  std::vector<LintFinding> f = Lint(sql, Postgres(11));
  ASSERT_EQ(1u, f.size());
  EXPECT_NE(std::string::npos, f[0].instead.find("-- migrate:up transaction:false"));
  Migration golang = MakeMigration(sql, true, 1, "m/1_x.up.sql");
  f = LintMigrations({golang}, Postgres(11));
  ASSERT_EQ(1u, f.size());
  EXPECT_NE(std::string::npos, f[0].instead.find("-- slugwright: transaction:false"));
}

TEST(MigrationLint, SetNotNullUnlessAValidatedCheckCameFirst) {
  const Ids scans{"set-not-null-scans"};
  EXPECT_EQ(scans, Rules("ALTER TABLE t ALTER COLUMN c SET NOT NULL"));
  const std::string safe =
      "ALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID;"
      "ALTER TABLE t VALIDATE CONSTRAINT c_nn;"
      "ALTER TABLE t ALTER COLUMN c SET NOT NULL;";
  // In one transaction the validation runs under the ADD's lock.
  EXPECT_EQ(Ids{"validate-in-same-transaction"}, Rules(safe, Postgres(12)));
  EXPECT_EQ((Ids{"validate-in-same-transaction", "set-not-null-scans"}),
            Rules(safe, Postgres(11)));
  EXPECT_EQ(kNone, Rules(safe, Postgres(12), false));
  EXPECT_EQ(scans, Rules(safe, Postgres(11), false));
  // Validated in an earlier migration of the batch.
  std::vector<Migration> batch = {
      MakeMigration("ALTER TABLE public.t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID"),
      MakeMigration("ALTER TABLE t VALIDATE CONSTRAINT c_nn", true, 2),
      MakeMigration("ALTER TABLE t ALTER c SET NOT NULL", true, 3)};
  EXPECT_TRUE(LintMigrations(batch, Postgres(16)).empty());
  // Not validated, or on another column or table.
  EXPECT_EQ(scans, Rules("ALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID;"
                         "ALTER TABLE t ALTER COLUMN c SET NOT NULL;", Postgres(16)));
  EXPECT_EQ((Ids{"add-check-validates", "set-not-null-scans"}),
            Rules("ALTER TABLE t ADD CHECK (d IS NOT NULL); ALTER TABLE t ALTER c SET NOT NULL",
                  Postgres(16)));
  EXPECT_EQ((Ids{"add-check-validates", "set-not-null-scans"}),
            Rules("ALTER TABLE u ADD CHECK (c IS NOT NULL); ALTER TABLE t ALTER c SET NOT NULL",
                  Postgres(16)));
  // A check added valid is validated (and flagged itself).
  EXPECT_EQ(Ids{"add-check-validates"},
            Rules("ALTER TABLE t ADD CHECK (c IS NOT NULL); ALTER TABLE t ALTER c SET NOT NULL",
                  Postgres(16)));
}

TEST(MigrationLint, LockTimeoutOnlyWhenRequired) {
  LintOptions required;
  required.require_lock_timeout = true;
  EXPECT_EQ(Ids{"drop-column"}, Rules("ALTER TABLE t DROP COLUMN a"));
  EXPECT_EQ((Ids{"missing-lock-timeout", "drop-column"}),
            Rules("ALTER TABLE t DROP COLUMN a", required));
  EXPECT_EQ((Ids{"missing-lock-timeout"}),
            Rules("ALTER TABLE t ALTER c SET DEFAULT 1; ALTER TABLE t ADD d int", required));
  EXPECT_EQ(kNone, Rules("SET lock_timeout = '2s'; ALTER TABLE t ALTER c SET DEFAULT 1",
                         required));
  EXPECT_EQ(kNone, Rules("SET LOCAL lock_timeout TO 2000; ALTER TABLE t ADD d int", required));
  EXPECT_EQ(kNone, Rules("SELECT set_config('lock_timeout', '2s', true); ALTER TABLE t ADD d int",
                         required));
  EXPECT_EQ(kNone, Rules("CREATE TABLE t (a int); CREATE INDEX i ON t (a); SELECT 1", required));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t VALIDATE CONSTRAINT c", required));
  // Per migration: the second one sets none.
  std::vector<Migration> batch = {MakeMigration("SET lock_timeout = '1s'; ALTER TABLE t ADD a int"),
                                  MakeMigration("ALTER TABLE t ADD b int", true, 2)};
  std::vector<LintFinding> f = LintMigrations(batch, required);
  ASSERT_EQ(1u, f.size());
  EXPECT_EQ(2, f[0].version);
}

TEST(MigrationLint, IgnoreCommentsOnOrAboveTheStatement) {
  EXPECT_EQ(kNone, Rules("-- slugwright-lint-ignore drop-column\nALTER TABLE t DROP COLUMN a;"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t DROP COLUMN a; -- slugwright-lint-ignore drop-column"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t /* slugwright-lint-ignore drop-column */ DROP a;"));
  EXPECT_EQ(kNone, Rules("--slugwright-lint-ignore drop-column, rename-column -- old code gone\n"
                         "ALTER TABLE t DROP COLUMN a, RENAME b TO c;"));
  // Only the statement it is on or above.
  EXPECT_EQ(Ids{"drop-column"},
            Rules("-- slugwright-lint-ignore drop-column\nALTER TABLE t DROP COLUMN a;\n"
                  "ALTER TABLE t DROP COLUMN b;"));
  EXPECT_EQ((Ids{"drop-column", "rename-column"}),
            Rules("ALTER TABLE t DROP COLUMN a; -- slugwright-lint-ignore rename-column\n"
                  "ALTER TABLE t RENAME b TO c;"));
  // Only the rules it names.
  EXPECT_EQ(Ids{"rename-column"},
            Rules("-- slugwright-lint-ignore drop-column\nALTER TABLE t DROP a, RENAME b TO c;"));
  // Not in a string.
  EXPECT_EQ(Ids{"drop-column"},
            Rules("ALTER TABLE t DROP a; SELECT '-- slugwright-lint-ignore drop-column';"));
}

TEST(MigrationLint, IgnoreCommentsPassTheFileReaderInBothFormats) {
  // `-- slugwright:` lines are directives to the file reader; the marker
  // is not one of them.
  const std::string sql = "-- slugwright-lint-ignore drop-column\nALTER TABLE t DROP a;\n";
  Migration dbmate = ParseMigrationFile("m/1_x.sql", "-- migrate:up\n" + sql);
  Migration golang = ParseMigrationFile("m/1_x.up.sql", "SELECT 1;\n" + sql);
  EXPECT_TRUE(LintMigrations({dbmate}, {}).empty());
  EXPECT_TRUE(LintMigrations({golang}, {}).empty());
}

TEST(MigrationLint, IgnoreCommentsNamingNoKnownRuleAreUsageErrors) {
  try {
    Lint("SELECT 1;\n-- slugwright-lint-ignore drop-colum\nALTER TABLE t DROP a");
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("m/1_x.sql:3:")) << e.what();
    EXPECT_NE(std::string::npos, std::string(e.what()).find("did you mean `drop-column`"))
        << e.what();
  }
  EXPECT_THROW(Lint("ALTER TABLE t DROP a; -- slugwright-lint-ignore"), UserError);
}

TEST(MigrationLint, StatementsOfAllKindsAreQuiet) {
  EXPECT_EQ(kNone, Rules("CREATE TABLE t (id bigserial PRIMARY KEY, a int NOT NULL REFERENCES u,"
                         " CHECK (a > 0), UNIQUE (a));"
                         "INSERT INTO t (a) VALUES (1); UPDATE u SET a = 1 WHERE id < 100;"
                         "DELETE FROM u WHERE a IS NULL; UPDATE t SET a = 2; DELETE FROM t;"
                         "CREATE VIEW v AS SELECT * FROM u; CREATE FUNCTION f() RETURNS int "
                         "LANGUAGE sql AS $$ ALTER TABLE u DROP COLUMN a $$;"
                         "COMMENT ON TABLE u IS 'DROP TABLE u'; GRANT SELECT ON u TO r;"
                         "CREATE TYPE mood AS ENUM ('a'); ALTER TABLE u ADD COLUMN b text;"
                         "ALTER TABLE u ALTER COLUMN b SET DEFAULT 'x'; ALTER INDEX i RENAME TO j;"
                         "DROP VIEW v; DROP FUNCTION f; ALTER TABLE u OWNER TO r"));
  EXPECT_EQ(kNone, Rules(""));
  EXPECT_EQ(kNone, Rules("-- only a comment"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ADD"));
  EXPECT_EQ(kNone, Rules("CREATE INDEX"));
}

TEST(MigrationLint, LongStatementsAreCutOnACharacterBoundary) {
  std::string sql = "ALTER TABLE t DROP COLUMN a, ADD b text DEFAULT '" + std::string(40, 'x') +
                    std::string(30, '\xC3') + "'";
  for (size_t i = 0; i < 30; ++i) sql[sql.size() - 2 - 2 * i] = '\xA9';
  std::vector<LintFinding> f = Lint(sql);
  ASSERT_EQ(1u, f.size());
  EXPECT_LE(f[0].statement.size(), 103u);
  EXPECT_EQ("...", f[0].statement.substr(f[0].statement.size() - 3));
  EXPECT_NE(0xC3, static_cast<unsigned char>(f[0].statement[f[0].statement.size() - 4]));
}

TEST(MigrationLint, BlankMigrationsAreSkipped) {
  Migration blank = MakeMigration("");
  blank.up_blank = true;
  EXPECT_TRUE(LintMigrations({blank}, {}).empty());
}

TEST(MigrationLint, EveryRuleIsInTheDocs) {
  const char* source = std::getenv("SLUGWRIGHT_SOURCE_DIR");
  if (source == nullptr) GTEST_SKIP() << "SLUGWRIGHT_SOURCE_DIR is not set (ctest sets it)";
  std::ifstream in(std::string(source) + "/docs/lint.md");
  ASSERT_TRUE(in) << "docs/lint.md";
  std::stringstream docs;
  docs << in.rdbuf();
  for (const LintRule& rule : LintRules())
    EXPECT_NE(std::string::npos, docs.str().find("`" + rule.id + "`")) << rule.id;
}

TEST(MigrationLint, ATableIsNewOnlyInTheMigrationThatCreatesIt) {
  // Issue 25's directory: production applied the first file long ago.
  std::vector<Migration> dir = {
      MakeMigration("CREATE TABLE accounts (id int, amount int);\n"
                    "CREATE INDEX accounts_id ON accounts (id);\n"
                    "ALTER TABLE accounts ALTER COLUMN amount TYPE bigint;",
                    true, 1, "m/1_create.sql"),
      MakeMigration("ALTER TABLE accounts ALTER COLUMN amount TYPE numeric(12, 2);", true, 2,
                    "m/2_widen.sql"),
      MakeMigration("CREATE INDEX accounts_amount ON accounts (amount);", true, 3,
                    "m/3_index.sql"),
      MakeMigration("ALTER TABLE accounts ADD COLUMN owner int NOT NULL;\n"
                    "DROP INDEX accounts_id;",
                    true, 4, "m/4_owner.sql")};
  std::vector<std::string> found;
  for (const LintFinding& f : LintMigrations(dir, {}))
    found.push_back(f.file + ":" + std::to_string(f.line) + " " + f.rule);
  EXPECT_EQ((Ids{"m/2_widen.sql:2 alter-column-type", "m/3_index.sql:2 create-index-locks-writes",
                 "m/4_owner.sql:2 add-column-not-null-without-default",
                 "m/4_owner.sql:3 drop-index-locks-table"}),
            found);
}

TEST(MigrationLint, ATableTheDatabaseHasIsNotCreatedByCreateIfNotExists) {
  const std::string sql =
      "CREATE TABLE IF NOT EXISTS accounts (id int); CREATE INDEX i ON accounts (id)";
  EXPECT_EQ(kNone, Rules(sql));
  LintOptions on_database;
  on_database.existing_tables = {{"public", "accounts", 0}};
  EXPECT_EQ(Ids{"create-index-locks-writes"}, Rules(sql, on_database));
  // An unqualified name matches the table in any schema (as the rules compare names).
  on_database.existing_tables = {{"archive", "accounts", 0}};
  EXPECT_EQ(Ids{"create-index-locks-writes"}, Rules(sql, on_database));
  on_database.existing_tables = {{"archive", "other", 0}};
  EXPECT_EQ(kNone, Rules(sql, on_database));
}

TEST(MigrationLint, StatementsTheRunnerCannotRunWhereTheyAreAreFindings) {
  // Read as `migrate lint` reads files: nothing refused at reading.
  SqlSplitOptions lint_read;
  lint_read.refuse_unrunnable_statements = false;
  Migration concurrently = ParseMigrationFile(
      "m/1_idx.sql",
      "-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (a);\nALTER TABLE t DROP COLUMN b;\n",
      lint_read);
  Migration golang = ParseMigrationFile(
      "m/2_idx.up.sql", "SET lock_timeout = '1s';\nDROP INDEX CONCURRENTLY j;\n", lint_read);
  Migration begin = ParseMigrationFile(
      "m/3_begin.sql", "-- migrate:up\nBEGIN;\nALTER TABLE t ADD c int;\nCOMMIT;\n", lint_read);
  Migration copy = ParseMigrationFile(
      "m/4_copy.sql", "-- migrate:up transaction:false\nCOPY t FROM STDIN;\n", lint_read);
  std::vector<std::string> found;
  std::vector<LintFinding> findings = LintMigrations({concurrently, golang, begin, copy}, {});
  for (const LintFinding& f : findings)
    found.push_back(f.file + ":" + std::to_string(f.line) + " " + f.rule);
  EXPECT_EQ((Ids{"m/1_idx.sql:2 cannot-run-in-transaction", "m/1_idx.sql:3 drop-column",
                 "m/2_idx.up.sql:2 cannot-run-in-transaction",
                 "m/3_begin.sql:2 transaction-control-in-migration",
                 "m/3_begin.sql:4 transaction-control-in-migration",
                 "m/4_copy.sql:2 statement-not-runnable"}),
            found);
  EXPECT_EQ(0u, findings[0].why.find("`CREATE INDEX CONCURRENTLY` cannot run inside a "
                                     "transaction block, and this migration runs in one: the "
                                     "server refuses it"))
      << findings[0].why;
  EXPECT_NE(std::string::npos, findings[0].instead.find("-- migrate:up transaction:false"));
  EXPECT_NE(std::string::npos, findings[2].instead.find("-- slugwright: transaction:false"));
  EXPECT_EQ("CREATE INDEX CONCURRENTLY i ON t (a);", findings[0].statement);
  // Read as the release reads it, the same file is refused.
  EXPECT_THROW(ParseMigrationFile("m/1_idx.sql",
                                  "-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (a);\n"),
               UserError);
}

TEST(MigrationLint, OneMigrationThatCannotBeLintedDoesNotStopTheBatch) {
  std::vector<Migration> batch = {
      MakeMigration("-- slugwright-lint-ignore drop-colum\nALTER TABLE t DROP a", true, 1,
                    "m/1_typo.sql"),
      MakeMigration("ALTER TABLE t DROP COLUMN b", true, 2, "m/2_drop.sql")};
  LintOutcome outcome = LintBatch(batch, {});
  EXPECT_EQ(2u, outcome.migrations);
  ASSERT_EQ(1u, outcome.errors.size());
  EXPECT_EQ("m/1_typo.sql", outcome.errors[0].file);
  EXPECT_NE(std::string::npos, outcome.errors[0].message.find("m/1_typo.sql:2:"))
      << outcome.errors[0].message;
  ASSERT_EQ(1u, outcome.findings.size());
  EXPECT_EQ("m/2_drop.sql", outcome.findings[0].file);
}

TEST(MigrationLint, ValidateInTheTransactionThatAddedTheConstraintNotValid) {
  const Ids same{"validate-in-same-transaction"};
  EXPECT_EQ(same, Rules("ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES u NOT VALID;"
                        "ALTER TABLE t VALIDATE CONSTRAINT fk;"));
  EXPECT_EQ(same, Rules("ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0) NOT VALID,"
                        " VALIDATE CONSTRAINT pos"));
  // Another migration, another constraint, or no transaction around both.
  EXPECT_TRUE(LintMigrations({MakeMigration("ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0) "
                                            "NOT VALID"),
                              MakeMigration("ALTER TABLE t VALIDATE CONSTRAINT pos", true, 2)},
                             {})
                  .empty());
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ADD CONSTRAINT a CHECK (a > 0) NOT VALID;"
                         "ALTER TABLE t VALIDATE CONSTRAINT b;"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE t ADD CONSTRAINT pos CHECK (a > 0) NOT VALID;"
                         "ALTER TABLE t VALIDATE CONSTRAINT pos;", {}, false));
}

TEST(MigrationLint, ReindexDetachPartitionAndTruncateCascade) {
  const Ids reindex{"reindex-locks-table"};
  EXPECT_EQ(reindex, Rules("REINDEX INDEX accounts_amount_idx"));
  EXPECT_EQ(reindex, Rules("REINDEX (VERBOSE) TABLE public.accounts"));
  EXPECT_EQ(reindex, Rules("REINDEX DATABASE app"));
  EXPECT_EQ(kNone, Rules("REINDEX INDEX CONCURRENTLY accounts_amount_idx", {}, false));
  EXPECT_EQ(kNone, Rules("REINDEX (CONCURRENTLY) TABLE accounts", {}, false));
  EXPECT_EQ(kNone, Rules("CREATE TABLE a (id int); CREATE INDEX a_id ON a (id);"
                         "REINDEX INDEX a_id; REINDEX TABLE a"));
  EXPECT_EQ(Ids{"detach-partition-locks-table"},
            Rules("ALTER TABLE events DETACH PARTITION events_2023"));
  EXPECT_EQ(kNone, Rules("ALTER TABLE events DETACH PARTITION events_2023 CONCURRENTLY", {},
                         false));
  EXPECT_EQ(kNone, Rules("ALTER TABLE events DETACH PARTITION events_2023 FINALIZE"));
  EXPECT_EQ(Ids{"truncate-cascade"}, Rules("TRUNCATE TABLE ONLY accounts RESTART IDENTITY CASCADE"));
  EXPECT_EQ(kNone, Rules("TRUNCATE accounts"));
  std::vector<LintFinding> f = Lint("TRUNCATE accounts, ledger CASCADE");
  ASSERT_EQ(1u, f.size());
  EXPECT_NE(std::string::npos, f[0].why.find("empties accounts with CASCADE")) << f[0].why;
}

TEST(MigrationLint, UpdatesAndDeletesOfEveryRowOfAnExistingTable) {
  const Ids flagged{"unbatched-backfill"};
  EXPECT_EQ(flagged, Rules("UPDATE accounts SET plan = 'free'"));
  EXPECT_EQ(flagged, Rules("UPDATE ONLY public.accounts AS a SET plan = p.name FROM plans p"));
  EXPECT_EQ(flagged, Rules("DELETE FROM sessions"));
  EXPECT_EQ(flagged, Rules("DELETE FROM ONLY sessions s USING users u"));
  // A WHERE inside a subquery does not bound the rows changed.
  EXPECT_EQ(flagged,
            Rules("UPDATE accounts SET plan = (SELECT name FROM plans WHERE plans.id = 1)"));
  EXPECT_EQ(flagged, Rules("WITH p AS (SELECT id FROM plans WHERE free) "
                           "UPDATE accounts SET plan_id = (SELECT id FROM p)"));
  // Bounded: a WHERE of its own, a batch, a cursor's row.
  EXPECT_EQ(kNone, Rules("UPDATE accounts SET plan = 'free' WHERE plan IS NULL"));
  EXPECT_EQ(kNone, Rules("UPDATE accounts SET plan = p.name FROM plans p WHERE p.id = plan_id"));
  EXPECT_EQ(kNone, Rules("DELETE FROM sessions WHERE id >= 1 AND id < 10001"));
  EXPECT_EQ(kNone, Rules("WITH b AS (SELECT id FROM accounts WHERE plan IS NULL LIMIT 1000) "
                         "UPDATE accounts SET plan = 'free' FROM b WHERE accounts.id = b.id"));
  EXPECT_EQ(kNone, Rules("UPDATE accounts SET plan = 'free' WHERE CURRENT OF c"));
  EXPECT_EQ(kNone, Rules("WITH p AS (SELECT 1) SELECT * FROM p"));
  EXPECT_EQ(kNone, Rules("UPDATE"));
  EXPECT_EQ(kNone, Rules("DELETE"));
  // A table its own migration created has no one else's rows yet; a later
  // migration's backfill of it does.
  EXPECT_EQ(kNone, Rules("CREATE TABLE plans (id int, name text);"
                         "INSERT INTO plans VALUES (1, 'free'); UPDATE plans SET name = 'Free';"
                         "DELETE FROM plans"));
  std::vector<LintFinding> later =
      LintMigrations({MakeMigration("CREATE TABLE plans (id int, name text);", true, 1),
                      MakeMigration("UPDATE plans SET name = 'Free';", true, 2)},
                     {});
  ASSERT_EQ(1u, later.size());
  EXPECT_EQ(2, later[0].version);
  // What it says: the statement, the table, why and what to write.
  std::vector<LintFinding> f = Lint("SELECT 1;\nUPDATE accounts\n  SET plan = 'free';");
  ASSERT_EQ(1u, f.size());
  EXPECT_EQ("unbatched-backfill", f[0].rule);
  EXPECT_EQ(3, f[0].line);
  EXPECT_EQ("accounts", f[0].table.Display());
  EXPECT_EQ("UPDATE accounts SET plan = 'free';", f[0].statement);
  EXPECT_NE(std::string::npos, f[0].why.find("updates every row of accounts")) << f[0].why;
  EXPECT_NE(std::string::npos, f[0].why.find("locked until the commit")) << f[0].why;
  EXPECT_NE(std::string::npos, f[0].why.find("bloat")) << f[0].why;
  EXPECT_NE(std::string::npos, f[0].instead.find("by primary-key range")) << f[0].instead;
  EXPECT_NE(std::string::npos, f[0].instead.find("-- migrate:up transaction:false"))
      << f[0].instead;
  f = Lint("DELETE FROM sessions");
  ASSERT_EQ(1u, f.size());
  EXPECT_NE(std::string::npos, f[0].why.find("deletes every row of sessions")) << f[0].why;
  // MERGE changes existing rows through a matched branch; its source bounds
  // them only when it is a subquery with a WHERE or LIMIT of its own.
  EXPECT_EQ(flagged, Rules("MERGE INTO accounts a USING plans p ON a.plan_id = p.id "
                           "WHEN MATCHED THEN UPDATE SET plan = p.name"));
  EXPECT_EQ(flagged, Rules("MERGE INTO ONLY public.accounts USING (SELECT id FROM old) o "
                           "ON accounts.id = o.id WHEN MATCHED AND o.gone THEN DELETE "
                           "WHEN NOT MATCHED THEN DO NOTHING"));
  EXPECT_EQ(flagged, Rules("WITH p AS (SELECT * FROM plans) MERGE INTO accounts USING p "
                           "ON accounts.plan_id = p.id WHEN MATCHED THEN UPDATE SET plan = p.name"));
  EXPECT_EQ(kNone, Rules("MERGE INTO accounts USING (SELECT * FROM plans WHERE id < 1000) p "
                         "ON accounts.plan_id = p.id WHEN MATCHED THEN UPDATE SET plan = p.name"));
  EXPECT_EQ(kNone, Rules("MERGE INTO accounts USING (SELECT * FROM plans LIMIT 500) p "
                         "ON accounts.plan_id = p.id WHEN MATCHED THEN DELETE"));
  EXPECT_EQ(kNone, Rules("MERGE INTO accounts USING plans p ON accounts.plan_id = p.id "
                         "WHEN NOT MATCHED THEN INSERT (plan) VALUES (p.name)"));
  EXPECT_EQ(kNone, Rules("MERGE INTO accounts USING plans p ON accounts.plan_id = p.id "
                         "WHEN MATCHED THEN DO NOTHING"));
  EXPECT_EQ(kNone, Rules("CREATE TABLE plans2 (id int); MERGE INTO plans2 USING plans p "
                         "ON plans2.id = p.id WHEN MATCHED THEN DELETE"));
  // An upsert from a whole SELECT updates every row it conflicts with; rows
  // given as VALUES, a bounded SELECT or DO NOTHING do not.
  EXPECT_EQ(flagged, Rules("INSERT INTO accounts (id, plan) SELECT a.id, p.name FROM legacy a "
                           "JOIN plans p ON p.id = a.plan_id "
                           "ON CONFLICT (id) DO UPDATE SET plan = excluded.plan"));
  EXPECT_EQ(flagged, Rules("WITH l AS (SELECT * FROM legacy) INSERT INTO accounts SELECT * "
                           "FROM l ON CONFLICT ON CONSTRAINT accounts_pkey DO UPDATE SET "
                           "plan = excluded.plan WHERE accounts.plan IS DISTINCT FROM "
                           "excluded.plan"));
  EXPECT_EQ(kNone, Rules("INSERT INTO accounts (id, plan) VALUES (1, 'a'), (2, 'b') "
                         "ON CONFLICT (id) DO UPDATE SET plan = excluded.plan"));
  EXPECT_EQ(kNone, Rules("INSERT INTO accounts SELECT * FROM legacy WHERE id < 10000 "
                         "ON CONFLICT (id) DO UPDATE SET plan = excluded.plan"));
  EXPECT_EQ(kNone, Rules("INSERT INTO accounts SELECT * FROM legacy ON CONFLICT DO NOTHING"));
  EXPECT_EQ(kNone, Rules("INSERT INTO accounts SELECT * FROM legacy"));
  EXPECT_EQ(kNone, Rules("INSERT"));
  EXPECT_EQ(kNone, Rules("MERGE"));
  f = Lint("MERGE INTO accounts USING plans p ON accounts.plan_id = p.id "
           "WHEN MATCHED THEN UPDATE SET plan = p.name");
  ASSERT_EQ(1u, f.size());
  EXPECT_EQ("accounts", f[0].table.Display());
  EXPECT_NE(std::string::npos, f[0].why.find("merges into every matching row of accounts"))
      << f[0].why;
  f = Lint("INSERT INTO accounts SELECT * FROM legacy ON CONFLICT (id) DO UPDATE SET plan = 1");
  ASSERT_EQ(1u, f.size());
  EXPECT_NE(std::string::npos, f[0].why.find("ON CONFLICT DO UPDATE")) << f[0].why;
  // Silenced like the others (squawk has no such rule, so no squawk-ignore).
  EXPECT_EQ(kNone, Rules("-- slugwright-lint-ignore unbatched-backfill -- a 10-row table\n"
                         "UPDATE settings SET v = 'x';"));
}

TEST(MigrationLint, SquawkIgnoreCommentsSilenceTheMappedRules) {
  EXPECT_EQ(kNone, Rules("-- squawk-ignore changing-column-type\n"
                         "ALTER TABLE t ALTER COLUMN c TYPE bigint;"));
  EXPECT_EQ(kNone, Rules("-- squawk-ignore ban-drop-column, renaming-column\n"
                         "ALTER TABLE t DROP COLUMN a, RENAME b TO c;"));
  // Only the next statement, only the mapped rules.
  EXPECT_EQ(Ids{"alter-column-type"},
            Rules("-- squawk-ignore changing-column-type\nALTER TABLE t ALTER c TYPE bigint;\n"
                  "ALTER TABLE t ALTER d TYPE bigint;"));
  EXPECT_EQ(Ids{"drop-column"}, Rules("-- squawk-ignore renaming-column\n"
                                      "ALTER TABLE t DROP COLUMN a;"));
  // A squawk rule slugwright has no counterpart for, and squawk's file-wide
  // marker, silence nothing and are no error.
  EXPECT_EQ(Ids{"drop-column"}, Rules("-- squawk-ignore prefer-robust-stmts\n"
                                      "ALTER TABLE t DROP COLUMN a;"));
  EXPECT_EQ(Ids{"drop-column"}, Rules("-- squawk-ignore-file\nALTER TABLE t DROP COLUMN a;"));
}

TEST(MigrationLint, EverySquawkMappingNamesSlugwrightRulesAndIsInTheDocs) {
  std::set<std::string> ids;
  for (const LintRule& rule : LintRules()) ids.insert(rule.id);
  for (const SquawkRule& squawk : SquawkRules())
    for (const std::string& id : squawk.rules) EXPECT_TRUE(ids.count(id)) << squawk.name << " " << id;
  const char* source = std::getenv("SLUGWRIGHT_SOURCE_DIR");
  if (source == nullptr) GTEST_SKIP() << "SLUGWRIGHT_SOURCE_DIR is not set (ctest sets it)";
  std::ifstream in(std::string(source) + "/docs/lint.md");
  std::stringstream docs;
  docs << in.rdbuf();
  for (const SquawkRule& squawk : SquawkRules())
    EXPECT_NE(std::string::npos, docs.str().find("| `" + squawk.name + "` |")) << squawk.name;
}
