// The release-phase executor end to end: the real `slugwright` binary
// (SLUGWRIGHT_BIN) run as separate processes against the throwaway cluster
// of pg_test_main.cc. Every run's stdout and stderr is checked for the
// database password.

#include <signal.h>

#include <chrono>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "postgres/local_postgres.h"
#include "testing/pg_fixture.h"
#include "testing/pgbouncer.h"

namespace {

using Clock = std::chrono::steady_clock;

/// One database, one migrations directory, and the binary run against
/// them as release v7 of commonwealth-test.
class ReleaseTest : public SlugwrightPgTest {
 protected:
  void SetUp() override {
    SlugwrightPgTest::SetUp();
    slugwright_.env()["HEROKU_RELEASE_VERSION"] = "v7";
    slugwright_.env()["HEROKU_APP_NAME"] = "commonwealth-test";
  }

  void RemoveMigration(const std::string& file) {
    std::remove((Dir() + "/" + file).c_str());
  }
  /// Five migrations creating t1..t5; `failing` (1-5, or 0) holds an error.
  void WriteFive(int failing = 0) {
    for (int i = 1; i <= 5; ++i) {
      std::string t = "t" + std::to_string(i);
      std::string up = "CREATE TABLE " + t + " (id int PRIMARY KEY);\nINSERT INTO " + t +
                       " VALUES (1);\n";
      if (i == failing) up += "INSERT INTO " + t + " (missing) VALUES (2);\n";
      WriteMigration("2024010" + std::to_string(i) + "000000_create_" + t + ".sql",
                     "-- migrate:up\n" + up + "\n-- migrate:down\nDROP TABLE " + t + ";\n");
    }
  }

  std::string Scalar(const std::string& sql) { return db_.Scalar(sql); }
  bool TableExists(const std::string& name) { return db_.Exists(name); }
  int HistoryCount() { return db_.HistoryCount(); }
  int MigrationLocks(bool granted) { return db_.MigrationLocks(granted); }
};

/// Counts the statements the server logged for one application_name
/// fragment (log_statement = 'all'; the log line prefix holds it).
int LoggedStatements(const std::string& application_fragment) {
  std::ifstream log(TestCluster().log_path());
  std::string line;
  int count = 0;
  while (std::getline(log, line))
    if (line.find(application_fragment) != std::string::npos &&
        line.find("LOG:  statement:") != std::string::npos)
      ++count;
  return count;
}

}  // namespace

