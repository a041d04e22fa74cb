// The checks of the DatabaseDriver contract (see driver_contract.h). Each
// names the promise of migrate/database_driver.h it holds a driver to.

#include "testing/driver_contract.h"

#include <algorithm>
#include <stdexcept>

const char kContractMissingTable[] = "slugwright_contract_missing_table";

namespace {

const HistoryRow* Find(const std::vector<HistoryRow>& rows, int64_t version) {
  for (const HistoryRow& row : rows)
    if (row.version == version) return &row;
  return nullptr;
}

}  // namespace

void DatabaseDriverContract::SetUp() {
  subject_ = GetParam().make();
  ASSERT_NE(subject_, nullptr);
  run_.run_id = "contract-run";
  run_.release = "v12";
  run_.app = "contract-app";
  run_.runner = "slugwright contract";
}

void DatabaseDriverContract::ConnectWithHistory() {
  driver().Connect();
  driver().CreateHistoryTables();
}

std::vector<HistoryRow> DatabaseDriverContract::History() {
  std::vector<HistoryRow> rows;
  EXPECT_TRUE(driver().ReadHistory(&rows)) << "the history table is missing";
  return rows;
}

Migration DatabaseDriverContract::MigrationNumbered(int64_t version) {
  Migration m;
  m.version = version;
  m.name = "contract_" + std::to_string(version);
  m.up_path = m.down_path = "migrations/" + std::to_string(version) + "_" + m.name + ".sql";
  m.up_sql = "CREATE TABLE " + m.name + " (id int);";
  m.down_sql = "DROP TABLE " + m.name + ";";
  m.has_down = true;
  m.checksum = "sha256:contract" + std::to_string(version);
  return m;
}

Migration DatabaseDriverContract::FailingMigration(int64_t version) {
  Migration m = MigrationNumbered(version);
  m.up_sql = std::string("INSERT INTO ") + kContractMissingTable + " VALUES (1);";
  m.down_sql = m.up_sql;
  return m;
}

// ---- Describe, Connect, history tables --------------------------------------

TEST_P(DatabaseDriverContract, DescribesTheTargetWithoutThePassword) {
  std::string description = driver().Describe();
  EXPECT_FALSE(description.empty());
  if (!subject_->secret().empty()) {
    EXPECT_EQ(description.find(subject_->secret()), std::string::npos) << description;
  }
}

TEST_P(DatabaseDriverContract, StandardConformingStringsIsOnByDefaultWithOrWithoutTheLockCheck) {
  // What SplitSql needs to lex the files as the server does (server_lexing.h).
  driver().Connect();
  EXPECT_TRUE(driver().StandardConformingStrings());
  driver().CheckSessionIsDirect(false);
  EXPECT_TRUE(driver().StandardConformingStrings());
  driver().Connect();
  EXPECT_TRUE(driver().StandardConformingStrings());
}

TEST_P(DatabaseDriverContract, ReadHistoryIsFalseWithNoRowsUntilTheTablesExist) {
  driver().Connect();
  std::vector<HistoryRow> rows(2);  // cleared by the call
  EXPECT_FALSE(driver().ReadHistory(&rows));
  EXPECT_TRUE(rows.empty());
  driver().CreateHistoryTables();
  driver().CreateHistoryTables();  // "if missing": a second call changes nothing
  rows.resize(1);
  EXPECT_TRUE(driver().ReadHistory(&rows));
  EXPECT_TRUE(rows.empty());
}

TEST_P(DatabaseDriverContract, CountsTheQueriesItSends) {
  driver().Connect();
  EXPECT_EQ(driver().queries_sent(), 0);
  driver().TryLock();
  driver().Unlock();
  std::vector<HistoryRow> rows;
  driver().ReadHistory(&rows);
  EXPECT_GE(driver().queries_sent(), 3);
}

// ---- The migration lock -----------------------------------------------------

