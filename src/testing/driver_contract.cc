// The checks of the driver contract suites (see driver_contract.h), one
// section per role. Each names the promise of the role's header
// (migrate/session.h, lock_backend.h, ...) it holds an implementation to.

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

void DriverContract::SetUp() {
  subject_ = GetParam().make();
  ASSERT_NE(subject_, nullptr);
  run_.run_id = "contract-run";
  run_.release = "v12";
  run_.app = "contract-app";
  run_.runner = "slugwright contract";
}

void HistoryContract::ConnectWithHistory() {
  session().Connect();
  history().CreateHistoryTables();
}

std::vector<HistoryRow> HistoryContract::History() {
  std::vector<HistoryRow> rows;
  EXPECT_TRUE(history().ReadHistory(&rows)) << "the history table is missing";
  return rows;
}

Migration HistoryContract::MigrationNumbered(int64_t version) {
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

Migration HistoryContract::FailingMigration(int64_t version) {
  Migration m = MigrationNumbered(version);
  m.up_sql = std::string("INSERT INTO ") + kContractMissingTable + " VALUES (1);";
  m.down_sql = m.up_sql;
  return m;
}

void HistoryContract::Apply(const Migration& migration, bool out_of_order) {
  history().ApplyUp(migration, out_of_order, run_, HistoryStore::Wrap::kOwnTransaction);
}

// ---- Session ----------------------------------------------------------------

TEST_P(SessionContract, DescribesTheTargetWithoutThePassword) {
  std::string description = session().Describe();
  EXPECT_FALSE(description.empty());
  if (!subject_->secret().empty()) {
    EXPECT_EQ(description.find(subject_->secret()), std::string::npos) << description;
  }
}

TEST_P(SessionContract, StandardConformingStringsIsOnByDefaultWithOrWithoutTheLockCheck) {
  // What SplitSql needs to lex the files as the server does (server_lexing.h).
  session().Connect();
  EXPECT_TRUE(session().StandardConformingStrings());
  session().CheckSessionIsDirect(false);
  EXPECT_TRUE(session().StandardConformingStrings());
  session().Connect();
  EXPECT_TRUE(session().StandardConformingStrings());
}

TEST_P(SessionContract, CountsTheQueriesItSends) {
  session().Connect();
  EXPECT_EQ(session().queries_sent(), 0);
  session().ExecuteStatement("SELECT 1");
  session().SetTimeouts(5, 30);
  session().ExecuteStatement("SELECT 2");
  EXPECT_GE(session().queries_sent(), 3);
}

TEST_P(SessionContract, StatementErrorsCarryTheirSqlstate) {
  session().Connect();
  try {
    session().ExecuteStatement(std::string("SELECT * FROM ") + kContractMissingTable);
    ADD_FAILURE() << "a statement on a missing table did not throw";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01") << e.what();
    EXPECT_FALSE(e.connection_lost());
    if (!subject_->secret().empty()) {
      EXPECT_EQ(std::string(e.what()).find(subject_->secret()), std::string::npos);
    }
  }
  session().ExecuteStatement("SELECT 1");  // autocommit: nothing left aborted
}

TEST_P(SessionContract, ACopyFromStdinIsAnErrorAndTheSessionStaysUsable) {
  // "Check every statement's outcome": a COPY waiting for data is no success.
  session().Connect();
  session().ExecuteStatement("CREATE TABLE contract_copy_target (id int)");
  try {
    session().ExecuteStatement("COPY contract_copy_target FROM STDIN");
    ADD_FAILURE() << "a COPY FROM STDIN was taken as success";
  } catch (const DatabaseError& e) {
    EXPECT_FALSE(e.connection_lost()) << e.what();
  }
  session().ExecuteStatement("CREATE TABLE contract_after_copy (id int)");
}

TEST_P(SessionContract, SetTimeoutsLeavesOrdinaryStatementsRunning) {
  session().Connect();
  session().SetTimeouts(5, 30);
  session().ExecuteStatement("SELECT 1");
  session().SetTimeouts(0, 0);
  session().ExecuteStatement("SELECT 2");
}

TEST_P(SessionContract, CancelWithNothingRunningIsHarmless) {
  session().Cancel();  // before Connect: nothing to cancel
  session().Connect();
  session().Cancel();
  session().ExecuteStatement("SELECT 1");
}

TEST_P(SessionContract, BlockedByIsEmptyWhenNothingWaits) {
  EXPECT_EQ(session().BlockedBy(), "");  // before Connect: no session
  session().Connect();
  EXPECT_EQ(session().BlockedBy(), "");
  session().ExecuteStatement("SELECT 1");  // the session stays usable
}

// ---- LockBackend ------------------------------------------------------------

TEST_P(LockBackendContract, TryLockTakesTheLockAndUnlockSaysWhetherItWasHeld) {
  session().Connect();
  EXPECT_TRUE(lock().LockHolders().empty()) << "nobody holds the lock yet";
  ASSERT_TRUE(lock().TryLock());
  EXPECT_EQ(lock().LockHolders().size(), 1u);  // this session
  EXPECT_FALSE(lock().LockHasWaiters());
  EXPECT_TRUE(lock().Unlock());
  EXPECT_FALSE(lock().Unlock()) << "no longer held by this session";
  EXPECT_TRUE(lock().LockHolders().empty());
}

TEST_P(LockBackendContract, ItsQueriesAreCountedByTheSession) {
  session().Connect();
  int before = session().queries_sent();
  lock().TryLock();
  lock().Unlock();
  EXPECT_GE(session().queries_sent(), before + 2);
}

TEST_P(LockBackendContract, LockHeldElsewhereIsRefusedAndItsHolderNamed) {
  session().Connect();
  {
    std::shared_ptr<void> elsewhere = subject_->HoldLockElsewhere();
    EXPECT_FALSE(lock().TryLock());
    std::vector<LockHolder> holders = lock().LockHolders();
    ASSERT_EQ(holders.size(), 1u);
    EXPECT_GT(holders[0].pid, 0);
    EXPECT_FALSE(lock().LockHasWaiters()) << "TryLock polls: it never queues";
    EXPECT_FALSE(lock().Unlock()) << "this session does not hold it";
  }
  EXPECT_TRUE(lock().TryLock()) << "free once the other session let go";
  EXPECT_TRUE(lock().Unlock());
}

// ---- HistoryStore: tables and transactional migrations ----------------------

TEST_P(HistoryStoreContract, ReadHistoryIsFalseWithNoRowsUntilTheTablesExist) {
  session().Connect();
  std::vector<HistoryRow> rows(2);  // cleared by the call
  EXPECT_FALSE(history().ReadHistory(&rows));
  EXPECT_TRUE(rows.empty());
  history().CreateHistoryTables();
  history().CreateHistoryTables();  // "if missing": a second call changes nothing
  rows.resize(1);
  EXPECT_TRUE(history().ReadHistory(&rows));
  EXPECT_TRUE(rows.empty());
}

TEST_P(HistoryStoreContract, ItsQueriesAreCountedByTheSession) {
  session().Connect();
  int before = session().queries_sent();
  history().CreateHistoryTables();
  std::vector<HistoryRow> rows;
  history().ReadHistory(&rows);
  EXPECT_GE(session().queries_sent(), before + 2);
}

TEST_P(HistoryStoreContract, ApplyUpRecordsTheHistoryRowInVersionOrder) {
  ConnectWithHistory();
  Apply(MigrationNumbered(20240102000000));
  Apply(MigrationNumbered(20240101000000), true);
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

TEST_P(HistoryStoreContract, ReadHistoryChecksumsIsReadHistorysVersionsChecksumsAndStates) {
  session().Connect();
  std::vector<HistoryChecksum> checksums(1);  // cleared by the call
  EXPECT_FALSE(history().ReadHistoryChecksums(&checksums));
  EXPECT_TRUE(checksums.empty());
  history().CreateHistoryTables();
  Apply(MigrationNumbered(20240102000000));
  Apply(MigrationNumbered(20240101000000), true);
  Migration unfinished = MigrationNumbered(20240103000000);
  unfinished.up_in_transaction = false;
  history().StartUnfinished(unfinished, 2, false, run_);
  ASSERT_TRUE(history().ReadHistoryChecksums(&checksums));
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(checksums.size(), rows.size());
  ASSERT_EQ(checksums.size(), 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(checksums[i].version, rows[i].version);
    EXPECT_EQ(checksums[i].checksum, rows[i].checksum);
    EXPECT_EQ(checksums[i].applied, rows[i].state == MigrationState::kApplied);
  }
  EXPECT_FALSE(checksums[2].applied);
}

TEST_P(HistoryStoreContract, FailingApplyUpRollsBackAndLeavesTheSessionUsable) {
  ConnectWithHistory();
  try {
    Apply(FailingMigration(20240101000000));
    ADD_FAILURE() << "ApplyUp of a failing migration did not throw";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(e.sqlstate(), "42P01") << e.what();
    EXPECT_FALSE(e.connection_lost());
    if (!subject_->secret().empty()) {
      EXPECT_EQ(std::string(e.what()).find(subject_->secret()), std::string::npos);
    }
  }
  EXPECT_TRUE(History().empty());
  Apply(MigrationNumbered(20240102000000));
  EXPECT_EQ(History().size(), 1u);
}

TEST_P(HistoryStoreContract, OpenTransactionCommitsOrRollsBackEverythingInIt) {
  ConnectWithHistory();
  const HistoryStore::Wrap in_open = HistoryStore::Wrap::kInOpenTransaction;
  history().Begin();
  history().ApplyUp(MigrationNumbered(1), false, run_, in_open);
  history().ApplyUp(MigrationNumbered(2), false, run_, in_open);
  EXPECT_EQ(History().size(), 2u) << "this session sees its own transaction";
  history().Rollback();
  EXPECT_TRUE(History().empty());

  history().Begin();
  history().ApplyUp(MigrationNumbered(1), false, run_, in_open);
  EXPECT_THROW(history().ApplyUp(FailingMigration(2), false, run_, in_open), DatabaseError);
  history().Rollback();
  EXPECT_TRUE(History().empty()) << "a failure inside the transaction takes all of it";

  history().Begin();
  history().ApplyUp(MigrationNumbered(1), false, run_, in_open);
  history().ApplyUp(MigrationNumbered(2), false, run_, in_open);
  history().Commit();
  EXPECT_EQ(History().size(), 2u);
}

TEST_P(HistoryStoreContract, RollbackWithoutATransactionDoesNotThrow) {
  session().Connect();
  history().Rollback();
  session().ExecuteStatement("SELECT 1");
}

TEST_P(HistoryStoreContract, ApplyDownDeletesTheHistoryRow) {
  ConnectWithHistory();
  for (int64_t v : {1, 2, 3}) Apply(MigrationNumbered(v));
  history().ApplyDown(MigrationNumbered(3), run_, HistoryStore::Wrap::kOwnTransaction);
  history().Begin();
  history().ApplyDown(MigrationNumbered(2), run_, HistoryStore::Wrap::kInOpenTransaction);
  history().Rollback();
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].version, 2) << "the rolled-back revert left its row";
  history().Begin();
  history().ApplyDown(MigrationNumbered(2), run_, HistoryStore::Wrap::kInOpenTransaction);
  history().Commit();
  rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, 1);
}

