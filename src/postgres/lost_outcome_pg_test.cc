// PostgresDriver::ReadOutcomeOnNewSession on a real server when the history
// row of the migration whose COMMIT was lost belongs to another run: the
// lock passed to a waiting release while this run was cut off, that
// release applied the migration, and the link came back. The row is not
// this run's commit (Reliability.PartitionedLockHolderIsReplaced... shows
// it end to end over a real partition).

#include <gtest/gtest.h>

#include "base/redactor.h"
#include "postgres/database_url.h"
#include "postgres/postgres_driver.h"
#include "testing/pg_fixture.h"

namespace {

class LostOutcomeTest : public SlugwrightPgTest {
 protected:
  std::unique_ptr<PostgresDriver> Driver() {
    auto driver = std::make_unique<PostgresDriver>(DatabaseTarget::Parse(db_.url()),
                                                   HistoryTableName(), "slugwright outcome test",
                                                   &redactor_);
    driver->Connect();
    return driver;
  }
  static Migration Make(int64_t version) {
    Migration m;
    m.version = version;
    m.name = "m" + std::to_string(version);
    m.up_path = "migrations/" + std::to_string(version) + "_" + m.name + ".sql";
    m.up_first_line = 2;
    m.up_sql = "CREATE TABLE " + m.name + " (id int);";
    m.checksum = "sha256:" + m.name;
    return m;
  }
  static RunInfo Run(const std::string& id) {
    RunInfo run;
    run.run_id = id;
    return run;
  }
  Redactor redactor_;
};

TEST_F(LostOutcomeTest, AHistoryRowOfAnotherRunIsNotThisRunsCommit) {
  std::unique_ptr<PostgresDriver> other = Driver();
  other->CreateHistoryTables();
  other->ApplyUp(Make(1), false, Run("run-of-the-waiter"), HistoryStore::Wrap::kOwnTransaction);
  std::unique_ptr<PostgresDriver> ours = Driver();
  ours->ApplyUp(Make(2), false, Run("run-cut-off"), HistoryStore::Wrap::kOwnTransaction);

  EXPECT_EQ(ours->ReadOutcomeOnNewSession(1),
            HistoryStore::LostOutcome::kAppliedByAnotherRun);
  EXPECT_EQ(ours->ReadOutcomeOnNewSession(2), HistoryStore::LostOutcome::kApplied);
  EXPECT_EQ(ours->ReadOutcomeOnNewSession(3), HistoryStore::LostOutcome::kRolledBack);
  EXPECT_EQ(other->ReadOutcomeOnNewSession(1), HistoryStore::LostOutcome::kApplied);
}

}  // namespace