TEST_P(DatabaseDriverContract, TryLockTakesTheLockAndUnlockSaysWhetherItWasHeld) {
  driver().Connect();
  EXPECT_TRUE(driver().LockHolders().empty()) << "nobody holds the lock yet";
  ASSERT_TRUE(driver().TryLock());
  EXPECT_EQ(driver().LockHolders().size(), 1u);  // this session
  EXPECT_FALSE(driver().LockHasWaiters());
  EXPECT_TRUE(driver().Unlock());
  EXPECT_FALSE(driver().Unlock()) << "no longer held by this session";
  EXPECT_TRUE(driver().LockHolders().empty());
}

TEST_P(DatabaseDriverContract, LockHeldElsewhereIsRefusedAndItsHolderNamed) {
  driver().Connect();
  {
    std::shared_ptr<void> elsewhere = subject_->HoldLockElsewhere();
    EXPECT_FALSE(driver().TryLock());
    std::vector<LockHolder> holders = driver().LockHolders();
    ASSERT_EQ(holders.size(), 1u);
    EXPECT_GT(holders[0].pid, 0);
    EXPECT_FALSE(driver().LockHasWaiters()) << "TryLock polls: it never queues";
    EXPECT_FALSE(driver().Unlock()) << "this session does not hold it";
  }
  EXPECT_TRUE(driver().TryLock()) << "free once the other session let go";
  EXPECT_TRUE(driver().Unlock());
}

// ---- Transactional migrations -----------------------------------------------

TEST_P(DatabaseDriverContract, ApplyUpRecordsTheHistoryRowInVersionOrder) {
  ConnectWithHistory();
  driver().ApplyUp(MigrationNumbered(20240102000000), false, run_,
                   DatabaseDriver::Wrap::kOwnTransaction);
  driver().ApplyUp(MigrationNumbered(20240101000000), true, run_,
                   DatabaseDriver::Wrap::kOwnTransaction);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].version, 20240101000000);  // in version order
  EXPECT_TRUE(rows[0].out_of_order);
  const HistoryRow& row = rows[1];
  EXPECT_EQ(row.version, 20240102000000);
  EXPECT_EQ(row.name, "contract_20240102000000");
  EXPECT_EQ(row.checksum, "sha256:contract20240102000000");
  EXPECT_EQ(row.state, MigrationState::kApplied);
  EXPECT_TRUE(row.in_transaction);
  EXPECT_FALSE(row.out_of_order);
  EXPECT_EQ(row.release, "v12");
  EXPECT_EQ(row.app, "contract-app");
  EXPECT_FALSE(row.applied_at.empty());
  EXPECT_GE(row.execution_ms, 0);
}

TEST_P(DatabaseDriverContract, FailingApplyUpRollsBackAndLeavesTheSessionUsable) {
  ConnectWithHistory();
  try {
    driver().ApplyUp(FailingMigration(20240101000000), false, run_,
                     DatabaseDriver::Wrap::kOwnTransaction);
    ADD_FAILURE() << "ApplyUp of a failing migration did not throw";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01") << e.what();
    EXPECT_FALSE(e.connection_lost());
    if (!subject_->secret().empty()) {
      EXPECT_EQ(std::string(e.what()).find(subject_->secret()), std::string::npos);
    }
  }
  EXPECT_TRUE(History().empty());
  driver().ApplyUp(MigrationNumbered(20240102000000), false, run_,
                   DatabaseDriver::Wrap::kOwnTransaction);
  EXPECT_EQ(History().size(), 1u);
}