TEST_P(HistoryStoreContract, ACopyFromStdinInAMigrationIsAnErrorAndTheSessionStaysUsable) {
  // "Every statement's outcome is checked": a COPY waiting for data is no
  // success, and the transaction is rolled back.
  ConnectWithHistory();
  Migration copy = MigrationNumbered(1);
  copy.up_sql = "CREATE TABLE contract_copy (id int);\nCOPY contract_copy FROM STDIN;";
  try {
    Apply(copy);
    ADD_FAILURE() << "a COPY FROM STDIN was taken as success";
  } catch (const DatabaseError& e) {
    EXPECT_FALSE(e.connection_lost()) << e.what();
  }
  EXPECT_TRUE(History().empty());
  Apply(MigrationNumbered(2));
  ASSERT_EQ(History().size(), 1u);
  EXPECT_EQ(History()[0].version, 2);
}

TEST_P(HistoryStoreContract, RecordEventNeverThrowsEvenWithoutTheTables) {
  session().Connect();
  history().RecordEvent("run_started", 0, "", "before the tables", run_);
  history().CreateHistoryTables();
  history().RecordEvent("applied", 1, "contract_1", "", run_);
  session().ExecuteStatement("SELECT 1");
}

TEST_P(HistoryStoreContract, ReadOutcomeOnNewSessionReadsTheHistoryRow) {
  ConnectWithHistory();
  Apply(MigrationNumbered(1));
  EXPECT_EQ(history().ReadOutcomeOnNewSession(1), HistoryStore::LostOutcome::kApplied);
  EXPECT_EQ(history().ReadOutcomeOnNewSession(2), HistoryStore::LostOutcome::kRolledBack);
}

