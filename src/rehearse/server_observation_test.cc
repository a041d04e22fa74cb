// AttributeServerObservation: what the server showed while a `command:`
// tool ran, divided into the tool's migrations by its history rows.
#include "rehearse/server_observation.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace {

ServerEvent Event(ServerEvent::Kind kind, double at, std::string tag, std::string type,
                  std::string object, std::string query = "") {
  ServerEvent e;
  e.kind = kind;
  e.at = at;
  e.tag = std::move(tag);
  e.object_type = std::move(type);
  e.object = std::move(object);
  e.query = std::move(query);
  return e;
}

ServerEvent Row(double at, std::string row) {
  return Event(ServerEvent::Kind::kHistoryRow, at, "", "", std::move(row));
}

struct ServerObservationTest : testing::Test {
  ServerObservationInput input;
  ServerObservationTest() {
    input.started_at = 100;
    input.ended_at = 110;
    input.lock_interval_seconds = 0.05;
    ServerEvent rewrite = Event(ServerEvent::Kind::kRewrite, 101.1, "ALTER TABLE", "",
                                "public.orders");
    rewrite.reason = "column type change";
    rewrite.bytes_before = 1000;
    input.events = {
        Event(ServerEvent::Kind::kDdl, 101.0, "ALTER TABLE", "table", "public.orders"),
        rewrite,
        Row(102.0, "20240101000000-change-type.js"),
        Event(ServerEvent::Kind::kDdl, 102.5, "CREATE INDEX", "index", "public.orders_x",
              "CREATE INDEX orders_x ON orders (x)"),
        Row(103.0, "20240102000000-add-index.js"),
        Event(ServerEvent::Kind::kDdl, 103.5, "CREATE TABLE", "table", "public.projects"),
        Event(ServerEvent::Kind::kDdl, 103.5, "CREATE TABLE", "index", "public.projects_pkey"),
        Row(104.0, "20240103000000-create-projects.js"),
    };
    for (int i = 0; i < 20; ++i)
      input.locks.push_back({101.0 + i * 0.05, "public.orders", 'r', "AccessExclusiveLock"});
    // Two backends (a parallel index build's worker) in one sample.
    input.locks.push_back({102.6, "public.orders", 'r', "ShareLock"});
    input.locks.push_back({102.6, "public.orders", 'r', "ShareLock"});
    input.facts = {{"public.orders", 'r', "", 2000, 200000},
                   {"public.orders_x", 'i', "public.orders", 300, -1},
                   {"public.projects", 'r', "", 8192, 0}};
  }
};

TEST_F(ServerObservationTest, EachHistoryRowClosesOneMigration) {
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(input);
  ASSERT_EQ(3u, ms.size());
  EXPECT_EQ("20240101000000-change-type.js", ms[0].Label());
  EXPECT_EQ(20240101000000, ms[0].version);
  EXPECT_TRUE(ms[0].server_observed);
  EXPECT_EQ(MigrationRehearsal::Status::kApplied, ms[0].status);
  // From its first DDL to its history row.
  EXPECT_DOUBLE_EQ(1.0, ms[0].seconds);
  EXPECT_EQ(std::vector<std::string>{"ALTER TABLE public.orders"}, ms[0].ddl);
  ASSERT_EQ(1u, ms[0].locks.size());
  EXPECT_EQ("AccessExclusiveLock", ms[0].locks[0].mode);
  EXPECT_NEAR(1.0, ms[0].locks[0].held_seconds, 0.06);
  ASSERT_EQ(1u, ms[0].rewrites.size());
  EXPECT_EQ(1000, ms[0].rewrites[0].bytes_before);
  EXPECT_EQ(2000, ms[0].rewrites[0].bytes);
  EXPECT_EQ("column type change", ms[0].rewrites[0].reason);
  ASSERT_EQ(1u, ms[0].tables.size());
  EXPECT_EQ(200000, ms[0].tables[0].rows);

  EXPECT_TRUE(ms[1].plain_create_index);
  ASSERT_EQ(1u, ms[1].created.size());
  EXPECT_EQ("public.orders", ms[1].created[0].table);
  ASSERT_EQ(1u, ms[1].locks.size());
  EXPECT_EQ("ShareLock", ms[1].locks[0].mode);
  EXPECT_DOUBLE_EQ(0.05, ms[1].locks[0].held_seconds);

  // Its primary key is a side effect of CREATE TABLE, not a line of its own.
  EXPECT_EQ(std::vector<std::string>{"CREATE TABLE public.projects"}, ms[2].ddl);
  EXPECT_TRUE(ms[2].locks.empty());
}