TEST_P(DatabaseDriverContract, OpenTransactionCommitsOrRollsBackEverythingInIt) {
  ConnectWithHistory();
  driver().Begin();
  driver().ApplyUp(MigrationNumbered(1), false, run_, DatabaseDriver::Wrap::kInOpenTransaction);
  driver().ApplyUp(MigrationNumbered(2), false, run_, DatabaseDriver::Wrap::kInOpenTransaction);
  EXPECT_EQ(History().size(), 2u) << "this session sees its own transaction";
  driver().Rollback();
  EXPECT_TRUE(History().empty());

  driver().Begin();
  driver().ApplyUp(MigrationNumbered(1), false, run_, DatabaseDriver::Wrap::kInOpenTransaction);
  EXPECT_THROW(driver().ApplyUp(FailingMigration(2), false, run_,
                                DatabaseDriver::Wrap::kInOpenTransaction),
               DatabaseError);
  driver().Rollback();
  EXPECT_TRUE(History().empty()) << "a failure inside the transaction takes all of it";

  driver().Begin();
  driver().ApplyUp(MigrationNumbered(1), false, run_, DatabaseDriver::Wrap::kInOpenTransaction);
  driver().ApplyUp(MigrationNumbered(2), false, run_, DatabaseDriver::Wrap::kInOpenTransaction);
  driver().Commit();
  EXPECT_EQ(History().size(), 2u);
}

TEST_P(DatabaseDriverContract, RollbackWithoutATransactionDoesNotThrow) {
  driver().Connect();
  driver().Rollback();
  driver().ExecuteStatement("SELECT 1");
}

TEST_P(DatabaseDriverContract, ApplyDownDeletesTheHistoryRow) {
  ConnectWithHistory();
  for (int64_t v : {1, 2, 3})
    driver().ApplyUp(MigrationNumbered(v), false, run_, DatabaseDriver::Wrap::kOwnTransaction);
  driver().ApplyDown(MigrationNumbered(3), run_, DatabaseDriver::Wrap::kOwnTransaction);
  driver().Begin();
  driver().ApplyDown(MigrationNumbered(2), run_, DatabaseDriver::Wrap::kInOpenTransaction);
  driver().Rollback();
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].version, 2) << "the rolled-back revert left its row";
  driver().Begin();
  driver().ApplyDown(MigrationNumbered(2), run_, DatabaseDriver::Wrap::kInOpenTransaction);
  driver().Commit();
  rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, 1);
}

// ---- Statements, timeouts, errors -------------------------------------------

TEST_P(DatabaseDriverContract, StatementErrorsCarryTheirSqlstate) {
  driver().Connect();
  try {
    driver().ExecuteStatement(std::string("SELECT * FROM ") + kContractMissingTable);
    ADD_FAILURE() << "a statement on a missing table did not throw";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01") << e.what();
    EXPECT_FALSE(e.connection_lost());
  }
  driver().ExecuteStatement("SELECT 1");  // autocommit: nothing left aborted
}

TEST_P(DatabaseDriverContract, SetTimeoutsLeavesOrdinaryStatementsRunning) {
  driver().Connect();
  driver().SetTimeouts(5, 30);
  driver().ExecuteStatement("SELECT 1");
  driver().SetTimeouts(0, 0);
  driver().ExecuteStatement("SELECT 2");
}

TEST_P(DatabaseDriverContract, RecordEventNeverThrowsEvenWithoutTheTables) {
  driver().Connect();
  driver().RecordEvent("run_started", 0, "", "before the tables", run_);
  driver().CreateHistoryTables();
  driver().RecordEvent("applied", 1, "contract_1", "", run_);
  driver().ExecuteStatement("SELECT 1");
}

TEST_P(DatabaseDriverContract, CancelWithNothingRunningIsHarmless) {
  driver().Cancel();  // before Connect: nothing to cancel
  driver().Connect();
  driver().Cancel();
  driver().ExecuteStatement("SELECT 1");
}

TEST_P(DatabaseDriverContract, BlockedByIsEmptyWhenNothingWaits) {
  EXPECT_EQ(driver().BlockedBy(), "");  // before Connect: no session
  driver().Connect();
  EXPECT_EQ(driver().BlockedBy(), "");
  driver().ExecuteStatement("SELECT 1");  // the session stays usable
}