TEST_F(ReleaseTest, AppliesFromEmptyThenReRunIsANoOp) {
  WriteFive();
  RunResult first = Run(Up());
  ASSERT_EQ(first.code, 0) << first.all();
  for (int i = 1; i <= 5; ++i) EXPECT_TRUE(TableExists("t" + std::to_string(i)));
  EXPECT_EQ(HistoryCount(), 5);
  SqlSession::Rows rows = db_.Query(
      "SELECT version, name, checksum, state, release, app, execution_ms FROM "
      "slugwright_migrations ORDER BY version");
  EXPECT_EQ(rows[0][1], "create_t1");
  EXPECT_EQ(rows[0][2].rfind("sha256:", 0), 0u);
  EXPECT_EQ(rows[0][3], "applied");
  EXPECT_EQ(rows[0][4], "v7");
  EXPECT_EQ(rows[0][5], "commonwealth-test");
  EXPECT_GE(std::stod(rows[0][6]), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM slugwright_migrations_events WHERE event = 'applied'"),
            "5");
  EXPECT_NE(first.out.find("20240101000000_create_t1"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("Applied 5 migrations"), std::string::npos);

  RunResult second = Run(Up());
  ASSERT_EQ(second.code, 0) << second.all();
  EXPECT_NE(second.out.find("up to date"), std::string::npos) << second.out;
  EXPECT_EQ(HistoryCount(), 5);
  EXPECT_EQ(MigrationLocks(true), 0);  // released
}

TEST_F(ReleaseTest, NoOpRunSendsTheSameFewQueriesWhateverTheNumberOfMigrations) {
  // Two databases, 10 and 1000 applied migrations; each no-op run is
  // counted in the server log (log_statement = 'all') and by the driver.
  std::map<int, int> logged, reported;
  std::map<int, double> seconds;
  for (int n : {10, 1000}) {
    if (n == 1000) {
      db_ = PgDatabase();
      slugwright_.env()["DATABASE_URL"] = db_.url();
    }
    std::string dir = "m" + std::to_string(n);
    for (int i = 1; i <= n; ++i)
      tmp_.Write(dir + "/" + std::to_string(100000 + i) + "_m.sql",
                 "-- migrate:up\nSELECT " + std::to_string(i) + ";\n");
    std::vector<std::string> args = {"migrate", "up", "--dir", tmp_.path() + "/" + dir,
                                     "--transaction", "all"};
    ASSERT_EQ(Run(args).code, 0);
    std::string app = "noop-" + std::to_string(n) + "-apps";
    args.push_back("--verbose");
    RunResult r = Run(args, {{"HEROKU_APP_NAME", app}});
    ASSERT_EQ(r.code, 0) << r.all();
    logged[n] = LoggedStatements(" " + app + " pid ");
    size_t at = r.out.find(" queries sent");
    ASSERT_NE(at, std::string::npos) << r.out;
    reported[n] = std::stoi(r.out.substr(r.out.rfind(' ', at - 1) + 1));
    // The best of three, to keep a busy test machine out of the number.
    seconds[n] = r.seconds;
    for (int k = 0; k < 2; ++k) seconds[n] = std::min(seconds[n], Run(args).seconds);
  }
  EXPECT_EQ(logged[10], logged[1000]);
  EXPECT_EQ(reported[10], reported[1000]);
  EXPECT_EQ(logged[1000], reported[1000]);
  EXPECT_LE(reported[1000], 4);  // pid check, try lock, history SELECT, unlock
  std::cout << "no-op run with 1000 applied migrations: " << seconds[1000] * 1000
            << " ms (process start included), " << reported[1000] << " queries\n";
  EXPECT_LT(seconds[1000], 1.0);
}

TEST_F(ReleaseTest, DownRevertsAndUpRedoes) {
  WriteFive();
  ASSERT_EQ(Run(Up()).code, 0);
  RunResult down = Run({"migrate", "down", "2", "--dir", Dir()});
  ASSERT_EQ(down.code, 0) << down.all();
  EXPECT_FALSE(TableExists("t5"));
  EXPECT_FALSE(TableExists("t4"));
  EXPECT_TRUE(TableExists("t3"));
  EXPECT_EQ(HistoryCount(), 3);
  EXPECT_EQ(Scalar("SELECT count(*) FROM slugwright_migrations_events WHERE event = 'reverted'"),
            "2");
  RunResult redo = Run(Up());
  ASSERT_EQ(redo.code, 0) << redo.all();
  EXPECT_TRUE(TableExists("t5"));
  EXPECT_EQ(HistoryCount(), 5);
}

TEST_F(ReleaseTest, ChangedAppliedMigrationIsRefusedBeforeAnyDdl) {
  WriteFive();
  ASSERT_EQ(Run(Up()).code, 0);
  std::string before = Scalar("SELECT checksum FROM slugwright_migrations WHERE version = "
                              "20240102000000");
  WriteMigration("20240102000000_create_t2.sql",
                 "-- migrate:up\nCREATE TABLE t2 (id bigint PRIMARY KEY);\n");
  WriteMigration("20240106000000_create_t6.sql", "-- migrate:up\nCREATE TABLE t6 (id int);\n");
  RunResult r = Run(Up());
  EXPECT_EQ(r.code, 4) << r.all();
  EXPECT_NE(r.err.find("20240102000000_create_t2.sql"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(before), std::string::npos);
  EXPECT_FALSE(TableExists("t6"));
  EXPECT_EQ(MigrationLocks(true), 0);
  // Line endings and a BOM are not an edit.
  WriteMigration("20240102000000_create_t2.sql",
                 "\xEF\xBB\xBF-- migrate:up\r\nCREATE TABLE t2 (id int PRIMARY KEY);\r\n"
                 "INSERT INTO t2 VALUES (1);\r\n\r\n-- migrate:down\r\nDROP TABLE t2;\r\n");
  RunResult crlf = Run(Up());
  EXPECT_EQ(crlf.code, 0) << crlf.all();
  EXPECT_TRUE(TableExists("t6"));
}

TEST_F(ReleaseTest, OutOfOrderIsRefusedUnlessAllowed) {
  WriteMigration("20240101000000_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n");
  WriteMigration("20240103000000_c.sql", "-- migrate:up\nCREATE TABLE c (id int);\n");
  ASSERT_EQ(Run(Up()).code, 0);
  WriteMigration("20240102000000_b.sql", "-- migrate:up\nCREATE TABLE b (id int);\n");
  RunResult refused = Run(Up());
  EXPECT_EQ(refused.code, 4) << refused.all();
  EXPECT_NE(refused.err.find("20240102000000_b.sql"), std::string::npos) << refused.err;
  EXPECT_FALSE(TableExists("b"));
  RunResult allowed = Run(Up({"--allow-out-of-order"}));
  EXPECT_EQ(allowed.code, 0) << allowed.all();
  EXPECT_TRUE(TableExists("b"));
  EXPECT_EQ(Scalar("SELECT out_of_order FROM slugwright_migrations WHERE version = "
                   "20240102000000"),
            "t");
}

TEST_F(ReleaseTest, DatabaseAheadOfCodeWarnsAndExitsZero) {
  WriteFive();
  ASSERT_EQ(Run(Up()).code, 0);
  RemoveMigration("20240104000000_create_t4.sql");
  RemoveMigration("20240105000000_create_t5.sql");
  RunResult r = Run(Up());
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_NE(r.err.find("20240105000000_create_t5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("ahead"), std::string::npos);
  EXPECT_TRUE(TableExists("t5"));  // nothing is run down
}

TEST_F(ReleaseTest, BadFilesAreRejectedBeforeConnecting) {
  WriteMigration("20240101000000_ok.sql", "-- migrate:up\nSELECT 1;\n");
  WriteMigration("20240101000000_duplicate.sql", "-- migrate:up\nSELECT 2;\n");
  // Nothing listens on port 1: exit 2 (input) rather than 1 (connection)
  // shows the files were checked first.
  RunResult r = Run(Up(), {{"DATABASE_URL", "postgres://u:" + password_ + "@127.0.0.1:1/db"}});
  EXPECT_EQ(r.code, 2) << r.all();
  EXPECT_NE(r.err.find("20240101000000"), std::string::npos) << r.err;
}

TEST_F(ReleaseTest, ConnectionFailuresExitOneWithoutThePassword) {
  WriteFive();
  std::string wrong = "postgres://" + TestCluster().user() + ":" + password_ +
                      "-wrong@127.0.0.1:" + std::to_string(TestCluster().port()) + "/" + db_.name();
  RunResult r = Run(Up(), {{"DATABASE_URL", wrong}});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_NE(r.err.find("password authentication failed"), std::string::npos) << r.err;
  RunResult unset = Run(Up(), {{"DATABASE_URL", ""}});
  EXPECT_EQ(unset.code, 2) << unset.all();
  EXPECT_NE(unset.err.find("DATABASE_URL is not set"), std::string::npos);
}

TEST_F(ReleaseTest, EightRunnersRacingOnAnEmptyDatabaseApplyEachMigrationOnce) {
  WriteFive();
  std::vector<RunningProcess> children;
  for (int i = 0; i < 8; ++i) children.push_back(Start(Up({"--lock-wait", "60s"})));
  int applied_by = 0;
  for (RunningProcess& child : children) {
    RunResult r = child.Wait();  // checks for the password too
    EXPECT_EQ(r.code, 0) << r.all();
    if (r.out.find("Applied 5 migrations") != std::string::npos) ++applied_by;
  }
  EXPECT_EQ(applied_by, 1);
  EXPECT_EQ(HistoryCount(), 5);
  EXPECT_EQ(Scalar("SELECT count(*) FROM slugwright_migrations_events WHERE event = 'applied'"),
            "5");
  EXPECT_EQ(Scalar("SELECT count(DISTINCT run_id) FROM slugwright_migrations_events"), "1");
}

TEST_F(ReleaseTest, HeldLockExitsThreeNamingTheHolderAndLeavesNoWaiter) {
  WriteFive();
  std::unique_ptr<SqlSession> holder = db_.Connect("?application_name=deploy-holder");
  holder->Query("SELECT pg_advisory_lock(" + MigrationLockArguments() + ")");

  RunResult at_once = Run(Up({"--lock-wait", "0"}));
  EXPECT_EQ(at_once.code, 3) << at_once.all();
  EXPECT_NE(at_once.err.find("pid " + std::to_string(holder->BackendPid())), std::string::npos)
      << at_once.err;
  EXPECT_NE(at_once.err.find("deploy-holder"), std::string::npos);
  EXPECT_LT(at_once.seconds, 2.0);

  RunningProcess waiting = Start(Up({"--lock-wait", "1500ms"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(MigrationLocks(false), 0);  // polling: nobody queued on the server
  RunResult deadline = waiting.Wait();
  EXPECT_EQ(deadline.code, 3) << deadline.all();
  EXPECT_GE(deadline.seconds, 1.4);
  EXPECT_LT(deadline.seconds, 4.0);
  EXPECT_NE(deadline.out.find("Waiting up to 1.5s for the migration lock, held by pid"),
            std::string::npos)
      << deadline.out;
  EXPECT_EQ(MigrationLocks(false), 0);
  EXPECT_EQ(HistoryCount(), 0);
  EXPECT_FALSE(TableExists("t1"));
}

TEST_F(ReleaseTest, FailureInThreeOfFivePerMigrationKeepsOneAndTwo) {
  WriteFive(3);
  RunResult r = Run(Up());
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_NE(r.err.find("column \"missing\" of relation \"t3\" does not exist"),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find("20240103000000_create_t3.sql:4"), std::string::npos) << r.err;
  EXPECT_TRUE(TableExists("t1"));
  EXPECT_TRUE(TableExists("t2"));
  EXPECT_FALSE(TableExists("t3"));
  EXPECT_FALSE(TableExists("t4"));
  EXPECT_EQ(HistoryCount(), 2);
  EXPECT_EQ(Scalar("SELECT count(*) FROM slugwright_migrations_events WHERE event = 'failed' "
                   "AND version = 20240103000000"),
            "1");
  // Fixed, the next run applies 3 to 5.
  WriteFive();
  EXPECT_EQ(Run(Up()).code, 0);
  EXPECT_EQ(HistoryCount(), 5);
}

TEST_F(ReleaseTest, FailureInThreeOfFiveInOneTransactionAppliesNothing) {
  WriteFive(3);
  RunResult r = Run(Up({"--transaction", "all"}));
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_FALSE(TableExists("t1"));
  EXPECT_FALSE(TableExists("t2"));
  EXPECT_EQ(HistoryCount(), 0);
  EXPECT_NE(r.out.find("whole batch was rolled back"), std::string::npos) << r.out;
}

TEST_F(ReleaseTest, FailureWithRollbackReleaseRevertsThisRunNewestFirst) {
  WriteMigration("20231231000000_base.sql",
                 "-- migrate:up\nCREATE TABLE base (id int);\n-- migrate:down\nDROP TABLE base;\n");
  ASSERT_EQ(Run(Up()).code, 0);  // an earlier release
  WriteFive(3);
  std::string marker = tmp_.path() + "/on_failure.env";
  tmp_.Write(".slugwright/release.json", R"({"release": {
      "migrations": "migrations", "database_url_env": "DATABASE_URL",
      "table": "public.slugwright_migrations", "transaction": "per-migration",
      "on_failure": "rollback-release", "lock_wait_seconds": 60,
      "lock_timeout_seconds": 5, "statement_timeout_seconds": 0, "lock_retries": 0,
      "allow_out_of_order": false, "command": "", "rollback_command": "",
      "hooks": {"before": [], "after": [],
                "on_failure": ["env | grep -E '^(SLUGWRIGHT_|DATABASE_URL)' | sort > on_failure.env; env"],
                "timeout_seconds": 30}}})");
  RunResult r = Run({"release"});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_FALSE(TableExists("t1"));
  EXPECT_FALSE(TableExists("t2"));
  EXPECT_TRUE(TableExists("base"));
  EXPECT_EQ(HistoryCount(), 1);
  size_t t2 = r.out.find("Reverted 20240102000000_create_t2");
  size_t t1 = r.out.find("Reverted 20240101000000_create_t1");
  ASSERT_NE(t2, std::string::npos) << r.out;
  EXPECT_LT(t2, t1);
  std::string env = ReadWholeFile(marker);
  EXPECT_NE(env.find("SLUGWRIGHT_FAILED_VERSION=20240103000000"), std::string::npos) << env;
  EXPECT_NE(env.find("SLUGWRIGHT_VERSIONS_APPLIED=20240101000000 20240102000000"),
            std::string::npos);
  EXPECT_NE(env.find("SLUGWRIGHT_VERSIONS_REVERTED=20240102000000 20240101000000"),
            std::string::npos);
  EXPECT_NE(env.find("SLUGWRIGHT_OUTCOME=failure"), std::string::npos);
  // The hook printed its whole environment, DATABASE_URL included: masked.
  EXPECT_NE(r.out.find("[on_failure] DATABASE_URL=********\n"), std::string::npos) << r.out;
}

TEST_F(ReleaseTest, TransactionFalseFileWithSeveralConcurrentIndexes) {
  WriteMigration("20240101000000_t.sql",
                 "-- migrate:up\nCREATE TABLE t (a int, b int, c text);\n"
                 "INSERT INTO t SELECT g, g % 7, 'x' || g FROM generate_series(1, 1000) g;\n");
  WriteMigration("20240102000000_idx.sql",
                 "-- migrate:up transaction:false\n"
                 "CREATE INDEX CONCURRENTLY t_a ON t (a);\n"
                 "CREATE INDEX CONCURRENTLY t_b ON t (b) WHERE b > 0;\n"
                 "-- a comment; with a semicolon\n"
                 "CREATE INDEX CONCURRENTLY t_c ON t (c);\n"
                 "-- migrate:down transaction:false\n"
                 "DROP INDEX CONCURRENTLY t_c;\nDROP INDEX CONCURRENTLY t_b;\n"
                 "DROP INDEX CONCURRENTLY t_a;\n");
  RunResult r = Run(Up());
  ASSERT_EQ(r.code, 0) << r.all();
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                   "WHERE c.relname IN ('t_a', 't_b', 't_c') AND i.indisvalid"),
            "3");
  EXPECT_EQ(Scalar("SELECT state || ' ' || statements_done || '/' || statements_total || ' ' || "
                   "in_transaction FROM slugwright_migrations WHERE version = 20240102000000"),
            "applied 3/3 false");
  RunResult down = Run({"migrate", "down", "--dir", Dir()});
  ASSERT_EQ(down.code, 0) << down.all();
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_class WHERE relname IN ('t_a', 't_b', 't_c')"), "0");
}

TEST_F(ReleaseTest, KilledTransactionFalseMigrationIsRefusedUntilRepaired) {
  WriteMigration("20240101000000_t.sql", "-- migrate:up\nCREATE TABLE t (a int, b int);\n");
  WriteMigration("20240102000000_slow.sql",
                 "-- migrate:up transaction:false\n"
                 "CREATE INDEX CONCURRENTLY t_a ON t (a);\n"
                 "SELECT pg_sleep(30);\n"
                 "CREATE INDEX CONCURRENTLY t_b ON t (b);\n");
  RunningProcess child = Start(Up());
  // Wait until statement 2 runs, then SIGKILL: nothing can clean up.
  for (int i = 0; i < 100 && Scalar("SELECT count(*) FROM pg_stat_activity WHERE query = "
                                    "'SELECT pg_sleep(30);'") == "0";
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  child.Signal(SIGKILL);
  child.Wait();
  db_.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = "
        "'SELECT pg_sleep(30);'");
  for (int i = 0; i < 100 && MigrationLocks(true) > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));

  RunResult refused = Run(Up());
  EXPECT_EQ(refused.code, 4) << refused.all();
  EXPECT_NE(refused.err.find("statement 2 of 3"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("slugwright migrate repair"), std::string::npos);

  RunResult status = Run({"migrate", "status", "--dir", Dir()});
  EXPECT_NE(status.out.find("[~] 20240102000000_slow"), std::string::npos) << status.out;

  RunResult repair = Run({"migrate", "repair", "--dir", Dir()});
  ASSERT_EQ(repair.code, 0) << repair.all();
  WriteMigration("20240102000000_slow.sql",
                 "-- migrate:up transaction:false\n"
                 "DROP INDEX CONCURRENTLY IF EXISTS t_a;\n"
                 "CREATE INDEX CONCURRENTLY t_a ON t (a);\n"
                 "CREATE INDEX CONCURRENTLY t_b ON t (b);\n");
  RunResult again = Run(Up());
  EXPECT_EQ(again.code, 0) << again.all();
  EXPECT_EQ(Scalar("SELECT state FROM slugwright_migrations WHERE version = 20240102000000"),
            "applied");
}

TEST_F(ReleaseTest, SigtermDuringALongStatementRollsBackAndReleasesTheLock) {
  WriteMigration("20240101000000_ok.sql", "-- migrate:up\nCREATE TABLE ok (id int);\n");
  WriteMigration("20240102000000_slow.sql",
                 "-- migrate:up\nCREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n");
  tmp_.Write(".slugwright/release.json", R"({"release": {
      "migrations": "migrations", "database_url_env": "DATABASE_URL",
      "table": "public.slugwright_migrations", "transaction": "per-migration",
      "on_failure": "stop", "lock_wait_seconds": 60, "lock_timeout_seconds": 5,
      "statement_timeout_seconds": 0, "lock_retries": 0, "allow_out_of_order": false,
      "command": "", "rollback_command": "",
      "hooks": {"before": [], "after": [],
                "on_failure": ["echo \"$SLUGWRIGHT_OUTCOME $SLUGWRIGHT_EXIT_CODE\" > hook.out"],
                "timeout_seconds": 30}}})");
  RunningProcess child = Start({"release"});
  for (int i = 0; i < 100 && Scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE "
                                    "'%pg_sleep(60)%' AND pid <> pg_backend_pid()") == "0";
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto signalled = Clock::now();
  child.Signal(SIGTERM);
  RunResult r = child.Wait();
  EXPECT_EQ(r.code, 143) << r.all();
  EXPECT_LT(SecondsSince(signalled), 5.0);
  EXPECT_TRUE(TableExists("ok"));
  EXPECT_FALSE(TableExists("slow"));  // rolled back
  EXPECT_EQ(HistoryCount(), 1);
  EXPECT_EQ(MigrationLocks(true), 0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' "
                   "AND pid <> pg_backend_pid()"),
            "0");
  EXPECT_EQ(tmp_.Read("hook.out"), "interrupted 143\n");
  EXPECT_EQ(Scalar("SELECT count(*) FROM slugwright_migrations_events WHERE event = "
                   "'run_interrupted'"),
            "1");
}