// ---- HistoryStore: non-transactional migrations -----------------------------

TEST_P(HistoryStoreContract, UnfinishedMigrationRecordsItsProgressThenFinishes) {
  ConnectWithHistory();
  Migration m = MigrationNumbered(7);
  m.up_in_transaction = false;
  history().StartUnfinished(m, 3, true, run_);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, MigrationState::kStarted);
  EXPECT_FALSE(rows[0].in_transaction);
  EXPECT_EQ(rows[0].statements_total, 3);
  EXPECT_EQ(rows[0].statements_done, 0);
  EXPECT_TRUE(rows[0].out_of_order);
  EXPECT_EQ(rows[0].release, "v12");
  session().ExecuteStatement("SELECT 1");
  history().RecordProgress(7, 2);
  EXPECT_EQ(History().at(0).statements_done, 2);
  history().FinishUnfinished(m, run_);
  rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, MigrationState::kApplied);
  EXPECT_EQ(rows[0].statements_done, 3);
}

TEST_P(HistoryStoreContract, FailedUnfinishedMigrationKeepsItsRowUnlessNothingRan) {
  ConnectWithHistory();
  Migration m = MigrationNumbered(7);
  history().StartUnfinished(m, 3, false, run_);
  history().FailUnfinished(m, 1, "statement 2 failed: boom", run_);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].state, MigrationState::kFailed);
  EXPECT_EQ(rows[0].statements_done, 1);
  EXPECT_NE(rows[0].error.find("boom"), std::string::npos) << rows[0].error;

  Migration n = MigrationNumbered(8);
  history().StartUnfinished(n, 2, false, run_);
  history().FailUnfinished(n, 0, "statement 1 failed", run_);
  EXPECT_EQ(History().size(), 1u) << "nothing applied: pending again";
  history().ForgetMigration(m, run_);
  EXPECT_TRUE(History().empty());
}