TEST_F(ServerObservationTest, TheSameRisksAsSlugwrightsOwnMigrations) {
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(input);
  RiskSettings risk;
  for (MigrationRehearsal& m : ms) EvaluateRisks(risk, &m);
  ASSERT_EQ(1u, ms[0].risks.size());
  EXPECT_EQ("large_rewrite", ms[0].risks[0].kind);
  EXPECT_EQ("AccessExclusiveLock", ms[0].risks[0].mode);
  ASSERT_EQ(1u, ms[1].risks.size());
  EXPECT_EQ("blocking_index_build", ms[1].risks[0].kind);
  EXPECT_TRUE(ms[2].risks.empty());
  // ACCESS EXCLUSIVE held longer than lock_timeout.
  risk.lock_timeout_seconds = 0.5;
  EvaluateRisks(risk, &ms[0]);
  EXPECT_EQ("access_exclusive_over_lock_timeout", ms[0].risks.at(0).kind);
}

TEST_F(ServerObservationTest, AFailedRunEndsWithTheFailedMigration) {
  input.failed = true;
  input.failed_name = "20240104000000-add-not-null";
  input.error = "column \"email\" of relation \"users\" contains null values";
  input.sqlstate = "23502";
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(input);
  ASSERT_EQ(4u, ms.size());
  EXPECT_EQ(MigrationRehearsal::Status::kFailed, ms[3].status);
  EXPECT_EQ("20240104000000-add-not-null", ms[3].Label());
  EXPECT_EQ("23502", ms[3].sqlstate);
}

TEST_F(ServerObservationTest, ProbeBlockedStretchesGoToTheMigrationTheyBeganIn) {
  input.probed = true;
  input.probes = {{100.9, "public.orders", false, true},  {101.0, "public.orders", false, false},
                  {101.2, "public.orders", false, false}, {101.9, "public.orders", false, true},
                  {101.0, "public.orders", true, false},  {102.1, "public.orders", true, true},
                  {102.6, "public.orders", true, false},  {102.8, "public.orders", true, true}};
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(input);
  ASSERT_EQ(1u, ms[0].blocked.size());
  EXPECT_NEAR(0.9, ms[0].blocked[0].read_seconds, 1e-9);
  EXPECT_NEAR(1.1, ms[0].blocked[0].write_seconds, 1e-9);
  ASSERT_EQ(1u, ms[1].blocked.size());
  EXPECT_NEAR(0.0, ms[1].blocked[0].read_seconds, 1e-9);
  EXPECT_NEAR(0.2, ms[1].blocked[0].write_seconds, 1e-9);
  EXPECT_TRUE(ms[2].probed);
}

TEST_F(ServerObservationTest, WithoutHistoryRowsTheWholeRunIsOne) {
  std::vector<ServerEvent> without_rows;
  for (const ServerEvent& e : input.events)
    if (e.kind != ServerEvent::Kind::kHistoryRow) without_rows.push_back(e);
  input.events = without_rows;
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(input);
  ASSERT_EQ(1u, ms.size());
  EXPECT_EQ("(the whole run)", ms[0].Label());
  EXPECT_EQ(1u, ms[0].rewrites.size());
  // The index, the table and its primary key.
  EXPECT_EQ(3u, ms[0].created.size());
  input.events.clear();
  input.locks.clear();
  EXPECT_TRUE(AttributeServerObservation(input).empty());
}

// What the report words (cli/output/rehearsal_report_output_test.cc):
// the server's own account of the locks, the rewrite, the DDL and the probe.
TEST_F(ServerObservationTest, TheMigrationCarriesWhatTheServerShowed) {
  input.probed = true;
  input.probes = {{101.0, "public.orders", false, false}, {101.5, "public.orders", false, true}};
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(input);
  const MigrationRehearsal& m = ms.at(0);
  EXPECT_TRUE(m.server_observed);
  EXPECT_EQ(std::vector<std::string>{"ALTER TABLE public.orders"}, m.ddl);
  ASSERT_FALSE(m.locks.empty());
  EXPECT_EQ("public.orders", m.locks[0].relation);
  EXPECT_EQ("AccessExclusiveLock", m.locks[0].mode);
  EXPECT_NEAR(1.0, m.locks[0].held_seconds, 0.06);
  ASSERT_EQ(1u, m.rewrites.size());
  EXPECT_EQ(1000, m.rewrites[0].bytes_before);
  EXPECT_EQ(2000, m.rewrites[0].bytes);
  EXPECT_EQ("column type change", m.rewrites[0].reason);
  ASSERT_EQ(1u, m.blocked.size());
  EXPECT_NEAR(0.5, m.blocked[0].read_seconds, 1e-9);
}

