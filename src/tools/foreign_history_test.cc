// Detection, reading and matching of other tools' history tables, on
// plain values (no database).

#include "tools/foreign_history.h"

#include <gtest/gtest.h>

#include "base/exit_codes.h"

namespace {

Migration File(int64_t version) {
  Migration m;
  m.version = version;
  m.name = "m" + std::to_string(version);
  m.up_path = "migrations/" + std::to_string(version) + "_" + m.name + ".sql";
  return m;
}

std::vector<int64_t> Versions(const std::vector<AdoptionPlan::Match>& matches) {
  std::vector<int64_t> v;
  for (const auto& m : matches) v.push_back(m.file->version);
  return v;
}

std::vector<int64_t> Versions(const std::vector<const Migration*>& files) {
  std::vector<int64_t> v;
  for (const Migration* m : files) v.push_back(m->version);
  return v;
}

}  // namespace

TEST(ForeignHistoryTest, SchemaMigrationsBelongsToGolangMigrateRailsOrDbmate) {
  using Tables = std::map<std::string, std::vector<std::string>>;
  EXPECT_EQ(DetectForeignTools(Tables{{"schema_migrations", {"version", "dirty"}}}),
            std::vector<ForeignTool>{ForeignTool::kGolangMigrate});
  EXPECT_EQ(DetectForeignTools(Tables{{"schema_migrations", {"version"}},
                                      {"ar_internal_metadata", {"key", "value"}}}),
            std::vector<ForeignTool>{ForeignTool::kRails});
  EXPECT_EQ(DetectForeignTools(Tables{{"schema_migrations", {"version"}}}),
            std::vector<ForeignTool>{ForeignTool::kDbmate});
  EXPECT_EQ(DetectForeignTools(Tables{{"SequelizeMeta", {"name"}}, {"knex_migrations", {"id"}}}),
            (std::vector<ForeignTool>{ForeignTool::kSequelize, ForeignTool::kKnex}));
  EXPECT_TRUE(DetectForeignTools(Tables{}).empty());
}

TEST(ForeignHistoryTest, ParsesToolNamesCaseInsensitively) {
  ForeignTool tool;
  ASSERT_TRUE(ParseForeignTool("Flyway", &tool));
  EXPECT_EQ(tool, ForeignTool::kFlyway);
  ASSERT_TRUE(ParseForeignTool("golang-migrate", &tool));
  EXPECT_EQ(tool, ForeignTool::kGolangMigrate);
  EXPECT_FALSE(ParseForeignTool("liquibase", &tool));
}

TEST(ForeignHistoryTest, NameColumnsMatchByTheirLeadingDigits) {
  ForeignHistory h = ParseForeignRows(
      ForeignTool::kSequelize,
      {{"20240101120000-create-users.js"}, {"20240102120000-add-email.cjs"}, {"setup.js"}});
  ASSERT_EQ(h.entries.size(), 2u);
  EXPECT_EQ(h.entries[0].version, 20240101120000);
  EXPECT_EQ(h.entries[0].row, "name '20240101120000-create-users.js'");
  EXPECT_EQ(h.unmatchable, std::vector<std::string>{"name 'setup.js'"});
  EXPECT_EQ(ParseForeignRows(ForeignTool::kNodePgMigrate, {{"1700000000000_init"}})
                .entries[0].version,
            1700000000000);
}

TEST(ForeignHistoryTest, GolangMigrateMeansEverythingUpToItsVersion) {
  ForeignHistory clean = ParseForeignRows(ForeignTool::kGolangMigrate, {{"2", "false"}});
  EXPECT_TRUE(clean.has_up_to);
  EXPECT_EQ(clean.up_to, 2);
  EXPECT_FALSE(clean.dirty);
  EXPECT_TRUE(ParseForeignRows(ForeignTool::kGolangMigrate, {{"3", "true"}}).dirty);

  std::vector<Migration> files = {File(1), File(3)};
  AdoptionPlan plan = MatchForeignHistory(files, clean, {});
  EXPECT_EQ(Versions(plan.adopt), std::vector<int64_t>{1});
  EXPECT_EQ(plan.adopt[0].row, "version '2' (every migration up to it)");
  EXPECT_EQ(Versions(plan.pending), std::vector<int64_t>{3});
  EXPECT_EQ(plan.without_file, std::vector<std::string>{"version '2'"});
}

