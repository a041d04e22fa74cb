// Regression tests of issue 15 on a real PostgreSQL: ways a migration run
// could claim what did not happen or lose its protection. A COPY waiting
// for data is an error, not success; a migration cannot switch
// lock_timeout off for the next one; a connection lost with COMMIT in
// flight is "outcome unknown", resolved from the history row; a renamed
// applied migration is refused and `repair --renamed` records it; a
// migrations folder symlinked out of the app is refused; a second history
// table on the database is warned about. docs/reliability.md lists them.

#include <chrono>
#include <gtest/gtest.h>
#include <memory>
#include <thread>

#include "base/redactor.h"
#include "postgres/database_url.h"
#include "postgres/postgres_driver.h"
#include "testing/pg_fixture.h"
#include "testing/test_util.h"

namespace {

class RunnerSafetyTest : public SlugwrightPgTest {
 protected:
  /// `r` failed on migration 2's ALTER with lock_timeout (1 s), not after
  /// queueing behind the lock.
  void ExpectSecondMigrationHitsLockTimeout(const RunResult& r) {
    EXPECT_EQ(r.code, 1) << r.all();
    EXPECT_FALSE(r.timed_out);
    EXPECT_LT(r.seconds, 6.0) << "queued behind the lock instead of hitting lock_timeout";
    EXPECT_TRUE(Contains(r.err, "lock timeout")) << r.all();
    EXPECT_EQ(db_.Count("SELECT count(*) FROM information_schema.columns WHERE table_name "
                        "= 'locked' AND column_name = 'extra'"),
              0);
  }
};

// ---- 1: a COPY state is never success ---------------------------------------

TEST_F(RunnerSafetyTest, CopyFromStdinReachingTheServerIsAnErrorNamingIt) {
  // statement_rules.h refuses COPY FROM STDIN in files (below); this is the
  // driver's own check of each statement's outcome, for SQL that reaches it.
  Redactor redactor;
  redactor.AddSecret(password_);
  PostgresDriver driver(DatabaseTarget::Parse(db_.url()), HistoryTableName(),
                        "slugwright copy test", &redactor);
  driver.Connect();
  driver.CreateHistoryTables();
  RunInfo run;
  run.run_id = "copy-run";
  Migration copy;
  copy.version = 20240101;
  copy.name = "load";
  copy.up_path = "migrations/20240101_load.sql";
  copy.up_first_line = 2;
  copy.up_sql = "CREATE TABLE loaded (id int);\nCOPY loaded FROM STDIN;\nSELECT 1;";
  copy.checksum = "sha256:copy";
  try {
    driver.ApplyUp(copy, false, run, HistoryStore::Wrap::kOwnTransaction);
    ADD_FAILURE() << "COPY FROM STDIN was taken as success";
  } catch (const DatabaseError& e) {
    std::string message = e.what();
    EXPECT_TRUE(Contains(message, "COPY FROM STDIN needs inline data slugwright does not send"))
        << message;
    EXPECT_TRUE(Contains(message, "`COPY loaded FROM STDIN;`")) << message;
    EXPECT_TRUE(Contains(message, "migrations/20240101_load.sql:3")) << message;
    EXPECT_FALSE(e.connection_lost());
  }
  EXPECT_FALSE(db_.Exists("loaded"));
  EXPECT_EQ(db_.HistoryCount(), 0);
  // The session is usable: the next migration applies, alone.
  Migration next = copy;
  next.version = 20240102;
  next.up_sql = "CREATE TABLE after_copy (id int);";
  driver.ApplyUp(next, false, run, HistoryStore::Wrap::kOwnTransaction);
  EXPECT_TRUE(db_.Exists("after_copy"));
  EXPECT_EQ(db_.HistoryCount(), 1);
  // And in autocommit (transaction:false) statements.
  EXPECT_THROW(driver.ExecuteStatement("COPY after_copy FROM STDIN"), DatabaseError);
  driver.ExecuteStatement("INSERT INTO after_copy VALUES (1)");
  EXPECT_EQ(db_.Count("SELECT count(*) FROM after_copy"), 1);
}

TEST_F(RunnerSafetyTest, CopyFromStdinInAFileIsStillRefusedBeforeConnecting) {
  WriteMigration("20240101_load.sql",
                 "-- migrate:up\nCREATE TABLE loaded (id int);\nCOPY loaded FROM STDIN;\n");
  RunResult r = Run(Up());
  EXPECT_NE(r.code, 0) << r.all();
  EXPECT_FALSE(Contains(r.out, "Applied 1 migration")) << r.all();
  EXPECT_FALSE(db_.Exists("loaded"));
  EXPECT_EQ(db_.HistoryCount(), 0);
}

// ---- 3: a migration cannot switch lock_timeout off for the next -------------

TEST_F(RunnerSafetyTest, AMigrationThatSetsLockTimeoutToZeroDoesNotDisableItForTheNext) {
  db_.Exec("CREATE TABLE locked (id int)");
  WriteMigration("20240101_dump_header.sql",
                 "-- migrate:up\nSET lock_timeout = 0;\nSET statement_timeout = 0;\n"
                 "CREATE TABLE pasted (id int);\n");
  WriteMigration("20240102_alter.sql",
                 "-- migrate:up\nALTER TABLE locked ADD COLUMN extra int;\n");
  std::unique_ptr<SqlSession> blocker = db_.Connect();
  blocker->Query("BEGIN; LOCK TABLE locked IN ACCESS SHARE MODE");
  RunResult r = Start(Up({"--lock-timeout", "1s", "--lock-retries", "0"})).Wait(20);
  blocker->Query("COMMIT");
  ExpectSecondMigrationHitsLockTimeout(r);
  EXPECT_TRUE(db_.Exists("pasted"));
}

TEST_F(RunnerSafetyTest, ATransactionFalseMigrationAfterItIsProtectedToo) {
  db_.Exec("CREATE TABLE locked (id int)");
  WriteMigration("20240101_dump_header.sql",
                 "-- migrate:up\nSET lock_timeout = 0;\nSET statement_timeout = 0;\n"
                 "CREATE TABLE pasted (id int);\n");
  WriteMigration("20240102_alter.sql",
                 "-- migrate:up transaction:false\nALTER TABLE locked ADD COLUMN extra int;\n");
  std::unique_ptr<SqlSession> blocker = db_.Connect();
  blocker->Query("BEGIN; LOCK TABLE locked IN ACCESS SHARE MODE");
  RunResult r = Start(Up({"--lock-timeout", "1s", "--lock-retries", "0"})).Wait(20);
  blocker->Query("COMMIT");
  ExpectSecondMigrationHitsLockTimeout(r);
}

// ---- 4: a lost COMMIT is "outcome unknown", resolved from the history -------

TEST_F(RunnerSafetyTest, ConnectionLostWithTheCommitInFlightIsReportedUnknownThenResolved) {
  WriteMigration("20240101_slow.sql",
                 "-- migrate:up\nCREATE TABLE slow (id int);\nSELECT pg_sleep(2);\n");
  RunningProcess running = Start(Up());
  int pid = db_.WaitForRunnerRunning("pg_sleep");
  ASSERT_NE(pid, 0);
  db_.Terminate(pid);
  RunResult r = running.Wait(60);
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_TRUE(Contains(r.err, "outcome unknown")) << r.all();
  // Resolved on a new connection: the server rolled it back.
  EXPECT_TRUE(Contains(r.all(), "Checked on a new connection: 20240101_slow has no history "
                                "row; the server rolled it back"))
      << r.all();
  EXPECT_FALSE(Contains(r.all(), "migrate down")) << r.all();
  EXPECT_FALSE(Contains(r.all(), "20240101_slow was rolled back")) << r.all();
  EXPECT_FALSE(db_.Exists("slow"));
  EXPECT_EQ(db_.HistoryCount(), 0);
  // The next run applies it.
  RunResult again = Run(Up());
  EXPECT_EQ(again.code, 0) << again.all();
  EXPECT_TRUE(db_.Exists("slow"));
}

TEST_F(RunnerSafetyTest, ReadOutcomeOnNewSessionSeesACommittedMigrationAsApplied) {
  // The server-committed variant is hard to time end to end; the reading
  // it depends on is checked here on a real server (the Migrator's report
  // of it in migrator_test.cc).
  WriteMigration("20240101_done.sql", "-- migrate:up\nCREATE TABLE done (id int);\n");
  ASSERT_EQ(Run(Up()).code, 0);
  Redactor redactor;
  PostgresDriver driver(DatabaseTarget::Parse(db_.url()), HistoryTableName(),
                        "slugwright outcome test", &redactor);
  driver.Connect();
  EXPECT_EQ(driver.ReadOutcomeOnNewSession(20240101), HistoryStore::LostOutcome::kApplied);
  EXPECT_EQ(driver.ReadOutcomeOnNewSession(20240102),
            HistoryStore::LostOutcome::kRolledBack);
}

// ---- 8: a renamed applied migration -----------------------------------------

TEST_F(RunnerSafetyTest, ARenamedAppliedMigrationIsRefusedAndRepairRecordsTheRename) {
  const std::string sql =
      "-- migrate:up\nCREATE TABLE IF NOT EXISTS payments (id int);\n"
      "INSERT INTO payments VALUES (1);\n";
  WriteMigration("20240101_seed.sql", sql);
  ASSERT_EQ(Run(Up()).code, 0);
  std::remove((Dir() + "/20240101_seed.sql").c_str());
  WriteMigration("20240102_seed_payments.sql", sql);

  RunResult refused = Run(Up());
  EXPECT_EQ(refused.code, 4) << refused.all();
  EXPECT_TRUE(Contains(refused.err, "20240102_seed_payments.sql")) << refused.all();
  EXPECT_TRUE(Contains(refused.err, "20240101_seed")) << refused.all();
  EXPECT_TRUE(Contains(refused.err, "renamed")) << refused.all();
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments"), 1);  // not run again

  RunResult wrong = Run({"migrate", "repair", "--dir", Dir(), "--renamed", "20240101:20240103"});
  EXPECT_EQ(wrong.code, 2) << wrong.all();
  RunResult repair =
      Run({"migrate", "repair", "--dir", Dir(), "--renamed", "20240101:20240102"});
  EXPECT_EQ(repair.code, 0) << repair.all();
  EXPECT_EQ(db_.RowState(20240102), "applied 0/0") << db_.RowState(20240102);
  EXPECT_EQ(db_.RowState(20240101), "");
  RunResult after = Run(Up());
  EXPECT_EQ(after.code, 0) << after.all();
  EXPECT_TRUE(Contains(after.out, "up to date")) << after.all();
  EXPECT_EQ(db_.Count("SELECT count(*) FROM payments"), 1);
}

// ---- 10: a symlink out of the app; a second history table --------------------

TEST_F(RunnerSafetyTest, AMigrationsFolderSymlinkedOutOfTheAppIsRefused) {
  tmp_.Write("elsewhere/20240101_a.sql", "-- migrate:up\nCREATE TABLE outside (id int);\n");
  tmp_.Write("app/slugwright.yml",
             "release:\n  migrations: db/migrations\napps:\n  - match: '*'\n"
             "    procfile: Procfile\n");
  tmp_.Write("app/Procfile", "web: true\n");
  tmp_.Write("app/db/.keep", "");
  tmp_.Symlink(tmp_.path() + "/elsewhere", "app/db/migrations");
  ProcessOptions options;
  options.cwd = tmp_.path() + "/app";
  options.env["HEROKU_APP_NAME"] = "safety-test";
  RunResult r = slugwright_.StartSlugwright({"migrate", "up"}, options).Wait(60);
  EXPECT_EQ(r.code, 2) << r.all();
  EXPECT_TRUE(Contains(r.err, "leads outside the app")) << r.all();
  EXPECT_FALSE(db_.Exists("outside"));
  // --dir names a folder on purpose, wherever it is.
  RunResult explicit_dir = Run({"migrate", "up", "--dir", tmp_.path() + "/app/db/migrations"});
  EXPECT_EQ(explicit_dir.code, 0) << explicit_dir.all();
}

TEST_F(RunnerSafetyTest, ASecondHistoryTableOnTheDatabaseIsWarnedAbout) {
  WriteMigration("20240101_a.sql", "-- migrate:up\nCREATE SEQUENCE IF NOT EXISTS a;\n");
  RunResult first = Run(Up({"--table", "other_runner"}));
  ASSERT_EQ(first.code, 0) << first.all();
  EXPECT_FALSE(Contains(first.all(), "history table(s)")) << first.all();
  RunResult second = Run(Up());
  EXPECT_EQ(second.code, 0) << second.all();
  EXPECT_TRUE(Contains(second.all(), "public.other_runner")) << second.all();
  EXPECT_TRUE(Contains(second.all(), "slugwright_migrations")) << second.all();
}

// Where the second runner's first migration creates a table the first
// runner made, it would apply everything again: refused, naming the other
// history table.
TEST_F(RunnerSafetyTest, ASecondRunnerWhoseFirstTableExistsIsRefused) {
  WriteMigration("20240101_a.sql", "-- migrate:up\nCREATE TABLE IF NOT EXISTS a (id int);\n"
                                   "INSERT INTO a VALUES (1);\n");
  RunResult first = Run(Up({"--table", "other_runner"}));
  ASSERT_EQ(first.code, 0) << first.all();
  RunResult second = Run(Up());
  EXPECT_EQ(second.code, 4) << second.all();
  EXPECT_TRUE(Contains(second.err, "public.other_runner")) << second.all();
  EXPECT_EQ(db_.Count("SELECT count(*) FROM a"), 1);
}

}  // namespace
