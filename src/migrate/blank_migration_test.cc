// A blank up section (a `migrate new` template not filled in yet): status
// lists it as pending and empty, `up` (and validate) refuse it with exit 2
// naming the file, before connecting.

#include <gtest/gtest.h>
#include <sstream>

#include "base/exit_codes.h"
#include "migrate/migrator.h"
#include "migrate/run_error.h"
#include "testing/migrator_fixture.h"

namespace {

struct BlankMigrationTest : public MigratorFixture {
  BlankMigrationTest() {
    source.Add(1, "CREATE TABLE t1 (id int);");
    Migration& blank = source.Add(2, "");
    blank.up_blank = true;
    blank.up_first_line = 2;
  }
};

}  // namespace

TEST_F(BlankMigrationTest, StatusListsItAsPendingAndEmpty) {
  MigrationStatus status = Make().Status();
  ASSERT_EQ(status.entries.size(), 2u);
  EXPECT_EQ(status.pending, 2u);
  EXPECT_FALSE(status.entries[0].empty);
  EXPECT_TRUE(status.entries[1].empty);
  EXPECT_EQ(status.entries[1].state, MigrationStatus::State::kPending);
}

TEST_F(BlankMigrationTest, UpRefusesItNamingTheFileBeforeConnecting) {
  try {
    Make().Up(false);
    FAIL() << "expected a refusal";
  } catch (const RunError& e) {
    EXPECT_EQ(e.kind(), RunError::Kind::kBlankUpSection);
    EXPECT_EQ(ExitCodeOf(e), kExitUsage);
    EXPECT_EQ(e.facts().version, 2);
    EXPECT_EQ(e.facts().file, "migrations/2_m2.sql");
    EXPECT_EQ(e.facts().line, 1);
  }
  EXPECT_EQ(driver.calls["connect"], 0);
  EXPECT_TRUE(driver.history.empty());
}

TEST_F(BlankMigrationTest, DryRunAndValidateRefuseItToo) {
  EXPECT_THROW(Make().Up(true), RunError);
  try {
    Make().Validate(false);
    FAIL() << "expected a refusal";
  } catch (const RunError& e) {
    EXPECT_EQ(e.kind(), RunError::Kind::kBlankUpSection);
  }
}