TEST(FailedMigrationNameTest, TheLastMigrationTheToolNamedThatItDidNotRecord) {
  std::vector<std::string> output = {
      "== 20240101000000-change-type: migrating =======",
      "== 20240101000000-change-type: migrated (0.512s)", "",
      "== 20240104000000-add-not-null: migrating =======",
      "ERROR: column \"email\" of relation \"users\" contains null values"};
  EXPECT_EQ("20240104000000-add-not-null",
            FailedMigrationName(output, {"20240101000000-change-type.js"}));
  EXPECT_EQ("", FailedMigrationName({"ERROR: 42 problems"}, {}));
}

TEST(RewriteReasonTextTest, NamesTheBits) {
  EXPECT_EQ("column type change", RewriteReasonText(4));
  EXPECT_EQ("persistence change, column default", RewriteReasonText(3));
}

}  // namespace

// on_failure: rollback-release: after the tool exited, `rollback_command`
// reverted the newest two migrations. What each revert ran is its own, the
// failed migration ends when the tool exited, and DDL after the last
// revert (one that failed) is noted, never charged to a migration.
TEST_F(ServerObservationTest, RevertsAfterTheToolExitedAreTheRevertsOwn) {
  input.failed = true;
  input.failed_name = "20240104000000-require-email";
  input.error = "column \"email\" of relation \"users\" contains null values";
  input.tool_ended_at = 104.1;
  input.events.push_back(Event(ServerEvent::Kind::kDdl, 105.0, "DROP TABLE", "table",
                               "public.projects", "DROP TABLE projects"));
  input.events.push_back(Event(ServerEvent::Kind::kDdl, 106.0, "DROP INDEX", "index",
                               "public.orders_x", "DROP INDEX orders_x"));
  input.events.push_back(Event(ServerEvent::Kind::kDdl, 108.0, "ALTER TABLE", "table",
                               "public.orders", "ALTER TABLE orders ALTER x TYPE int"));
  for (int i = 0; i < 10; ++i)
    input.locks.push_back({108.0 + i * 0.05, "public.orders", 'r', "AccessExclusiveLock"});
  input.reverts = {{"20240103000000-create-projects.js", 105.5},
                   {"20240102000000-add-index.js", 106.5}};
  std::vector<std::string> notes;
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(input, &notes);
  ASSERT_EQ(4u, ms.size());
  const MigrationRehearsal& failed = ms[3];
  EXPECT_EQ(MigrationRehearsal::Status::kFailed, failed.status);
  EXPECT_NEAR(0.1, failed.seconds, 1e-6);
  EXPECT_TRUE(failed.ddl.empty());
  EXPECT_TRUE(failed.statements.empty());
  EXPECT_TRUE(failed.locks.empty());

  EXPECT_EQ(MigrationRehearsal::Status::kApplied, ms[0].status);
  const MigrationRehearsal& index = ms[1];
  EXPECT_EQ(MigrationRehearsal::Status::kReverted, index.status);
  EXPECT_EQ(std::vector<std::string>{"CREATE INDEX public.orders_x"}, index.ddl);
  EXPECT_EQ(std::vector<std::string>{"DROP INDEX public.orders_x"}, index.revert.ddl);
  EXPECT_EQ(std::vector<std::string>{"DROP INDEX orders_x"}, index.revert.statements);
  EXPECT_NEAR(1.0, index.revert.seconds, 1e-6);
  ASSERT_EQ(1u, index.created.size());
  EXPECT_EQ("public.orders", index.created[0].table);
  const MigrationRehearsal& projects = ms[2];
  EXPECT_EQ(MigrationRehearsal::Status::kReverted, projects.status);
  EXPECT_EQ(std::vector<std::string>{"DROP TABLE public.projects"}, projects.revert.ddl);
  EXPECT_NEAR(1.4, projects.revert.seconds, 1e-6);

  ASSERT_EQ(1u, notes.size());
  EXPECT_NE(std::string::npos, notes[0].find("ALTER TABLE public.orders")) << notes[0];
  for (const MigrationRehearsal& m : ms)
    for (const RelationLock& l : m.locks) EXPECT_LT(l.held_seconds, 1.1) << m.name;
}