TEST(ForeignHistoryTest, FlywayCountsOnlySuccessfulVersionedRows) {
  // version, type, script, success
  ForeignHistory h = ParseForeignRows(ForeignTool::kFlyway,
                                      {{"1", "BASELINE", "<< Flyway Baseline >>", "true"},
                                       {"2", "SQL", "V2__a.sql", "true"},
                                       {"3", "SQL", "V3__b.sql", "false"},
                                       {"", "SQL", "R__view.sql", "true"},
                                       {"4", "SQL", "V4__c.sql", "true"},
                                       {"4", "DELETE", "V4__c.sql", "true"},
                                       {"5.1", "SQL", "V5_1__d.sql", "true"}});
  EXPECT_TRUE(h.has_up_to);
  EXPECT_EQ(h.up_to, 1);
  ASSERT_EQ(h.entries.size(), 1u);
  EXPECT_EQ(h.entries[0].version, 2);
  EXPECT_EQ(h.unmatchable, std::vector<std::string>{"version '5.1' (V5_1__d.sql)"});
}

TEST(ForeignHistoryTest, MatchingSplitsFilesIntoAdoptAlreadyAndPending) {
  std::vector<Migration> files = {File(1), File(2), File(3), File(5)};
  ForeignHistory h = ParseForeignRows(ForeignTool::kDbmate, {{"1"}, {"2"}, {"3"}, {"4"}});
  HistoryRow own;
  own.version = 1;
  AdoptionPlan plan = MatchForeignHistory(files, h, {own});
  EXPECT_EQ(Versions(plan.adopt), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(plan.adopt[0].row, "version '2'");
  EXPECT_EQ(Versions(plan.already), std::vector<int64_t>{1});
  EXPECT_EQ(Versions(plan.pending), std::vector<int64_t>{5});
  EXPECT_EQ(plan.without_file, std::vector<std::string>{"version '4'"});
}

TEST(ForeignHistoryTest, UpToVersionAdoptsEveryFileAtOrBelowIt) {
  std::vector<Migration> files = {File(1), File(2), File(3)};
  AdoptionPlan plan = MatchForeignHistory(files, UpToVersion(2), {});
  EXPECT_EQ(Versions(plan.adopt), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(plan.adopt[0].row, "--version 2");
  EXPECT_EQ(Versions(plan.pending), std::vector<int64_t>{3});
  EXPECT_TRUE(plan.without_file.empty());
}

TEST(ForeignHistoryTest, AnotherToolsTableIsNoHistoryTableName) {
  try {
    RefuseForeignHistoryTableName("schema_migrations");
    FAIL() << "accepted";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitUsage);
    EXPECT_NE(std::string(e.what()).find(
                  "`schema_migrations` is dbmate's/golang-migrate's/Rails' history table; "
                  "slugwright keeps its own: run `slugwright migrate adopt`"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(RefuseForeignHistoryTableName("sequelizemeta"), UserError);
  EXPECT_THROW(RefuseForeignHistoryTableName("flyway_schema_history"), UserError);
  EXPECT_NO_THROW(RefuseForeignHistoryTableName("slugwright_migrations"));
}

TEST(ForeignHistoryTest, TablesCreatedByNamesEachCreatedTableAsPostgresFoldsIt) {
  EXPECT_EQ(TablesCreatedBy("-- seed\nCREATE TABLE IF NOT EXISTS Users (id int);\n"
                            "create unlogged table public.\"Events\" (id int);\n"
                            "CREATE TEMP TABLE scratch (id int);\n"
                            "INSERT INTO users VALUES (1);\n"
                            "CREATE TABLE \"my.schema\".\"T\" (id int);\n"),
            (std::vector<std::string>{"users", "Events", "T"}));
  EXPECT_TRUE(TablesCreatedBy("ALTER TABLE users ADD COLUMN x int;").empty());
  EXPECT_TRUE(TablesCreatedBy("CREATE TABLE 'unterminated").empty());
}