TEST_P(DatabaseDriverContract, AFreshDatabaseHasNoInvalidIndexes) {
  driver().Connect();
  EXPECT_TRUE(driver().InvalidIndexes().empty());
}

// ---- Non-transactional migrations -------------------------------------------

TEST_P(DatabaseDriverContract, UnfinishedMigrationRecordsItsProgressThenFinishes) {
  ConnectWithHistory();
  Migration m = MigrationNumbered(7);
  m.up_in_transaction = false;
  driver().StartUnfinished(m, 3, true, run_);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, MigrationState::kStarted);
  EXPECT_FALSE(rows[0].in_transaction);
  EXPECT_EQ(rows[0].statements_total, 3);
  EXPECT_EQ(rows[0].statements_done, 0);
  EXPECT_TRUE(rows[0].out_of_order);
  EXPECT_EQ(rows[0].release, "v12");
  driver().ExecuteStatement("SELECT 1");
  driver().RecordProgress(7, 2);
  EXPECT_EQ(History().at(0).statements_done, 2);
  driver().FinishUnfinished(m, run_);
  rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, MigrationState::kApplied);
  EXPECT_EQ(rows[0].statements_done, 3);
}

TEST_P(DatabaseDriverContract, FailedUnfinishedMigrationKeepsItsRowUnlessNothingRan) {
  ConnectWithHistory();
  Migration m = MigrationNumbered(7);
  driver().StartUnfinished(m, 3, false, run_);
  driver().FailUnfinished(m, 1, "statement 2 failed: boom", run_);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, MigrationState::kFailed);
  EXPECT_EQ(rows[0].statements_done, 1);
  EXPECT_NE(rows[0].error.find("boom"), std::string::npos) << rows[0].error;

  Migration n = MigrationNumbered(8);
  driver().StartUnfinished(n, 2, false, run_);
  driver().FailUnfinished(n, 0, "statement 1 failed", run_);
  EXPECT_EQ(History().size(), 1u) << "nothing applied: pending again";
  driver().ForgetMigration(m, run_);
  EXPECT_TRUE(History().empty());
}

// ---- Repairs ----------------------------------------------------------------

TEST_P(DatabaseDriverContract, RepairsChangeOnlyTheRowTheyName) {
  ConnectWithHistory();
  Migration failed = MigrationNumbered(1), applied = MigrationNumbered(2);
  driver().StartUnfinished(failed, 4, false, run_);
  driver().FailUnfinished(failed, 2, "boom", run_);
  driver().ApplyUp(applied, false, run_, DatabaseDriver::Wrap::kOwnTransaction);

  driver().MarkApplied(1, "sha256:marked", run_);
  driver().UpdateChecksum(2, "sha256:replaced", run_);
  driver().MarkApplied(99, "sha256:none", run_);  // no such row: nothing happens
  driver().UpdateChecksum(98, "sha256:none", run_);
  driver().RecordProgress(97, 1);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].state, MigrationState::kApplied);
  EXPECT_EQ(rows[0].statements_done, 4);
  EXPECT_EQ(rows[0].error, "");
  EXPECT_EQ(rows[0].checksum, "sha256:marked");
  EXPECT_EQ(rows[1].checksum, "sha256:replaced");
  EXPECT_EQ(rows[1].name, applied.name);

  driver().DeleteHistoryRow(1, "deleted by the contract", run_);
  rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Find(rows, 1), nullptr);
  EXPECT_NE(Find(rows, 2), nullptr);
}

// ---- Adoption of another tool's history ---------------------------------------