namespace {

// Issue 25, item 6: what the server's log says the tool sent, divided by
// the INSERTs of its history rows, data changes included.
TEST_F(ServerObservationTest, LoggedStatementsAreDividedByTheHistoryRowsInserts) {
  input.sent_logged = true;
  const std::string meta = "SequelizeMeta";
  for (const char* text :
       {"CREATE TABLE IF NOT EXISTS \"SequelizeMeta\" (\"name\" VARCHAR(255) PRIMARY KEY)",
        "ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"x\" TYPE BIGINT;",
        "INSERT INTO \"SequelizeMeta\" (\"name\") VALUES ($1) RETURNING \"name\";",
        "CREATE INDEX orders_x ON orders (x)", "UPDATE orders SET x = 0 WHERE x IS NULL",
        "INSERT INTO \"public\".\"SequelizeMeta\" (\"name\") VALUES ($1)",
        "CREATE TABLE projects (id int)",
        "insert into SequelizeMeta (name) values ('20240103000000-create-projects.js')"})
    input.sent.push_back(ClassifySentStatement(text, meta));
  std::vector<std::string> notes;
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(input, &notes);
  ASSERT_EQ(3u, ms.size());
  EXPECT_EQ(ms[0].statements,
            std::vector<std::string>{"ALTER TABLE \"public\".\"orders\" ALTER COLUMN \"x\" TYPE "
                                     "BIGINT;"});
  EXPECT_EQ(ms[1].statements, (std::vector<std::string>{"CREATE INDEX orders_x ON orders (x)",
                                                        "UPDATE orders SET x = 0 WHERE x IS "
                                                        "NULL"}));
  EXPECT_EQ(ms[2].statements, std::vector<std::string>{"CREATE TABLE projects (id int)"});
  EXPECT_TRUE(notes.empty());
}

TEST_F(ServerObservationTest, ATablesNameThatOnlyStartsLikeTheHistoryTableInsertsNoRow) {
  SentStatement lock = ClassifySentStatement(
      "insert into \"knex_migrations_lock\" (\"is_locked\") values ($1)", "knex_migrations");
  EXPECT_FALSE(lock.history_row);
  EXPECT_TRUE(lock.bookkeeping);
  SentStatement row = ClassifySentStatement(
      "insert into \"knex_migrations\" (\"batch\", \"migration_time\", \"name\") values ($1, $2, "
      "$3)",
      "knex_migrations");
  EXPECT_TRUE(row.history_row);
  // sequelize-cli's, schema-qualified and quoted in its own case.
  EXPECT_TRUE(ClassifySentStatement(
                  "INSERT INTO \"public\".\"SequelizeMeta\" (\"name\") VALUES ($1) "
                  "RETURNING \"name\";",
                  "SequelizeMeta")
                  .history_row);
  EXPECT_FALSE(ClassifySentStatement("DELETE FROM \"SequelizeMeta\" WHERE \"name\" = $1",
                                     "SequelizeMeta")
                   .history_row);
  SentStatement update = ClassifySentStatement("UPDATE orders SET x = 1", "knex_migrations");
  EXPECT_FALSE(update.history_row);
  EXPECT_FALSE(update.bookkeeping);
}

TEST_F(ServerObservationTest, InsertsThatDoNotPairWithTheRowsLeaveTheDdlsStatements) {
  input.sent_logged = true;
  input.sent.push_back(ClassifySentStatement("UPDATE orders SET x = 1", "SequelizeMeta"));
  std::vector<std::string> notes;
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(input, &notes);
  ASSERT_EQ(3u, ms.size());
  EXPECT_EQ(ms[1].statements, std::vector<std::string>{"CREATE INDEX orders_x ON orders (x)"});
  ASSERT_EQ(1u, notes.size());
  EXPECT_NE(std::string::npos, notes[0].find("0 history rows inserted")) << notes[0];
}

}  // namespace
