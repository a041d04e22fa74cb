// When `command:`'s tool has nothing to do (command_skip.h), on the fake
// driver's tables and an in-memory disk.

#include "tools/command_skip.h"

#include <gtest/gtest.h>

#include "testing/fake_disk.h"
#include "testing/fake_foreign_tables.h"

namespace {

using Result = NothingPendingCheck::Result;

class CommandSkipTest : public ::testing::Test {
 protected:
  CommandSkipTest() {
    settings.command = "npx sequelize-cli db:migrate";
    disk.AddFile("migrations/20240101000001-a.js", "module.exports = {};");
    disk.AddFile("migrations/20240101000002-b.js", "module.exports = {};");
    tables.foreign_tables["SequelizeMeta"] = {
        {"name"}, {{"20240101000001-a.js"}, {"20240101000002-b.js"}}};
  }
  Result Check() { return last = CheckNothingPending(&tables, &disk, settings), last.result; }

  ReleaseSettings settings;
  InMemoryDisk disk;
  FakeForeignTables tables;
  NothingPendingCheck last;
};

TEST_F(CommandSkipTest, EveryFileRecordedByTheToolsRuleIsNothingPending) {
  EXPECT_EQ(Check(), Result::kNothingPending);
  EXPECT_EQ(last.files, 2u);
  EXPECT_EQ(last.recorded, 2u);
  EXPECT_EQ(last.dir, "migrations");
  EXPECT_EQ(last.table.table, "SequelizeMeta");
}

// A single unrecorded file starts the tool; sequelize records the whole
// file name, so a row without the extension does not record it.
TEST_F(CommandSkipTest, OneUnrecordedFileIsPending) {
  disk.AddFile("migrations/20240101000003-c.js", "module.exports = {};");
  EXPECT_EQ(Check(), Result::kPending);
  EXPECT_EQ(last.detail, "20240101000003-c.js");
  tables.foreign_tables["SequelizeMeta"].rows.push_back({"20240101000003-c"});
  EXPECT_EQ(Check(), Result::kPending);  // node-pg-migrate's rule, not sequelize's
}

TEST_F(CommandSkipTest, OnlyAPlainMigrateInvocationIsSkippedUnlessTheSettingSaysSo) {
  for (const char* plain :
       {"npx sequelize-cli db:migrate", "cd . && npx sequelize-cli db:migrate",
        "yarn sequelize db:migrate --url \"$DATABASE_URL\"",
        "NODE_ENV=production node_modules/.bin/sequelize-cli db:migrate --env production"}) {
    settings.command = plain;
    EXPECT_EQ(Check(), Result::kNothingPending) << plain;
  }
  for (const char* compound :
       {"npx sequelize-cli db:migrate && node purge.js",
        "node envcheck.js && npx sequelize-cli db:migrate",
        "npx sequelize-cli db:migrate | tee log", "npx sequelize-cli db:seed:all",
        "node scripts/sequelize-wrapper.js db:migrate", "./migrate.sh"}) {
    settings.command = compound;
    EXPECT_NE(Check(), Result::kNothingPending) << compound;
  }
  settings.command = "npx sequelize-cli db:migrate && node purge.js";
  settings.skip_command_when_nothing_pending = ReleaseSettings::SkipCommand::kAlways;
  EXPECT_EQ(Check(), Result::kNothingPending);
  settings.command = "npx sequelize-cli db:migrate";
  settings.skip_command_when_nothing_pending = ReleaseSettings::SkipCommand::kNever;
  EXPECT_EQ(Check(), Result::kNotAsked);
}

// A .sequelizerc may name another directory: only a directory the command
// or command_history names is trusted then.
TEST_F(CommandSkipTest, AConfigFileThatMayMoveTheDirectoryNeedsANamedOne) {
  disk.AddFile(".sequelizerc", "module.exports = { 'migrations-path': 'db/migrations' };");
  EXPECT_EQ(Check(), Result::kMayBeConfiguredElsewhere);
  EXPECT_EQ(last.detail, ".sequelizerc");
  settings.command_history.migrations = "migrations";
  EXPECT_EQ(Check(), Result::kNothingPending);
}

TEST_F(CommandSkipTest, NoTableOrNoFilesStartsTheTool) {
  tables.foreign_tables.clear();
  EXPECT_EQ(Check(), Result::kNoTableYet);
  settings.command = "npx sequelize-cli db:migrate --migrations-path gone";
  EXPECT_EQ(Check(), Result::kNoFiles);
}

TEST_F(CommandSkipTest, EachToolsNamingRule) {
  std::set<std::string> rows = {"20240101000001-a.js", "20240101000002_b", "20240101000003"};
  EXPECT_TRUE(RecordsFileByToolRule("knex", rows, "20240101000001-a.js"));
  EXPECT_FALSE(RecordsFileByToolRule("knex", rows, "20240101000002_b.js"));
  EXPECT_TRUE(RecordsFileByToolRule("node-pg-migrate", rows, "20240101000002_b.js"));
  EXPECT_TRUE(RecordsFileByToolRule("dbmate", rows, "20240101000003_c.sql"));
  EXPECT_FALSE(RecordsFileByToolRule("dbmate", rows, "20240101000004_c.sql"));
}

}  // namespace