TEST_P(DatabaseDriverContract, RecordAdoptedWritesAnAppliedRowInTheOpenTransaction) {
  ConnectWithHistory();
  Migration kept = MigrationNumbered(3), dropped = MigrationNumbered(4);
  driver().Begin();
  driver().RecordAdopted(kept, "from dbmate's `schema_migrations` version '3'", run_);
  driver().Commit();
  driver().Begin();
  driver().RecordAdopted(dropped, "rolled back", run_);
  driver().Rollback();
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, 3);
  EXPECT_EQ(rows[0].state, MigrationState::kApplied);
  EXPECT_EQ(rows[0].checksum, kept.checksum);
}

TEST_P(DatabaseDriverContract, ForeignTablesAreFoundByExactNameAndReadAsText) {
  driver().Connect();
  EXPECT_TRUE(driver().ForeignTableColumns({"schema_migrations", "slugwright_migrations"})
                  .empty());
  driver().CreateHistoryTables();
  driver().ApplyUp(MigrationNumbered(5), false, run_, DatabaseDriver::Wrap::kOwnTransaction);
  auto found = driver().ForeignTableColumns({"schema_migrations", "slugwright_migrations"});
  ASSERT_EQ(found.size(), 1u);
  const std::vector<std::string>& columns = found["slugwright_migrations"];
  EXPECT_EQ(columns.front(), "version");
  EXPECT_NE(std::find(columns.begin(), columns.end(), "state"), columns.end());
  auto rows = driver().ReadForeignTable("slugwright_migrations", {"version", "state"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"5", "applied"}));
}

// ---- Statement outcomes, lost commits, renames --------------------------------

TEST_P(DatabaseDriverContract, ACopyFromStdinIsAnErrorAndTheSessionStaysUsable) {
  // "Check every statement's outcome": a COPY waiting for data is no success.
  ConnectWithHistory();
  Migration copy = MigrationNumbered(1);
  copy.up_sql = "CREATE TABLE contract_copy (id int);\nCOPY contract_copy FROM STDIN;";
  try {
    driver().ApplyUp(copy, false, run_, DatabaseDriver::Wrap::kOwnTransaction);
    ADD_FAILURE() << "a COPY FROM STDIN was taken as success";
  } catch (const DatabaseError& e) {
    EXPECT_FALSE(e.connection_lost()) << e.what();
  }
  EXPECT_TRUE(History().empty());
  driver().ApplyUp(MigrationNumbered(2), false, run_, DatabaseDriver::Wrap::kOwnTransaction);
  ASSERT_EQ(History().size(), 1u);
  EXPECT_EQ(History()[0].version, 2);
  EXPECT_THROW(driver().ExecuteStatement("COPY contract_2 FROM STDIN"), DatabaseError);
  driver().ExecuteStatement("CREATE TABLE contract_after_copy (id int)");
}

TEST_P(DatabaseDriverContract, ReadOutcomeOnNewSessionReadsTheHistoryRow) {
  ConnectWithHistory();
  driver().ApplyUp(MigrationNumbered(1), false, run_, DatabaseDriver::Wrap::kOwnTransaction);
  EXPECT_EQ(driver().ReadOutcomeOnNewSession(1), DatabaseDriver::LostOutcome::kApplied);
  EXPECT_EQ(driver().ReadOutcomeOnNewSession(2), DatabaseDriver::LostOutcome::kRolledBack);
}

TEST_P(DatabaseDriverContract, RecordRenameMovesTheAppliedRow) {
  ConnectWithHistory();
  driver().ApplyUp(MigrationNumbered(1), false, run_, DatabaseDriver::Wrap::kOwnTransaction);
  Migration renamed = MigrationNumbered(2);
  renamed.checksum = MigrationNumbered(1).checksum;
  driver().RecordRename(1, renamed, run_);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, 2);
  EXPECT_EQ(rows[0].name, "contract_2");
  EXPECT_EQ(rows[0].state, MigrationState::kApplied);
}

TEST_P(DatabaseDriverContract, OtherHistoryTablesDoesNotCountItsOwn) {
  ConnectWithHistory();
  EXPECT_TRUE(driver().OtherHistoryTables().empty());
}
