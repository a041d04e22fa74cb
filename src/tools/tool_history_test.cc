// Where a `command:` tool keeps its history and what one run changed in it
// (tool_history.h), on the fake driver and an in-memory disk.

#include "tools/tool_history.h"

#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "testing/fake_disk.h"
#include "testing/fake_foreign_tables.h"

namespace {

ToolHistoryTable Resolve(const std::string& command, CommandHistorySettings named = {}) {
  ReleaseSettings s;
  s.command = command;
  s.command_history = named;
  ToolHistoryTable t;
  EXPECT_TRUE(ResolveToolHistoryTable(s, &t)) << command;
  return t;
}

TEST(ToolHistoryTest, TheTableIsInferredFromTheCommandWithItsDirectoryFlag) {
  ToolHistoryTable sequelize =
      Resolve("npx sequelize-cli db:migrate --migrations-path server/migrations");
  EXPECT_EQ(sequelize.table, "SequelizeMeta");
  EXPECT_EQ(sequelize.column, "name");
  EXPECT_EQ(sequelize.migrations_dir, "server/migrations");
  EXPECT_EQ(sequelize.Describe(), "sequelize's `SequelizeMeta`");
  EXPECT_EQ(Resolve("yarn sequelize db:migrate --migrations-path='db/m'").migrations_dir, "db/m");
  EXPECT_EQ(Resolve("npx knex migrate:latest").table, "knex_migrations");
  ToolHistoryTable pgm = Resolve("npx node-pg-migrate up -m pgm");
  EXPECT_EQ(pgm.table, "pgmigrations");
  EXPECT_EQ(pgm.migrations_dir, "pgm");
  ToolHistoryTable dbmate = Resolve("dbmate --migrations-dir=sql up");
  EXPECT_EQ(dbmate.table, "schema_migrations");
  EXPECT_EQ(dbmate.column, "version");
  EXPECT_EQ(dbmate.migrations_dir, "sql");
  EXPECT_EQ(Resolve("bundle exec rails db:migrate").migrations_dir, "db/migrate");
}

TEST(ToolHistoryTest, CommandHistorySettingsWinAndNameAnyTool) {
  ToolHistoryTable custom = Resolve("./bin/migrate-all", {"my_history", "file", "db/up"});
  EXPECT_EQ(custom.table, "my_history");
  EXPECT_EQ(custom.column, "file");
  EXPECT_EQ(custom.migrations_dir, "db/up");
  EXPECT_EQ(custom.Describe(), "`my_history`.`file`");
  EXPECT_EQ(Resolve("./bin/migrate-all", {"my_history", "", ""}).column, "name");
  EXPECT_EQ(Resolve("npx sequelize-cli db:migrate", {"", "", "packages/app/migrations"})
                .migrations_dir,
            "packages/app/migrations");
}

TEST(ToolHistoryTest, ToolsWithoutARowPerMigrationResolveToNothing) {
  ReleaseSettings s;
  ToolHistoryTable t;
  for (const char* command : {"./bin/migrate-all", "migrate -path db -database $DATABASE_URL up",
                              "flyway migrate"}) {
    s.command = command;
    EXPECT_FALSE(ResolveToolHistoryTable(s, &t)) << command;
  }
}

TEST(ToolHistoryTest, OrderIsByLeadingVersionThenName) {
  std::vector<std::string> names = {"20240102-b.js", "9-a.js", "20240101-z.js", "20240101-a.js"};
  std::sort(names.begin(), names.end(), ToolHistoryOrder);
  EXPECT_EQ(names, (std::vector<std::string>{"9-a.js", "20240101-a.js", "20240101-z.js",
                                             "20240102-b.js"}));
  EXPECT_EQ(ToolMigrationVersion("20240101000001-create-users.js"), 20240101000001);
  EXPECT_EQ(ToolMigrationVersion("create-users.js"), 0);
}

TEST(ToolHistoryTest, NewlyAppliedAndRemovedAreTheDifferences) {
  ToolHistorySnapshot before{true, {"1-a.js", "2-b.js"}};
  ToolHistorySnapshot after{true, {"1-a.js", "2-b.js", "3-c.js", "4-d.js"}};
  EXPECT_EQ(NewlyApplied(before, after), (std::vector<std::string>{"3-c.js", "4-d.js"}));
  EXPECT_TRUE(NewlyApplied(after, after).empty());
  EXPECT_TRUE(NewlyApplied(ToolHistorySnapshot{}, before).size() == 2);
  EXPECT_EQ(Removed(after, before), (std::vector<std::string>{"3-c.js", "4-d.js"}));
}

TEST(ToolHistoryTest, RowsRecordFilesByNameStemOrVersion) {
  EXPECT_TRUE(RecordsFile("20240101-create.js", "20240101-create.js"));  // sequelize, knex
  EXPECT_TRUE(RecordsFile("20240101_create", "20240101_create.sql"));    // node-pg-migrate
  EXPECT_TRUE(RecordsFile("20240101", "20240101_create.sql"));           // dbmate, Rails
  EXPECT_FALSE(RecordsFile("2024010", "20240101_create.sql"));
  EXPECT_FALSE(RecordsFile("", "create.sql"));
}

TEST(ToolHistoryTest, ReadsTheTableAndListsThePendingFiles) {
  FakeForeignTables driver;
  ToolHistoryTable table = Resolve("npx sequelize-cli db:migrate");
  EXPECT_FALSE(ReadToolHistory(&driver, table).exists);
  driver.foreign_tables["SequelizeMeta"] = {{"name"}, {{"2-b.js"}, {"1-a.js"}}};
  ToolHistorySnapshot history = ReadToolHistory(&driver, table);
  ASSERT_TRUE(history.exists);
  EXPECT_EQ(history.names, (std::vector<std::string>{"1-a.js", "2-b.js"}));

  InMemoryDisk disk;
  for (const char* f : {"/app/migrations/1-a.js", "/app/migrations/2-b.js",
                        "/app/migrations/10-d.js", "/app/migrations/3-c.js",
                        "/app/migrations/.eslintrc.js", "/app/migrations/lib/helper.js"})
    disk.AddFile(f, "module.exports = {};");
  std::vector<std::string> pending;
  std::string error;
  ASSERT_TRUE(ToolPendingFiles(&disk, "/app/migrations", history, &pending, &error)) << error;
  EXPECT_EQ(pending, (std::vector<std::string>{"3-c.js", "10-d.js"}));
  EXPECT_FALSE(ToolPendingFiles(&disk, "/app/missing", history, &pending, &error));
}

TEST(ToolHistoryTest, AMissingColumnSaysWhichSettingNamesIt) {
  FakeForeignTables driver;
  driver.foreign_tables["my_history"] = {{"id", "filename"}, {}};
  ToolHistoryTable table = Resolve("./migrate", {"my_history", "name", ""});
  try {
    ReadToolHistory(&driver, table);
    FAIL() << "expected an error";
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("command_history.column"), std::string::npos)
        << e.what();
  }
}

}  // namespace

