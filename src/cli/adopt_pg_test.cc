// `slugwright migrate adopt` end to end: for each tool a team may come
// from, a database whose history table and schema are what that tool
// leaves, adopted by the real binary: the tool's table by its documented
// DDL for each tool, and in addition dbmate, knex, sequelize-cli and
// node-pg-migrate themselves, installed from npm (skipped, saying why,
// where npm or its registry is unavailable). The next `release`
// applies only what is new, and reruns change nothing. Also the refusals:
// `release` on such a database before adopting, a history table named
// after another tool's, and a dirty golang-migrate database.

#include <functional>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "testing/npm_tools.h"
#include "testing/pg_fixture.h"
#include "testing/test_util.h"

namespace {

/// Three migrations: each creates tN (idempotently, as peers' files often
/// do) and logs its version in `applied_log`, so a re-apply shows as a
/// second row.
class AdoptPgTest : public SlugwrightPgTest {
 protected:
  static std::string FileName(int n) {
    return "2024010100000" + std::to_string(n) + "_create_t" + std::to_string(n) + ".sql";
  }
  void WriteFile(int n) {
    std::string t = "t" + std::to_string(n);
    WriteMigration(FileName(n), "-- migrate:up\nCREATE TABLE IF NOT EXISTS " + t +
                                    " (id int);\nINSERT INTO applied_log VALUES (" +
                                    std::to_string(n) + ");\n\n-- migrate:down\nDROP TABLE " +
                                    t + ";\n");
  }
  /// The schema the other tool built by applying migrations 1 and 2.
  void ApplyFirstTwoByHand() {
    db_.Exec("CREATE TABLE applied_log (v int)");
    for (int n = 1; n <= 2; ++n)
      db_.Exec("CREATE TABLE t" + std::to_string(n) + " (id int); INSERT INTO applied_log "
               "VALUES (" + std::to_string(n) + ")");
  }
  /// Makes the real tools `packages` (installed once per machine) usable
  /// from tmp_/npm, the tests' working directory for them; false (with the
  /// reason) when npm or its registry is unavailable, to skip the test.
  bool NpmInstall(const std::string& packages, std::string* why) {
    std::string prefix = InstallNpmTools(packages, why);
    if (prefix.empty()) return false;
    tmp_.Write("npm/.keep", "");
    return slugwright_.RunShell("ln -sfn '" + prefix + "/node_modules' '" + Npm() +
                                "/node_modules'").code == 0;
  }
  std::string Npm() const { return tmp_.path() + "/npm"; }
  std::vector<std::string> Release() const { return {"release", "--dir", Dir()}; }
  std::vector<std::string> Adopt(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> args = {"migrate", "adopt", "--dir", Dir()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  /// Adopts, releases (only migration 3 runs), and checks both reruns are
  /// no-ops.
  void ExpectAdoptThenReleaseAppliesOnlyTheNewOne(const std::string& tool_table) {
    for (int n = 1; n <= 3; ++n) WriteFile(n);
    RunResult dry = Run(Adopt({"--dry-run"}));
    ASSERT_EQ(dry.code, 0) << dry.all();
    EXPECT_TRUE(Contains(dry.out, FileName(1) + " -> ")) << dry.out;
    EXPECT_TRUE(Contains(dry.out, tool_table)) << dry.out;
    EXPECT_FALSE(db_.HistoryExists());

    RunResult adopt = Run(Adopt());
    ASSERT_EQ(adopt.code, 0) << adopt.all();
    EXPECT_TRUE(Contains(adopt.out, "Adopted 2 migrations")) << adopt.out;
    EXPECT_EQ(db_.HistoryCount(), 2);
    EXPECT_EQ(db_.Count("SELECT count(*) FROM slugwright_migrations_events WHERE event = "
                        "'adopted'"),
              3);  // one per migration and one for the run
    EXPECT_EQ(db_.Scalar("SELECT left(checksum, 7) FROM slugwright_migrations WHERE version = "
                         "20240101000001"),
              "sha256:");

    RunResult release = Run(Release());
    ASSERT_EQ(release.code, 0) << release.all();
    EXPECT_EQ(db_.Scalar("SELECT string_agg(v::text, ',' ORDER BY v) FROM applied_log"),
              "1,2,3");
    EXPECT_EQ(db_.HistoryCount(), 3);

    RunResult again = Run(Release());
    ASSERT_EQ(again.code, 0) << again.all();
    EXPECT_TRUE(Contains(again.out, "up to date")) << again.out;
    RunResult readopt = Run(Adopt());
    ASSERT_EQ(readopt.code, 0) << readopt.all();
    EXPECT_TRUE(Contains(readopt.out, "Nothing to adopt")) << readopt.out;
    EXPECT_EQ(db_.Count("SELECT count(*) FROM applied_log"), 3);
  }
};

/// One tool: its history table as the tool creates it, with migrations 1
/// and 2 recorded the way the tool records them.
struct ToolCase {
  std::string name;
  std::string table;
  std::string history_sql;
};

void PrintTo(const ToolCase& c, std::ostream* out) { *out << c.name; }

class AdoptEachTool : public AdoptPgTest, public ::testing::WithParamInterface<ToolCase> {};

const ToolCase kTools[] = {
    {"dbmate", "`schema_migrations`",
     "CREATE TABLE IF NOT EXISTS schema_migrations (version varchar(128) PRIMARY KEY);"
     "INSERT INTO schema_migrations VALUES ('20240101000001'), ('20240101000002')"},
    {"golang_migrate", "`schema_migrations`",
     "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, "
     "dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (20240101000002, false)"},
    {"flyway", "`flyway_schema_history`",
     "CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL, version VARCHAR(50), "
     "description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT "
     "NULL, checksum INTEGER, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT "
     "NULL DEFAULT now(), execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL);"
     "ALTER TABLE flyway_schema_history ADD CONSTRAINT flyway_schema_history_pk PRIMARY KEY "
     "(installed_rank);"
     "CREATE INDEX flyway_schema_history_s_idx ON flyway_schema_history (success);"
     "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, "
     "checksum, installed_by, execution_time, success) VALUES "
     "(1, '20240101000001', 'create t1', 'SQL', 'V20240101000001__create_t1.sql', 1, 'app', 5, "
     "true), (2, '20240101000002', 'create t2', 'SQL', 'V20240101000002__create_t2.sql', 2, "
     "'app', 5, true), (3, '20240101000003', 'create t3', 'SQL', "
     "'V20240101000003__create_t3.sql', 3, 'app', 5, false)"},
    {"node_pg_migrate", "`pgmigrations`",
     "CREATE TABLE pgmigrations (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on "
     "timestamp NOT NULL); INSERT INTO pgmigrations (name, run_on) VALUES "
     "('20240101000001_create-t1', now()), ('20240101000002_create-t2', now())"},
    {"rails", "`schema_migrations`",
     "CREATE TABLE schema_migrations (version character varying NOT NULL PRIMARY KEY);"
     "CREATE TABLE ar_internal_metadata (key character varying NOT NULL PRIMARY KEY, value "
     "character varying, created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL);"
     "INSERT INTO ar_internal_metadata VALUES ('environment', 'production', now(), now());"
     "INSERT INTO schema_migrations VALUES ('20240101000001'), ('20240101000002')"},
    {"sequelize", "`SequelizeMeta`",
     "CREATE TABLE \"SequelizeMeta\" (name VARCHAR(255) NOT NULL UNIQUE, PRIMARY KEY (name));"
     "INSERT INTO \"SequelizeMeta\" VALUES ('20240101000001-create-t1.js'), "
     "('20240101000002-create-t2.js')"},
    {"knex", "`knex_migrations`",
     "CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch integer, "
     "migration_time timestamptz); CREATE TABLE knex_migrations_lock (index serial PRIMARY "
     "KEY, is_locked integer); INSERT INTO knex_migrations (name, batch, migration_time) "
     "VALUES ('20240101000001_create_t1.js', 1, now()), ('20240101000002_create_t2.js', 1, "
     "now())"},
};

}  // namespace

TEST_P(AdoptEachTool, AdoptedThenReleaseAppliesOnlyWhatIsNewAndRerunsAreNoOps) {
  ApplyFirstTwoByHand();
  db_.Exec(GetParam().history_sql);
  ExpectAdoptThenReleaseAppliesOnlyTheNewOne(GetParam().table);
}

INSTANTIATE_TEST_SUITE_P(Tools, AdoptEachTool, ::testing::ValuesIn(kTools),
                         [](const ::testing::TestParamInfo<ToolCase>& info) {
                           return info.param.name;
                         });

TEST_F(AdoptPgTest, RealDbmateFromNpmIsAdopted) {
  std::string why;
  if (!NpmInstall("dbmate", &why)) GTEST_SKIP() << why;
  db_.Exec("CREATE TABLE applied_log (v int)");
  WriteFile(1);
  WriteFile(2);
  std::string url = db_.url() + (Contains(db_.url(), "?") ? "&" : "?") + "sslmode=disable";
  RunResult dbmate = slugwright_.RunShell("'" + Npm() + "/node_modules/.bin/dbmate' --url '" +
                                          url + "' --migrations-dir '" + Dir() +
                                          "' --no-dump-schema up");
  ASSERT_EQ(dbmate.code, 0) << dbmate.all();
  ASSERT_EQ(db_.Count("SELECT count(*) FROM schema_migrations"), 2);
  ExpectAdoptThenReleaseAppliesOnlyTheNewOne("dbmate's `schema_migrations`");
}

TEST_F(AdoptPgTest, RealKnexFromNpmIsAdopted) {
  std::string why;
  if (!NpmInstall("knex pg", &why)) GTEST_SKIP() << why;
  db_.Exec("CREATE TABLE applied_log (v int)");
  tmp_.Write("npm/knexfile.js",
             "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, "
             "migrations: { directory: './knex_migrations' } };\n");
  for (int n = 1; n <= 2; ++n) {
    std::string t = "t" + std::to_string(n);
    tmp_.Write("npm/knex_migrations/2024010100000" + std::to_string(n) + "_create_" + t + ".js",
               "exports.up = (knex) => knex.raw('CREATE TABLE " + t +
                   " (id int); INSERT INTO applied_log VALUES (" + std::to_string(n) +
                   ")');\nexports.down = (knex) => knex.raw('DROP TABLE " + t + "');\n");
  }
  RunResult knex = slugwright_.RunShell(
      "cd '" + Npm() + "' && node_modules/.bin/knex migrate:latest --knexfile knexfile.js");
  ASSERT_EQ(knex.code, 0) << knex.all();
  ASSERT_EQ(db_.Count("SELECT count(*) FROM knex_migrations"), 2);
  ExpectAdoptThenReleaseAppliesOnlyTheNewOne("knex's `knex_migrations`");
}

TEST_F(AdoptPgTest, RealSequelizeCliFromNpmIsAdopted) {
  std::string why;
  if (!NpmInstall("sequelize-cli sequelize pg", &why)) GTEST_SKIP() << why;
  db_.Exec("CREATE TABLE applied_log (v int)");
  for (int n = 1; n <= 2; ++n) {
    std::string t = "t" + std::to_string(n);
    tmp_.Write("npm/seq_migrations/2024010100000" + std::to_string(n) + "-create-" + t + ".js",
               "module.exports = {\n  up: (qi) => qi.sequelize.query('CREATE TABLE " + t +
                   " (id int); INSERT INTO applied_log VALUES (" + std::to_string(n) +
                   ")'),\n  down: (qi) => qi.sequelize.query('DROP TABLE " + t + "'),\n};\n");
  }
  RunResult sequelize = slugwright_.RunShell(
      "cd '" + Npm() + "' && node_modules/.bin/sequelize-cli db:migrate --url \"$DATABASE_URL\" "
      "--migrations-path seq_migrations");
  ASSERT_EQ(sequelize.code, 0) << sequelize.all();
  ASSERT_EQ(db_.Count("SELECT count(*) FROM \"SequelizeMeta\""), 2);
  ExpectAdoptThenReleaseAppliesOnlyTheNewOne("sequelize's `SequelizeMeta`");
}

TEST_F(AdoptPgTest, RealNodePgMigrateFromNpmIsAdopted) {
  std::string why;
  if (!NpmInstall("node-pg-migrate pg", &why)) GTEST_SKIP() << why;
  db_.Exec("CREATE TABLE applied_log (v int)");
  for (int n = 1; n <= 2; ++n) {
    std::string t = "t" + std::to_string(n);
    tmp_.Write("npm/pgm_migrations/2024010100000" + std::to_string(n) + "_create-" + t + ".sql",
               "-- Up Migration\nCREATE TABLE " + t + " (id int);\nINSERT INTO applied_log "
               "VALUES (" + std::to_string(n) + ");\n-- Down Migration\nDROP TABLE " + t +
                   ";\n");
  }
  RunResult pgm = slugwright_.RunShell(
      "cd '" + Npm() + "' && node_modules/.bin/node-pg-migrate up -m pgm_migrations");
  ASSERT_EQ(pgm.code, 0) << pgm.all();
  ASSERT_EQ(db_.Count("SELECT count(*) FROM pgmigrations"), 2);
  ExpectAdoptThenReleaseAppliesOnlyTheNewOne("node-pg-migrate's `pgmigrations`");
}

TEST_F(AdoptPgTest, ReleaseRefusesBeforeAnyDdlWhileAnotherToolsHistoryExists) {
  ApplyFirstTwoByHand();
  db_.Exec(kTools[0].history_sql);
  for (int n = 1; n <= 3; ++n) WriteFile(n);
  for (auto args : {Release(), Up(), Up({"--dry-run"})}) {
    RunResult r = Run(args);
    EXPECT_EQ(r.code, 4) << r.all();
    EXPECT_TRUE(Contains(r.err, "dbmate's `schema_migrations`")) << r.err;
    EXPECT_TRUE(Contains(r.err, "slugwright migrate adopt")) << r.err;
  }
  EXPECT_FALSE(db_.HistoryExists());
  EXPECT_FALSE(db_.Exists("t3"));
  EXPECT_EQ(db_.Count("SELECT count(*) FROM applied_log"), 2);
}

TEST_F(AdoptPgTest, AnotherToolsTableAsHistoryTableIsRefused) {
  WriteFile(1);
  RunResult r = Run({"release", "--dir", Dir(), "--table", "schema_migrations"});
  EXPECT_EQ(r.code, 2) << r.all();
  EXPECT_TRUE(Contains(r.err, "`schema_migrations` is dbmate's/golang-migrate's/Rails' history "
                              "table; slugwright keeps its own: run `slugwright migrate adopt`"))
      << r.err;
}

TEST_F(AdoptPgTest, DirtyGolangMigrateIsRefusedNamingMigrateForce) {
  ApplyFirstTwoByHand();
  db_.Exec("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean "
           "NOT NULL); INSERT INTO schema_migrations VALUES (20240101000002, true)");
  for (int n = 1; n <= 3; ++n) WriteFile(n);
  RunResult r = Run(Adopt());
  EXPECT_EQ(r.code, 4) << r.all();
  EXPECT_TRUE(Contains(r.err, "`migrate force 20240101000002`")) << r.err;
  EXPECT_FALSE(db_.HistoryExists());
}

TEST_F(AdoptPgTest, VersionMarksAHandMadeSchemaAndSeveralToolsNeedFrom) {
  ApplyFirstTwoByHand();
  for (int n = 1; n <= 3; ++n) WriteFile(n);
  db_.Exec(kTools[0].history_sql);  // dbmate
  db_.Exec(kTools[6].history_sql);  // knex
  RunResult several = Run(Adopt());
  EXPECT_EQ(several.code, 2) << several.all();
  EXPECT_TRUE(Contains(several.err, "--from knex")) << several.err;
  RunResult from = Run(Adopt({"--from", "knex", "--dry-run"}));
  EXPECT_EQ(from.code, 0) << from.all();
  // `baseline`, Flyway's word, is the same command.
  RunResult by_version =
      Run({"migrate", "baseline", "--dir", Dir(), "--version", "20240101000002"});
  ASSERT_EQ(by_version.code, 0) << by_version.all();
  EXPECT_EQ(db_.HistoryCount(), 2);
  RunResult release = Run(Release());
  ASSERT_EQ(release.code, 0) << release.all();
  EXPECT_EQ(db_.Count("SELECT count(*) FROM applied_log"), 3);
}

namespace {

// golang-migrate-style files (`CREATE TABLE IF NOT EXISTS` + a seed row)
// on a schema made by hand: `release` applied them again, doubling the seed.
TEST_F(AdoptPgTest, ReleaseRefusesWhenTheSchemaAlreadyHasTheFirstMigrationsTable) {
  ApplyFirstTwoByHand();
  for (int n = 1; n <= 3; ++n) WriteFile(n);
  for (auto args : {Release(), Up({"--dry-run"})}) {
    RunResult r = Run(args);
    EXPECT_EQ(r.code, 4) << r.all();
    EXPECT_TRUE(Contains(r.err, "the table `t1`")) << r.err;
    EXPECT_TRUE(Contains(r.err, "slugwright migrate adopt --version V")) << r.err;
  }
  EXPECT_FALSE(db_.HistoryExists());
  EXPECT_EQ(db_.Count("SELECT count(*) FROM applied_log"), 2);
  RunResult adopt = Run(Adopt({"--version", "20240101000002"}));
  ASSERT_EQ(adopt.code, 0) << adopt.all();
  RunResult release = Run(Release());
  EXPECT_EQ(release.code, 0) << release.all();
  EXPECT_EQ(db_.Count("SELECT count(*) FROM applied_log"), 3);
}

// `migrate status` on a dbmate database listed everything as pending with
// no warning.
TEST_F(AdoptPgTest, StatusWarnsThatAnotherToolsHistoryExists) {
  ApplyFirstTwoByHand();
  db_.Exec(kTools[0].history_sql);
  for (int n = 1; n <= 3; ++n) WriteFile(n);
  RunResult status = Run({"migrate", "status", "--dir", Dir()});
  EXPECT_EQ(status.code, 0) << status.all();
  EXPECT_TRUE(Contains(status.err, "dbmate's `schema_migrations` does")) << status.all();
  EXPECT_TRUE(Contains(status.err, "slugwright migrate adopt")) << status.all();
  EXPECT_FALSE(db_.HistoryExists());
}

}  // namespace