TEST_P(HistoryStoreContract, RecordProgressOfAMissingRowChangesNothing) {
  ConnectWithHistory();
  Apply(MigrationNumbered(1));
  history().RecordProgress(97, 1);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, 1);
}

// ---- HistoryRepair ----------------------------------------------------------

TEST_P(HistoryRepairContract, RepairsChangeOnlyTheRowTheyName) {
  ConnectWithHistory();
  Migration failed = MigrationNumbered(1), applied = MigrationNumbered(2);
  history().StartUnfinished(failed, 4, false, run_);
  history().FailUnfinished(failed, 2, "boom", run_);
  Apply(applied);

  repair().MarkApplied(1, "sha256:marked", run_);
  repair().UpdateChecksum(2, "sha256:replaced", run_);
  repair().MarkApplied(99, "sha256:none", run_);  // no such row: nothing happens
  repair().UpdateChecksum(98, "sha256:none", run_);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].state, MigrationState::kApplied);
  EXPECT_EQ(rows[0].statements_done, 4);
  EXPECT_EQ(rows[0].error, "");
  EXPECT_EQ(rows[0].checksum, "sha256:marked");
  EXPECT_EQ(rows[1].checksum, "sha256:replaced");
  EXPECT_EQ(rows[1].name, applied.name);

  repair().DeleteHistoryRow(1, "deleted by the contract", run_);
  rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(Find(rows, 1), nullptr);
  EXPECT_NE(Find(rows, 2), nullptr);
}