namespace {

// Issue 23 item 2: a monorepo's `cd packages/api && npx sequelize-cli
// db:migrate` reads packages/api/migrations, not the app root's.
TEST(ToolHistoryTest, TheDirectoryIsWhereTheCommandCdsTo) {
  EXPECT_EQ(Resolve("cd packages/api && npx sequelize-cli db:migrate").migrations_dir,
            "packages/api/migrations");
  EXPECT_EQ(Resolve("cd packages && cd api && node envcheck.js && npx sequelize-cli "
                    "db:migrate --migrations-path db/m && node purge.js")
                .migrations_dir,
            "packages/api/db/m");
  EXPECT_EQ(Resolve("cd /srv/api; npx knex migrate:latest").migrations_dir, "/srv/api/migrations");
  // command_history.migrations is relative to the app root, as documented.
  EXPECT_EQ(Resolve("cd packages/api && ./migrate", {"my_history", "name", "db/m"}).migrations_dir,
            "db/m");
}

ReleaseSettings Command(const std::string& command) {
  ReleaseSettings s;
  s.command = command;
  return s;
}

TEST(ToolHistoryTest, StatusNamesTheFileOfEachAppliedRowAndTheTableAsFacts) {
  FakeForeignTables driver;
  driver.foreign_tables["SequelizeMeta"] = {{"name"}, {{"1-a.js"}}};
  InMemoryDisk disk;
  disk.AddFile("/app/packages/api/migrations/1-a.js", "module.exports = {};");
  disk.AddFile("/app/packages/api/migrations/2-b.js", "module.exports = {};");
  MigrationStatus status = ToolMigrationStatus(
      &driver, "db", &disk, Command("cd packages/api && npx sequelize-cli db:migrate"), "/app");
  EXPECT_TRUE(status.pending_known);
  EXPECT_EQ(status.pending, 1u);
  EXPECT_EQ(status.ExitCode(true), kExitFailed);
  EXPECT_EQ(status.tool, "sequelize");
  EXPECT_EQ(status.table, "SequelizeMeta");
  ASSERT_EQ(status.entries.size(), 2u);
  EXPECT_EQ(status.entries[0].file, "/app/packages/api/migrations/1-a.js");
  EXPECT_EQ(status.entries[1].file, "/app/packages/api/migrations/2-b.js");
}

TEST(ToolHistoryTest, PendingIsUnknownWhenTheDirectoryCannotBeListed) {
  FakeForeignTables driver;
  driver.foreign_tables["SequelizeMeta"] = {{"name"}, {{"1-a.js"}}};
  InMemoryDisk disk;
  MigrationStatus status = ToolMigrationStatus(
      &driver, "db", &disk, Command("npx sequelize-cli db:migrate --migrations-path gone"), "/app");
  EXPECT_FALSE(status.pending_known);
  EXPECT_EQ(status.ExitCode(true), kExitPendingUnknown);
  EXPECT_EQ(status.ExitCode(false), kExitOk);
  MigrationStatus unknown_tool =
      ToolMigrationStatus(&driver, "db", &disk, Command("./bin/migrate"), "/app");
  EXPECT_FALSE(unknown_tool.pending_known);
  EXPECT_EQ(unknown_tool.ExitCode(true), kExitPendingUnknown);
}

}  // namespace