TEST_F(ReleaseTest, FailingBeforeHookAbortsWithNothingApplied) {
  WriteFive();
  tmp_.Write(".slugwright/release.json", R"({"release": {
      "migrations": "migrations", "database_url_env": "DATABASE_URL",
      "table": "public.slugwright_migrations", "transaction": "per-migration",
      "on_failure": "stop", "lock_wait_seconds": 60, "lock_timeout_seconds": 5,
      "statement_timeout_seconds": 0, "lock_retries": 0, "allow_out_of_order": false,
      "command": "", "rollback_command": "",
      "hooks": {"before": ["echo checking; exit 7"], "after": ["echo should-not-run"],
                "on_failure": ["echo on-failure-ran; exit 9"],
                "timeout_seconds": 30}}})");
  RunResult r = Run({"release"});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_EQ(HistoryCount(), 0);
  EXPECT_FALSE(TableExists("t1"));
  EXPECT_NE(r.out.find("[before] checking"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[on_failure] on-failure-ran"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("should-not-run"), std::string::npos);
  EXPECT_NE(r.err.find("exited with status 7"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("hooks.before command failed"), std::string::npos) << r.err;
}

TEST_F(ReleaseTest, LockTimeoutIsRetriedUntilTheBlockerGoes) {
  WriteMigration("20240101000000_users.sql", "-- migrate:up\nCREATE TABLE users (id int);\n");
  ASSERT_EQ(Run(Up()).code, 0);
  WriteMigration("20240102000000_email.sql",
                 "-- migrate:up\nALTER TABLE users ADD COLUMN email text;\n");
  std::unique_ptr<SqlSession> blocker = db_.Connect();
  blocker->Query("BEGIN; LOCK TABLE users IN ACCESS SHARE MODE");

  RunResult no_retry = Run(Up({"--lock-timeout", "200ms", "--lock-retries", "0"}));
  EXPECT_EQ(no_retry.code, 1) << no_retry.all();
  EXPECT_NE(no_retry.err.find("lock timeout"), std::string::npos) << no_retry.err;

  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    blocker->Query("COMMIT");
  });
  RunResult retried = Run(Up({"--lock-timeout", "200ms", "--lock-retries", "6"}));
  release.join();
  EXPECT_EQ(retried.code, 0) << retried.all();
  EXPECT_NE(retried.out.find("hit lock_timeout"), std::string::npos) << retried.out;
  EXPECT_EQ(Scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = "
                   "'users' AND column_name = 'email'"),
            "1");
}

