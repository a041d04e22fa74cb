// Peers' example directories run as the peers run them: a dbmate project of
// our own (written after dbmate's documented file format and its test
// fixtures' kinds of statements: tables, an enum extended outside a
// transaction, a function with a dollar-quoted body, a view, an index
// built CONCURRENTLY, a section of comments only) is applied once by the
// real dbmate from npm and once by slugwright, each on a fresh database;
// the two schemas (pg_dump --schema-only, history tables left out) must be
// identical, and a rerun must be a no-op. Skipped, saying why, where npm
// cannot fetch dbmate. Likewise a golang-migrate project of our own (after
// the kinds of files in golang-migrate's postgres example directory:
// IF NOT EXISTS tables and columns, a unique index built CONCURRENTLY in a
// file of its own with a trailing comment, files of comments only): there
// is no golang-migrate binary in Debian or npm, so the peer's behaviour is
// what its postgres driver does, one simple query per file, played with
// `psql -c "$(cat FILE)"`.

#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

#include "testing/npm_tools.h"
#include "testing/pg_fixture.h"
#include "testing/test_util.h"

namespace {

class PeerParityPgTest : public SlugwrightPgTest {
 protected:
  /// The schema of `db` as pg_dump prints it, without the history tables
  /// of dbmate and slugwright, comments and pg_dump's random \\restrict key.
  std::string Schema(const PgDatabase& db) {
    RunResult dump = slugwright_.RunShell(
        "pg_dump --schema-only --no-owner --no-privileges -T schema_migrations "
        "-T 'slugwright_*' '" + db.url() + "' | grep -v -e '^--' -e '^$' -e '^\\\\'");
    EXPECT_EQ(dump.code, 0) << dump.all();
    return dump.out;
  }
  void WriteDbmateProject() {
    WriteMigration("20240101000001_create_accounts.sql",
                   "-- migrate:up\n"
                   "CREATE TYPE plan AS ENUM ('free', 'pro');\n"
                   "CREATE TABLE accounts (\n  id bigserial PRIMARY KEY,\n"
                   "  email text NOT NULL UNIQUE,\n  plan plan NOT NULL DEFAULT 'free',\n"
                   "  note text DEFAULT 'it''s; fine'\n);\n\n"
                   "-- migrate:down\nDROP TABLE accounts;\nDROP TYPE plan;\n");
    WriteMigration("20240101000002_add_enterprise_plan.sql",
                   "-- migrate:up transaction:false\n"
                   "ALTER TYPE plan ADD VALUE 'enterprise';\n\n"
                   "-- migrate:down\n");
    WriteMigration("20240101000003_touch_function.sql",
                   "-- migrate:up\n"
                   "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
                   "BEGIN\n  NEW.note := coalesce(NEW.note, ';');\n  RETURN NEW;\nEND;\n"
                   "$body$;\n"
                   "CREATE TRIGGER accounts_touch BEFORE INSERT ON accounts\n"
                   "  FOR EACH ROW EXECUTE FUNCTION touch();\n"
                   "/* a block comment; with a semicolon */\n"
                   "CREATE VIEW pro_accounts AS SELECT id, email FROM accounts "
                   "WHERE plan = 'pro';\n\n"
                   "-- migrate:down\nDROP VIEW pro_accounts;\nDROP TRIGGER accounts_touch ON "
                   "accounts;\nDROP FUNCTION touch();\n");
    WriteMigration("20240101000004_index_plan.sql",
                   "-- migrate:up transaction:false\n"
                   "CREATE INDEX CONCURRENTLY accounts_plan ON accounts (plan);\n\n"
                   "-- migrate:down transaction:false\n"
                   "DROP INDEX CONCURRENTLY accounts_plan;\n");
    WriteMigration("20240101000005_reserved.sql",
                   "-- migrate:up\n-- kept for a migration that was dropped\n\n"
                   "-- migrate:down\n");
  }
};

TEST_F(PeerParityPgTest, AGolangMigrateProjectGivesTheSchemaGolangMigrateGives) {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"1700000001_create_people.up.sql",
       "CREATE TABLE IF NOT EXISTS people (person_id integer unique, name varchar(40), "
       "email varchar(40));\n"},
      {"1700000002_add_town_to_people.up.sql",
       "ALTER TABLE people ADD COLUMN IF NOT EXISTS town varchar(100);\n"},
      {"1700000003_index_people_email.up.sql",
       "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS people_email ON people (email);\n"
       "-- built without blocking writes; golang-migrate runs it on its own\n"},
      {"1700000004_create_shelves.up.sql",
       "CREATE TABLE shelves (id serial PRIMARY KEY, label text);\n"
       "INSERT INTO shelves (label) VALUES ('a;b'), ($$c$$);\n"},
      {"1700000005_reserved.up.sql", "-- nothing to do for this version\n"},
      {"1700000006_another_reserved.up.sql", "/* still nothing */\n"},
  };
  PgDatabase by_peer;
  for (const auto& [name, sql] : files) {
    WriteMigration(name, sql);
    RunResult peer = slugwright_.RunShell("psql -X -q -v ON_ERROR_STOP=1 '" + by_peer.url() +
                                          "' -c \"$(cat '" + Dir() + "/" + name + "')\"");
    ASSERT_EQ(peer.code, 0) << name << ": " << peer.all();
  }
  RunResult release = Run({"release", "--dir", Dir()});
  ASSERT_EQ(release.code, 0) << release.all();
  EXPECT_EQ(db_.HistoryCount(), 6);
  std::string ours = Schema(db_);
  EXPECT_TRUE(Contains(ours, "CREATE UNIQUE INDEX people_email")) << ours;
  EXPECT_EQ(ours, Schema(by_peer));
  EXPECT_EQ(db_.Scalar("SELECT string_agg(label, ',' ORDER BY id) FROM shelves"),
            by_peer.Scalar("SELECT string_agg(label, ',' ORDER BY id) FROM shelves"));
  EXPECT_EQ(db_.Count("SELECT count(*) FROM pg_index WHERE NOT indisvalid"), 0);
  RunResult rerun = Run({"release", "--dir", Dir()});
  EXPECT_EQ(rerun.code, 0) << rerun.all();
}