TEST_P(HistoryRepairContract, RecordRenameMovesTheAppliedRow) {
  ConnectWithHistory();
  Apply(MigrationNumbered(1));
  Migration renamed = MigrationNumbered(2);
  renamed.checksum = MigrationNumbered(1).checksum;
  repair().RecordRename(1, renamed, run_);
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, 2);
  EXPECT_EQ(rows[0].name, "contract_2");
  EXPECT_EQ(rows[0].state, MigrationState::kApplied);
}

TEST_P(HistoryRepairContract, RecordAdoptedWritesAnAppliedRowInTheOpenTransaction) {
  ConnectWithHistory();
  Migration kept = MigrationNumbered(3), dropped = MigrationNumbered(4);
  history().Begin();
  repair().RecordAdopted(kept, "from dbmate's `schema_migrations` version '3'", run_);
  history().Commit();
  history().Begin();
  repair().RecordAdopted(dropped, "rolled back", run_);
  history().Rollback();
  std::vector<HistoryRow> rows = History();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].version, 3);
  EXPECT_EQ(rows[0].state, MigrationState::kApplied);
  EXPECT_EQ(rows[0].checksum, kept.checksum);
}

// ---- ForeignTables ----------------------------------------------------------

TEST_P(ForeignTablesContract, AnotherToolsTableIsFoundByExactNameAndReadAsText) {
  session().Connect();
  EXPECT_TRUE(tables().ForeignTableColumns({"SequelizeMeta", "schema_migrations"}).empty());
  subject_->CreateForeignTable("SequelizeMeta", {"name", "batch"},
                               {{"1-a.js", "1"}, {"2-b.js", "2"}});
  auto found = tables().ForeignTableColumns({"SequelizeMeta", "sequelizemeta", "knex"});
  ASSERT_EQ(found.size(), 1u) << "names are exact (case-sensitive)";
  EXPECT_EQ(found["SequelizeMeta"], (std::vector<std::string>{"name", "batch"}));
  auto rows = tables().ReadForeignTable("SequelizeMeta", {"batch", "name"});
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<std::vector<std::string>>{{"1", "1-a.js"}, {"2", "2-b.js"}}));
  EXPECT_THROW(tables().ReadForeignTable("knex_migrations", {"name"}), DatabaseError);
}

TEST_P(ForeignTablesContract, SlugwrightsOwnHistoryReadsAsATableLikeAnyOther) {
  session().Connect();
  EXPECT_TRUE(tables().ForeignTableColumns({"schema_migrations", "slugwright_migrations"})
                  .empty());
  history().CreateHistoryTables();
  Apply(MigrationNumbered(5));
  auto found = tables().ForeignTableColumns({"schema_migrations", "slugwright_migrations"});
  ASSERT_EQ(found.size(), 1u);
  const std::vector<std::string>& columns = found["slugwright_migrations"];
  EXPECT_EQ(columns.front(), "version");
  EXPECT_NE(std::find(columns.begin(), columns.end(), "state"), columns.end());
  auto rows = tables().ReadForeignTable("slugwright_migrations", {"version", "state"});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"5", "applied"}));
}

TEST_P(ForeignTablesContract, OtherHistoryTablesDoesNotCountItsOwn) {
  ConnectWithHistory();
  EXPECT_TRUE(tables().OtherHistoryTables().empty());
}

// ---- SchemaInspection -------------------------------------------------------

TEST_P(SchemaInspectionContract, AFreshDatabaseHasNoInvalidIndexes) {
  session().Connect();
  EXPECT_TRUE(inspection().InvalidIndexes().empty());
}