TEST_F(ReleaseTest, StatusJsonExitCodeAndDryRun) {
  WriteFive();
  RunResult dry = Run(Up({"--dry-run"}));
  EXPECT_EQ(dry.code, 0) << dry.all();
  EXPECT_NE(dry.out.find("would apply 5 migrations"), std::string::npos) << dry.out;
  EXPECT_FALSE(TableExists("slugwright_migrations"));  // nothing written

  RunResult pending = Run({"migrate", "status", "--dir", Dir(), "--exit-code"});
  EXPECT_EQ(pending.code, 1) << pending.all();
  ASSERT_EQ(Run(Up()).code, 0);
  RunResult json = Run({"migrate", "status", "--dir", Dir(), "--json", "--exit-code"});
  EXPECT_EQ(json.code, 0) << json.all();
  EXPECT_NE(json.out.find("\"applied\": 5"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"state\": \"applied\""), std::string::npos);
  EXPECT_EQ(json.out.find("----->"), std::string::npos);  // JSON only on stdout

  RunResult validate = Run({"migrate", "validate", "--dir", Dir()});
  EXPECT_EQ(validate.code, 0) << validate.all();
}

TEST_F(ReleaseTest, ExternalCommandRunsUnderTheLock) {
  // No migrations directory: the app keeps its own tool.
  // The command checks, from its own session, that slugwright holds the lock.
  std::string check =
      "psql \"$DATABASE_URL\" -Atc \"SELECT count(*) FROM pg_locks WHERE locktype = "
      "'advisory' AND granted AND " + MigrationLockFilter() + "\" > held.txt";
  tmp_.Write(".slugwright/release.json", R"({"release": {
      "migrations": "migrations", "database_url_env": "DATABASE_URL",
      "table": "public.slugwright_migrations", "transaction": "per-migration",
      "on_failure": "stop", "lock_wait_seconds": 60, "lock_timeout_seconds": 5,
      "statement_timeout_seconds": 0, "lock_retries": 0, "allow_out_of_order": false,
      "command": )" + nlohmann::json(check).dump() + R"(, "rollback_command": "",
      "hooks": {"before": [], "after": [], "on_failure": [], "timeout_seconds": 30}}})");
  RunResult r = Run({"release"});
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_EQ(tmp_.Read("held.txt"), "1\n");
  EXPECT_EQ(Scalar("SELECT count(*) FROM slugwright_migrations_events WHERE event = "
                   "'command_succeeded'"),
            "1");
  EXPECT_EQ(MigrationLocks(true), 0);
}

TEST_F(ReleaseTest, RefusesToRunThroughATransactionPoolingPgBouncer) {
  if (!LocalPgBouncer::Installed())
    GTEST_SKIP() << "pgbouncer is not installed (Debian package pgbouncer)";
  WriteFive();
  {
    LocalPgBouncer bouncer("transaction", db_.name());
    RunResult r = Run(Up(), {{"DATABASE_URL", bouncer.Url()}});
    EXPECT_EQ(r.code, 2) << r.all();
    EXPECT_NE(r.err.find("connection pooler"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("transaction mode"), std::string::npos) << r.err;
    EXPECT_FALSE(TableExists("slugwright_migrations"));  // refused before the lock
    EXPECT_FALSE(TableExists("t1"));
  }
  {
    LocalPgBouncer bouncer("session", db_.name());
    RunResult refused = Run(Up(), {{"DATABASE_URL", bouncer.Url()}});
    EXPECT_EQ(refused.code, 2) << refused.all();
    RunResult allowed = Run(Up({"--allow-session-pooler"}), {{"DATABASE_URL", bouncer.Url()}});
    EXPECT_EQ(allowed.code, 0) << allowed.all();
    EXPECT_EQ(HistoryCount(), 5);
  }
}