TEST_F(PeerParityPgTest, ADbmateProjectGivesTheSchemaDbmateGives) {
  std::string why;
  std::string prefix = InstallNpmTools("dbmate", &why);
  if (prefix.empty()) GTEST_SKIP() << why;
  WriteDbmateProject();
  PgDatabase by_dbmate;
  std::string url = by_dbmate.url() + (Contains(by_dbmate.url(), "?") ? "&" : "?") +
                    "sslmode=disable";
  RunResult dbmate = slugwright_.RunShell("'" + prefix + "/node_modules/.bin/dbmate' --url '" +
                                          url + "' --migrations-dir '" + Dir() +
                                          "' --no-dump-schema up");
  ASSERT_EQ(dbmate.code, 0) << dbmate.all();
  ASSERT_EQ(by_dbmate.Count("SELECT count(*) FROM schema_migrations"), 5);

  RunResult release = Run({"release", "--dir", Dir()});
  ASSERT_EQ(release.code, 0) << release.all();
  EXPECT_EQ(db_.HistoryCount(), 5);
  std::string ours = Schema(db_);
  EXPECT_TRUE(Contains(ours, "'enterprise'")) << ours;
  EXPECT_TRUE(Contains(ours, "CREATE INDEX accounts_plan")) << ours;
  EXPECT_EQ(ours, Schema(by_dbmate));

  RunResult rerun = Run({"release", "--dir", Dir()});
  EXPECT_EQ(rerun.code, 0) << rerun.all();
  EXPECT_EQ(Schema(db_), ours);
}

}  // namespace
