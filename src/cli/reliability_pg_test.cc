// Reliability of the release-phase executor under concurrency, crashes,
// server faults and signals: the real `slugwright` binary (SLUGWRIGHT_BIN)
// run as separate processes against real PostgreSQL servers, the shared
// cluster of pg_test_main.cc (a database per test) or, where the server is
// restarted, a cluster of the test's own. The scenarios are those of
// section (b) of shared/reference/migration-runners.md; the README's
// Reliability section lists which test covers which.
//
// Short by default (CTest `pg_reliability`, part of tests/run). With
// SLUGWRIGHT_LONG=1 (tests/run --long) the statistical ones run for real:
// 20 rounds of 16 racing runners and 120 SIGKILL trials
// (SLUGWRIGHT_CRASH_TRIALS=N and SLUGWRIGHT_RACE_ROUNDS=N override both).

#include <signal.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <gtest/gtest.h>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include "postgres/local_postgres.h"
#include "testing/pg_fixture.h"
#include "testing/pgbouncer.h"
#include "testing/reliability_fixture.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

bool LongMode() {
  const char* value = std::getenv("SLUGWRIGHT_LONG");
  return value && std::string(value) == "1";
}

/// `short_count`, or `long_count` with SLUGWRIGHT_LONG=1, or the number in
/// the environment variable `override_env`.
int Scaled(int short_count, int long_count, const char* override_env) {
  const char* value = std::getenv(override_env);
  if (value && *value) return std::max(1, std::atoi(value));
  return LongMode() ? long_count : short_count;
}

using reliability::kReconnectedSymptom;

// ---------------------------------------------------------------------------
// (b)1, (b)2: cold-start race of 16 runners, some failing fast.

TEST_F(Reliability, SixteenRunnersRacingOnEmptyDatabasesApplyEachMigrationOnce) {
  const int rounds = Scaled(3, 20, "SLUGWRIGHT_RACE_ROUNDS");
  const int runners = 16;
  for (int i = 1; i <= 6; ++i)
    Write("2024020" + std::to_string(i) + "000000_m" + std::to_string(i) + ".sql",
          "-- migrate:up\nCREATE TABLE m" + std::to_string(i) + " (id int);\n" +
              (i == 3 ? "SELECT pg_sleep(0.2);\n" : "") + "INSERT INTO m" +
              std::to_string(i) + " VALUES (1);\n");
  int lock_busy = 0, total_runs = 0;
  auto start = SteadyClock::now();
  for (int round = 1; round <= rounds; ++round) {
    std::string name = db_.name(), url = db_.url();
    if (round > 1) url = FreshDatabaseUrl(&name);
    std::vector<RunningProcess> procs;
    // Half wait for the lock (they must all exit 0); half fail fast with
    // --lock-wait 0 (exit 0 after the work is done, or 3 while it is held).
    for (int i = 0; i < runners; ++i)
      procs.push_back(Start(Up({"--lock-wait", i % 2 ? "0" : "60s"}), url));
    int applied_by = 0;
    for (int i = 0; i < runners; ++i) {
      RunResult r = procs[i].Wait();
      ++total_runs;
      SCOPED_TRACE("round " + std::to_string(round) + ", runner " + std::to_string(i));
      if (i % 2 == 0) {
        EXPECT_EQ(r.code, 0) << r.all();
      } else {
        EXPECT_TRUE(r.code == 0 || r.code == 3) << r.all();
        if (r.code == 3) {
          ++lock_busy;
          EXPECT_TRUE(Contains(r.err, "the migration lock")) << r.err;
        }
      }
      for (const char* bad : {"already exists", "duplicate key", "does not exist", "deadlock"})
        EXPECT_FALSE(Contains(r.all(), bad)) << r.all();
      if (Contains(r.out, "Applied 6 migrations")) ++applied_by;
    }
    EXPECT_EQ(applied_by, 1) << "round " << round;
    EXPECT_EQ(HistoryCount(url), 6);
    EXPECT_EQ(Scalar("SELECT count(*) || ' ' || count(DISTINCT version) FROM "
                     "slugwright_migrations_events WHERE event = 'applied'",
                     url),
              "6 6");
    for (int i = 1; i <= 6; ++i)
      EXPECT_EQ(Scalar("SELECT count(*) FROM m" + std::to_string(i), url), "1");
    EXPECT_EQ(MigrationLocks(true, url) + MigrationLocks(false, url), 0);
    if (round > 1) TestCluster().DropDatabase(name);
  }
  std::cout << "[ reliability ] " << rounds << " rounds of " << runners << " runners: "
            << total_runs << " runs, " << lock_busy << " exited 3 (lock busy, --lock-wait 0), "
            << SecondsSince(start) << " s\n";
}

// ---------------------------------------------------------------------------
// (b)5, (b)6: SIGKILL at random moments of a batch.

/// The batch of the crash trials: transactional migrations that each leave
/// a mark (a table or column and one audit row), and a transaction:false
/// one written to be safe to run again from its first statement.
void WriteCrashBatch(const std::function<void(const std::string&, const std::string&)>& write) {
  write("20240301000000_base.sql",
        "-- migrate:up\nCREATE TABLE audit (m int NOT NULL);\n"
        "CREATE TABLE big (a int, b int);\n"
        "INSERT INTO big SELECT g, g % 100 FROM generate_series(1, 30000) g;\n"
        "INSERT INTO audit VALUES (1);\n");
  write("20240302000000_two.sql",
        "-- migrate:up\nCREATE TABLE two (id int PRIMARY KEY);\n"
        "INSERT INTO two SELECT generate_series(1, 1000);\n"
        "SELECT pg_sleep(0.15);\nINSERT INTO audit VALUES (2);\n");
  write("20240303000000_indexes.sql",
        "-- migrate:up transaction:false\n"
        "DROP INDEX CONCURRENTLY IF EXISTS big_a;\n"
        "CREATE INDEX CONCURRENTLY big_a ON big (a);\n"
        "SELECT pg_sleep(0.15);\n"
        "DROP INDEX CONCURRENTLY IF EXISTS big_b;\n"
        "CREATE INDEX CONCURRENTLY big_b ON big (b);\n");
  write("20240304000000_column.sql",
        "-- migrate:up\nALTER TABLE big ADD COLUMN c int;\nUPDATE big SET c = a;\n"
        "SELECT pg_sleep(0.1);\nINSERT INTO audit VALUES (4);\n");
  write("20240305000000_copy.sql",
        "-- migrate:up\nCREATE TABLE five AS SELECT * FROM two;\nSELECT pg_sleep(0.1);\n"
        "INSERT INTO audit VALUES (5);\n");
}

constexpr int64_t kIndexesVersion = 20240303000000;

TEST_F(Reliability, SigkillAtRandomMomentsNeverLeavesHistoryAndSchemaApart) {
  const int trials = Scaled(10, 120, "SLUGWRIGHT_CRASH_TRIALS");
  WriteCrashBatch([&](const std::string& f, const std::string& c) { Write(f, c); });

  // How long a whole batch takes here, to spread the kills over it.
  RunResult calibration = Run(Up());
  ASSERT_EQ(calibration.code, 0) << calibration.all();
  const double span = calibration.seconds * 1.1;

  std::mt19937_64 random(std::random_device{}());
  std::map<std::string, int> landed;  // where the kills landed
  int refused_then_repaired = 0;
  auto start = SteadyClock::now();
  for (int trial = 0; trial < trials; ++trial) {
    std::string name;
    std::string url = FreshDatabaseUrl(&name);
    // Stratified: trial i is killed in the i-th slice of the batch.
    double delay = span * (trial + std::uniform_real_distribution<double>(0, 1)(random)) /
                   trials;
    SCOPED_TRACE("trial " + std::to_string(trial) + ", SIGKILL after " +
                 std::to_string(delay) + " s");
    RunningProcess p = Start(Up(), url);
    SleepSeconds(delay);
    p.Signal(SIGKILL);
    RunResult killed = p.Wait();
    // A killed runner's backend finishes (or, noticing the closed socket,
    // abandons) the statement it was given; wait until it is gone.
    ASSERT_TRUE(WaitUntil([&] { return RunnerSessions(url) == 0; }, 30))
        << "a killed runner's session outlived it by 30 s";
    EXPECT_EQ(MigrationLocks(true, url), 0);

    // The invariant: the history says exactly what the schema holds.
    bool history = HistoryExists(url);
    std::map<int64_t, std::string> rows;
    if (history)
      for (const auto& row : Query("SELECT version, state, statements_done FROM "
                                   "slugwright_migrations ORDER BY version",
                                   url))
        rows[std::stoll(row[0])] = row[1] + " " + row[2];
    auto applied = [&](int64_t v) { return rows.count(v) && rows[v].rfind("applied", 0) == 0; };
    auto audit = [&](int m) {
      return Exists("audit", url)
                 ? Count("SELECT count(*) FROM audit WHERE m = " + std::to_string(m), url)
                 : 0;
    };
    bool base = applied(20240301000000);
    EXPECT_EQ(Exists("big", url), base);
    EXPECT_EQ(Exists("audit", url), base);
    if (base) {
      EXPECT_EQ(Count("SELECT count(*) FROM big", url), 30000);
    }
    EXPECT_EQ(audit(1), base ? 1 : 0);
    bool two = applied(20240302000000);
    EXPECT_EQ(Exists("two", url), two);
    if (two) {
      EXPECT_EQ(Count("SELECT count(*) FROM two", url), 1000);
    }
    EXPECT_EQ(audit(2), two ? 1 : 0);
    bool column = applied(20240304000000);
    bool has_c = base && Count("SELECT count(*) FROM information_schema.columns WHERE "
                               "table_name = 'big' AND column_name = 'c'",
                               url) == 1;
    EXPECT_EQ(has_c, column);
    EXPECT_EQ(audit(4), column ? 1 : 0);
    bool five = applied(20240305000000);
    EXPECT_EQ(Exists("five", url), five);
    EXPECT_EQ(audit(5), five ? 1 : 0);
    // The transaction:false migration: statement 2 makes big_a, 5 big_b.
    // Statements 1..done are complete; the next one may have run (or be
    // half done: an INVALID index); later ones have not.
    std::string state = rows.count(kIndexesVersion) ? rows[kIndexesVersion] : "absent";
    int done = 0;
    if (state.rfind("started", 0) == 0) done = std::stoi(state.substr(8));
    for (auto [statement, index] : {std::pair<int, const char*>{2, "big_a"}, {5, "big_b"}}) {
      std::string valid = Scalar(
          "SELECT coalesce((SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON "
          "c.oid = i.indexrelid WHERE c.relname = '" + std::string(index) + "'), 'none')",
          url);
      if (state == "absent") {
        EXPECT_EQ(valid, "none") << index;
      } else if (applied(kIndexesVersion) || statement <= done) {
        EXPECT_EQ(valid, "true") << index << " with " << state;
      } else if (statement > done + 1) {
        EXPECT_EQ(valid, "none") << index << " with " << state;
      }
    }
    // Per-migration order: nothing after the first migration not applied.
    bool gap = false;
    for (int64_t v : {20240301000000, 20240302000000, kIndexesVersion, 20240304000000,
                      20240305000000}) {
      if (gap) {
        EXPECT_FALSE(rows.count(v)) << v << " recorded after a gap";
      }
      if (!applied(v)) gap = true;
    }
    std::string where = !history ? "before the history table"
                        : state.rfind("started", 0) == 0
                            ? "in the transaction:false migration"
                            : rows.empty() ? "before the first commit"
                                           : std::to_string(rows.size()) + " committed" +
                                                 (killed.code == 0 ? " (finished)" : "");
    ++landed[where];

    // The next run finishes the work, or refuses with the recovery
    // message for the interrupted transaction:false migration.
    RunResult next = Run(Up(), url);
    if (state.rfind("started", 0) == 0) {
      EXPECT_EQ(next.code, 4) << next.all();
      EXPECT_TRUE(Contains(next.err, "20240303000000_indexes (transaction:false) started but "
                                     "did not finish"))
          << next.err;
      EXPECT_TRUE(Contains(next.err, "slugwright migrate repair")) << next.err;
      EXPECT_EQ(RowState(kIndexesVersion, url).substr(0, 7), "started");  // untouched
      RunResult repair = Run({"migrate", "repair", "--dir", Dir()}, url);
      EXPECT_EQ(repair.code, 0) << repair.all();
      next = Run(Up(), url);
      ++refused_then_repaired;
    }
    EXPECT_EQ(next.code, 0) << next.all();
    EXPECT_EQ(HistoryCount(url), 5);
    EXPECT_EQ(Scalar("SELECT string_agg(m::text || ':' || n::text, ',' ORDER BY m) FROM "
                     "(SELECT m, count(*) AS n FROM audit GROUP BY m) s",
                     url),
              "1:1,2:1,4:1,5:1");
    EXPECT_EQ(Count("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE c.relname IN ('big_a', 'big_b') AND i.indisvalid",
                    url),
              2);
    TestCluster().DropDatabase(name);
    if (HasFatalFailure() || HasFailure()) break;
  }
  std::cout << "[ reliability ] " << trials << " SIGKILL trials in " << SecondsSince(start)
            << " s (batch " << calibration.seconds << " s); " << refused_then_repaired
            << " refused for the unfinished transaction:false migration, then repaired; "
               "killed:";
  for (const auto& [where, n] : landed) std::cout << " " << where << " x" << n << ";";
  std::cout << "\n";
}

// ---------------------------------------------------------------------------
// (b)8: the server terminates the runner's backend mid-migration.

TEST_F(Reliability, TerminatedBackendDuringATransactionalMigration) {
  Write("20240101000000_one.sql", "-- migrate:up\nCREATE TABLE one (id int);\n");
  Write("20240102000000_two.sql",
        "-- migrate:up\nCREATE TABLE two (id int);\nSELECT pg_sleep(30);\n");
  Write("20240103000000_three.sql", "-- migrate:up\nCREATE TABLE three (id int);\n");
  RunningProcess p = Start(Up());
  int pid = WaitForRunnerRunning("pg_sleep(30)");
  ASSERT_NE(pid, 0);
  std::string run_id = Scalar("SELECT run_id FROM slugwright_migrations_events LIMIT 1");
  auto terminated = SteadyClock::now();
  Terminate(pid);
  RunResult r = p.Wait();
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_LT(SecondsSince(terminated), 5.0);
  EXPECT_TRUE(Contains(r.err, "20240102000000_two failed")) << r.err;
  EXPECT_TRUE(Contains(r.err, "the connection was lost")) << r.err;
  EXPECT_FALSE(Contains(r.all(), kReconnectedSymptom)) << r.all();
  EXPECT_TRUE(Exists("one"));
  EXPECT_FALSE(Exists("two"));  // rolled back by the server
  EXPECT_FALSE(Exists("three"));  // never attempted
  EXPECT_EQ(HistoryCount(), 1);
  EXPECT_EQ(MigrationLocks(true), 0);
  // Nothing was written after the session was lost (no reconnection).
  EXPECT_EQ(Scalar("SELECT string_agg(event, ',' ORDER BY id) FROM "
                   "slugwright_migrations_events WHERE run_id = '" + run_id + "'"),
            "run_started,applied");
  Write("20240102000000_two.sql",
        "-- migrate:up\nCREATE TABLE two (id int);\nSELECT pg_sleep(0);\n");
  RunResult next = Run(Up());
  EXPECT_EQ(next.code, 0) << next.all();
  EXPECT_EQ(HistoryCount(), 3);
}

TEST_F(Reliability, TerminatedBackendDuringATransactionFalseMigration) {
  Write("20240101000000_slow.sql",
        "-- migrate:up transaction:false\nCREATE TABLE IF NOT EXISTS x (id int);\n"
        "SELECT pg_sleep(30);\nCREATE TABLE IF NOT EXISTS y (id int);\n");
  RunningProcess p = Start(Up());
  int pid = WaitForRunnerRunning("pg_sleep(30)");
  ASSERT_NE(pid, 0);
  Terminate(pid);
  RunResult r = p.Wait();
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_TRUE(Contains(r.err, "statement 2 of 3")) << r.err;
  EXPECT_TRUE(Contains(r.err, "the connection was lost")) << r.err;
  EXPECT_FALSE(Contains(r.all(), kReconnectedSymptom)) << r.all();
  EXPECT_TRUE(Exists("x"));
  EXPECT_FALSE(Exists("y"));
  EXPECT_EQ(RowState(20240101000000), "started 1/3");
  EXPECT_EQ(MigrationLocks(true), 0);
  // Not retried blindly: refused until an operator repairs.
  RunResult refused = Run(Up());
  EXPECT_EQ(refused.code, 4) << refused.all();
  EXPECT_TRUE(Contains(refused.err, "interrupted at or before statement 2 of 3")) << refused.err;
  EXPECT_FALSE(Exists("y"));
  ASSERT_EQ(Run({"migrate", "repair", "--dir", Dir()}).code, 0);
  Write("20240101000000_slow.sql",
        "-- migrate:up transaction:false\nCREATE TABLE IF NOT EXISTS x (id int);\n"
        "SELECT pg_sleep(0);\nCREATE TABLE IF NOT EXISTS y (id int);\n");
  RunResult next = Run(Up());
  EXPECT_EQ(next.code, 0) << next.all();
  EXPECT_TRUE(Exists("y"));
  EXPECT_EQ(RowState(20240101000000), "applied 3/3");
}

// ---------------------------------------------------------------------------
// (b)8: the server restarts (cleanly, then as after a crash) mid-run.

TEST_F(Reliability, ServerRestartMidRun) {
  LocalPostgresOptions options;
  // Commits reach the WAL file at once, so an immediate stop keeps them
  // (fsync stays off: the machine itself does not crash).
  options.settings.push_back("synchronous_commit = on");
  LocalPostgres server(options);
  std::string url = server.Url();
  Write("20240101000000_one.sql", "-- migrate:up\nCREATE TABLE one (id int);\n");
  Write("20240102000000_two.sql",
        "-- migrate:up\nCREATE TABLE two (id int);\nSELECT pg_sleep(30);\n");

  // A fast shutdown during a transactional migration.
  RunningProcess p = Start(Up(), url);
  ASSERT_NE(WaitForRunnerRunning("pg_sleep(30)", url), 0);
  server.Restart(false);
  RunResult r = p.Wait();
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_TRUE(Contains(r.err, "20240102000000_two failed")) << r.err;
  EXPECT_FALSE(Contains(r.all(), kReconnectedSymptom)) << r.all();
  EXPECT_TRUE(Exists("one", url));
  EXPECT_FALSE(Exists("two", url));
  EXPECT_EQ(HistoryCount(url), 1);
  Write("20240102000000_two.sql", "-- migrate:up\nCREATE TABLE two (id int);\n");
  RunResult after = Run(Up(), url);
  EXPECT_EQ(after.code, 0) << after.all();
  EXPECT_EQ(HistoryCount(url), 2);

  // A crash (immediate stop, recovery at start) during statement 2 of a
  // transaction:false migration.
  Write("20240103000000_slow.sql",
        "-- migrate:up transaction:false\nCREATE TABLE IF NOT EXISTS x (id int);\n"
        "SELECT pg_sleep(30);\nCREATE TABLE IF NOT EXISTS y (id int);\n");
  p = Start(Up(), url);
  ASSERT_NE(WaitForRunnerRunning("pg_sleep(30)", url), 0);
  server.Restart(true);
  r = p.Wait();
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_TRUE(Contains(r.err, "statement 2 of 3")) << r.err;
  EXPECT_FALSE(Contains(r.all(), kReconnectedSymptom)) << r.all();
  EXPECT_EQ(RowState(20240103000000, url), "started 1/3");
  EXPECT_TRUE(Exists("x", url));
  RunResult refused = Run(Up(), url);
  EXPECT_EQ(refused.code, 4) << refused.all();
  ASSERT_EQ(Run({"migrate", "repair", "--dir", Dir()}, url).code, 0);
  Write("20240103000000_slow.sql",
        "-- migrate:up transaction:false\nCREATE TABLE IF NOT EXISTS x (id int);\n"
        "SELECT 1;\nCREATE TABLE IF NOT EXISTS y (id int);\n");
  RunResult done = Run(Up(), url);
  EXPECT_EQ(done.code, 0) << done.all();
  EXPECT_EQ(HistoryCount(url), 3);
}

// ---------------------------------------------------------------------------
// (b)9: a lock holder whose connection goes dead.

TEST_F(Reliability, DeadLockHolderIsReplacedAndNeverGoesOnUnlocked) {
  Write("20240101000000_one.sql", "-- migrate:up\nCREATE TABLE one (id int);\n");
  Write("20240102000000_two.sql",
        "-- migrate:up\nCREATE TABLE two (id int);\nSELECT pg_sleep(2);\n");
  Write("20240103000000_three.sql", "-- migrate:up\nCREATE TABLE three (id int);\n");
  RunningProcess holder = Start(Up());
  int pid = WaitForRunnerRunning("pg_sleep(2)");
  ASSERT_NE(pid, 0);
  std::string holder_run = Scalar("SELECT run_id FROM slugwright_migrations_events LIMIT 1");
  // The holder freezes (as a partitioned dyno would) and the server, as
  // its keepalives would, ends the session: the lock is free again.
  holder.Signal(SIGSTOP);
  Terminate(pid);
  ASSERT_TRUE(WaitUntil([&] { return MigrationLocks(true) == 0; }, 10));
  RunResult waiter = Run(Up({"--lock-wait", "30s"}));
  EXPECT_EQ(waiter.code, 0) << waiter.all();
  EXPECT_TRUE(Contains(waiter.out, "Applied 2 migrations")) << waiter.out;
  std::string resumed_at = Scalar("SELECT clock_timestamp()");
  holder.Signal(SIGCONT);
  RunResult resumed = holder.Wait();
  EXPECT_EQ(resumed.code, 1) << resumed.all();
  EXPECT_TRUE(Contains(resumed.err, "the connection was lost")) << resumed.err;
  EXPECT_FALSE(Contains(resumed.all(), kReconnectedSymptom)) << resumed.all();
  EXPECT_FALSE(Contains(resumed.out, "Applied")) << resumed.out;
  // Each migration once; two and three by the waiter; nothing from the
  // old holder after it resumed.
  EXPECT_EQ(HistoryCount(), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM slugwright_migrations WHERE run_id = '" + holder_run +
                  "'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM slugwright_migrations_events WHERE run_id = '" +
                  holder_run + "' AND at >= '" + resumed_at + "'"),
            0);
  EXPECT_EQ(MigrationLocks(true), 0);
}

TEST_F(Reliability, ServerSideKeepalivesAreSetOnTheLockSession) {
  // The migration runs on the session that holds the lock.
  Write("20240101000000_settings.sql",
        "-- migrate:up\nCREATE TABLE settings AS SELECT name, setting FROM pg_settings WHERE "
        "name IN ('tcp_keepalives_idle', 'tcp_keepalives_interval', 'tcp_keepalives_count', "
        "'tcp_user_timeout', 'client_connection_check_interval');\n");
  ASSERT_EQ(Run(Up()).code, 0);
  EXPECT_EQ(Scalar("SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM settings"),
            "client_connection_check_interval=5000 tcp_keepalives_count=3 "
            "tcp_keepalives_idle=30 tcp_keepalives_interval=10 tcp_user_timeout=60000");
}

TEST_F(Reliability, KilledRunnersLongStatementIsAbandonedWithinSeconds) {
  // SIGKILL (a dyno killed) during a long statement: the server notices
  // the closed socket within client_connection_check_interval, rolls
  // back and frees the lock, instead of running the statement to its end.
  Write("20240101000000_slow.sql",
        "-- migrate:up\nCREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n");
  RunningProcess p = Start(Up());
  ASSERT_NE(WaitForRunnerRunning("pg_sleep(60)"), 0);
  auto killed = SteadyClock::now();
  p.Signal(SIGKILL);
  p.Wait();
  EXPECT_TRUE(WaitUntil([&] { return RunnerSessions() == 0; }, 20));
  double gone = SecondsSince(killed);
  EXPECT_LT(gone, 12.0);
  EXPECT_EQ(MigrationLocks(true), 0);
  EXPECT_FALSE(Exists("slow"));
  std::cout << "[ reliability ] the killed runner's session ended " << gone
            << " s after SIGKILL\n";
}

// ---------------------------------------------------------------------------
// (b)4 and (b)11: CREATE INDEX CONCURRENTLY while another runner waits; a
// failed one leaves an INVALID index.

TEST_F(Reliability, ConcurrentIndexWhileAnotherRunnerWaitsForTheLock) {
  Write("20240101000000_big.sql",
        "-- migrate:up\nCREATE TABLE big (a int, b int);\n"
        "INSERT INTO big SELECT g, g % 10 FROM generate_series(1, 100000) g;\n");
  Write("20240102000000_index.sql",
        "-- migrate:up transaction:false\nSELECT pg_sleep(1);\n"
        "CREATE INDEX CONCURRENTLY big_a ON big (a);\n");
  RunningProcess a = Start(Up());
  ASSERT_NE(WaitForRunnerRunning("pg_sleep(1)"), 0);
  RunningProcess b = Start(Up({"--lock-wait", "60s"}));
  SleepSeconds(0.3);
  EXPECT_EQ(MigrationLocks(false), 0);  // b polls; nothing queued on the server
  RunResult ra = a.Wait(), rb = b.Wait();
  EXPECT_EQ(ra.code, 0) << ra.all();
  EXPECT_EQ(rb.code, 0) << rb.all();
  EXPECT_LT(ra.seconds, 15.0);
  EXPECT_TRUE(Contains(rb.out, "Waiting up to 1m00s for the migration lock")) << rb.out;
  EXPECT_TRUE(Contains(rb.out, "up to date")) << rb.out;
  EXPECT_EQ(Scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_a'::regclass"), "t");
}

TEST_F(Reliability, QueuedLockWaiterBlocksConcurrentIndexWhichLeavesAnInvalidIndex) {
  // The control for the test above: a session queued on pg_advisory_lock
  // (what a blocking lock does) holds a snapshot that CREATE INDEX
  // CONCURRENTLY waits for, while it waits for the lock the runner holds:
  // PostgreSQL's deadlock detector ends the CIC (flyway#1654), which
  // leaves an INVALID index behind. statement_timeout is the safety net.
  Write("20240101000000_big.sql",
        "-- migrate:up\nCREATE TABLE big (a int, b int);\n"
        "INSERT INTO big SELECT g, g % 10 FROM generate_series(1, 100000) g;\n");
  Write("20240102000000_index.sql",
        "-- migrate:up transaction:false\nSELECT pg_sleep(1);\n"
        "CREATE INDEX CONCURRENTLY big_a ON big (a);\n");
  RunningProcess a = Start(Up({"--statement-timeout", "20s"}));
  ASSERT_NE(WaitForRunnerRunning("pg_sleep(1)"), 0);
  std::string waiter_error;
  std::thread blocking_waiter([&] {
    try {
      SqlSession conn(db_.url());
      // The deadlock is then always detected by the CIC's backend (and
      // not, depending on timing, by this one's).
      conn.Query("SET deadlock_timeout = '60s'");
      conn.Query("SELECT pg_advisory_lock(" + MigrationLockArguments() + ")");
    } catch (const std::exception& e) {
      waiter_error = e.what();
    }
  });
  RunResult ra = a.Wait();
  blocking_waiter.join();  // it gets the lock once the runner exits
  EXPECT_EQ(waiter_error, "");
  EXPECT_EQ(ra.code, 1) << ra.all();
  EXPECT_TRUE(Contains(ra.err, "statement 2 of 2")) << ra.err;
  EXPECT_TRUE(Contains(ra.err, "deadlock detected")) << ra.err;
  EXPECT_TRUE(Contains(ra.err, "INVALID index(es) left behind")) << ra.err;
  EXPECT_TRUE(Contains(ra.err, "big_a")) << ra.err;
  EXPECT_EQ(Scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_a'::regclass"), "f");
  EXPECT_EQ(RowState(20240102000000), "failed 1/2");

  // Refused until repaired; then IF NOT EXISTS "succeeds" on the invalid
  // index: not silently.
  RunResult refused = Run(Up());
  EXPECT_EQ(refused.code, 4) << refused.all();
  EXPECT_TRUE(Contains(refused.err, "failed at statement 2 of 2")) << refused.err;
  ASSERT_EQ(Run({"migrate", "repair", "--dir", Dir()}).code, 0);
  Write("20240102000000_index.sql",
        "-- migrate:up transaction:false\nSELECT pg_sleep(1);\n"
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS big_a ON big (a);\n");
  RunResult kept = Run(Up());
  EXPECT_EQ(kept.code, 0) << kept.all();
  EXPECT_TRUE(Contains(kept.err, "finished, but INVALID index(es) exist: big_a")) << kept.err;
  // The documented fix: drop it concurrently and create it again.
  Write("20240103000000_reindex.sql",
        "-- migrate:up transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS big_a;\n"
        "CREATE INDEX CONCURRENTLY big_a ON big (a);\n");
  RunResult fixed = Run(Up());
  EXPECT_EQ(fixed.code, 0) << fixed.all();
  EXPECT_FALSE(Contains(fixed.err, "INVALID")) << fixed.err;
  EXPECT_EQ(Scalar("SELECT indisvalid FROM pg_index WHERE indexrelid = 'big_a'::regclass"), "t");
}

// ---------------------------------------------------------------------------
// (b)10: a transaction:false file of statements that refuse to run in a
// transaction block (sent as one query they would all fail), with the
// splitter's hard cases around them.

TEST_F(Reliability, TransactionFalseStatementsAreSentOneByOne) {
  Write("20240101000000_base.sql",
        "-- migrate:up\nCREATE TABLE orders (id int, status text, note text);\n"
        "CREATE TYPE mood AS ENUM ('sad');\n");
  Write("20240102000000_concurrently.sql",
        "-- migrate:up transaction:false\n"
        "CREATE INDEX CONCURRENTLY orders_id ON orders (id);\n"
        "CREATE INDEX CONCURRENTLY orders_status ON orders (status) WHERE note <> 'a;b';\n"
        "ALTER TYPE mood ADD VALUE 'happy';\n"
        "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $fn$\n"
        "BEGIN RETURN 'x;y'; END; $fn$;\n"
        "/* a /* nested; */ comment; */ -- and; this\n"
        "SELECT E'it\\'s; fine', $$;$$;\n");
  RunResult r = Run(Up());
  ASSERT_EQ(r.code, 0) << r.all();
  EXPECT_EQ(RowState(20240102000000), "applied 5/5");
  EXPECT_EQ(Count("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                  "WHERE c.relname IN ('orders_id', 'orders_status') AND i.indisvalid"),
            2);
  EXPECT_EQ(Scalar("SELECT string_agg(e::text, ',') FROM unnest(enum_range(NULL::mood)) e"),
            "sad,happy");
  EXPECT_EQ(Scalar("SELECT f()"), "x;y");
}

// ---------------------------------------------------------------------------
// (b)18: lock_timeout protects other sessions, and is retried; a
// statement_timeout overrun is reported as such.

TEST_F(Reliability, LockTimeoutKeepsOtherSessionsMovingAndIsRetriedToSuccess) {
  Write("20240101000000_t.sql",
        "-- migrate:up\nCREATE TABLE t (id int);\nINSERT INTO t SELECT generate_series(1, 100);\n");
  ASSERT_EQ(Run(Up()).code, 0);
  Write("20240102000000_c.sql", "-- migrate:up\nALTER TABLE t ADD COLUMN c int;\n");

  // A long transaction holds ROW EXCLUSIVE on t; the ALTER needs ACCESS
  // EXCLUSIVE. A bystander reads t all along: while the ALTER waits, its
  // reads queue behind it, for at most lock_timeout.
  std::unique_ptr<SqlSession> blocker = db_.Connect();
  blocker->Query("BEGIN; INSERT INTO t VALUES (0)");
  std::atomic<bool> stop{false};
  std::atomic<double> worst{0};
  std::string thread_errors;
  std::thread bystander([&] {
    try {
      SqlSession conn(db_.url());
      while (!stop) {
        auto t0 = SteadyClock::now();
        conn.Query("SELECT count(*) FROM t");
        double took = SecondsSince(t0);
        if (took > worst) worst = took;
        SleepSeconds(0.02);
      }
    } catch (const std::exception& e) {
      thread_errors += std::string("bystander: ") + e.what();
    }
  });

  RunResult once = Run(Up({"--lock-timeout", "1s", "--lock-retries", "0"}));
  EXPECT_EQ(once.code, 1) << once.all();
  EXPECT_TRUE(Contains(once.err, "lock timeout")) << once.err;
  EXPECT_LT(once.seconds, 4.0);
  EXPECT_LT(worst.load(), 1.8) << "a reader waited behind the migration longer than lock_timeout";
  EXPECT_EQ(HistoryCount(), 1);

  std::string commit_error;
  std::thread commit_later([&] {
    SleepSeconds(2.5);
    try {
      blocker->Query("COMMIT");
    } catch (const std::exception& e) {
      commit_error = e.what();
    }
  });
  RunResult retried = Run(Up({"--lock-timeout", "1s", "--lock-retries", "8"}));
  commit_later.join();
  stop = true;
  bystander.join();
  EXPECT_EQ(thread_errors + commit_error, "");
  EXPECT_EQ(retried.code, 0) << retried.all();
  EXPECT_TRUE(Contains(retried.out, "hit lock_timeout")) << retried.out;
  EXPECT_EQ(HistoryCount(), 2);
  EXPECT_LT(worst.load(), 1.8);
  std::cout << "[ reliability ] the longest read of t while the migration waited: "
            << worst.load() << " s (lock_timeout 1 s)\n";
}

TEST_F(Reliability, StatementTimeoutIsReportedAndRolledBack) {
  Write("20240101000000_ok.sql", "-- migrate:up\nCREATE TABLE ok (id int);\n");
  Write("20240102000000_slow.sql",
        "-- migrate:up\nCREATE TABLE slow (id int);\nSELECT pg_sleep(20);\n");
  RunResult r = Run(Up({"--statement-timeout", "500ms", "--lock-retries", "3"}));
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_LT(r.seconds, 5.0);
  EXPECT_TRUE(Contains(r.err, "canceling statement due to statement timeout")) << r.err;
  EXPECT_FALSE(Contains(r.out, "hit lock_timeout")) << r.out;  // not retried as a lock wait
  EXPECT_TRUE(Exists("ok"));
  EXPECT_FALSE(Exists("slow"));
  EXPECT_EQ(HistoryCount(), 1);
  EXPECT_EQ(MigrationLocks(true), 0);
}

// ---------------------------------------------------------------------------
// (b)7: SIGTERM while waiting for the lock and during a transaction:false
// statement (the long transactional statement is in migrator_pg_test.cc).

TEST_F(Reliability, SigtermWhileWaitingForTheLock) {
  Write("20240101000000_one.sql", "-- migrate:up\nCREATE TABLE one (id int);\n");
  std::unique_ptr<SqlSession> holder = db_.Connect();
  holder->Query("SELECT pg_advisory_lock(" + MigrationLockArguments() + ")");
  RunningProcess p = Start(Up({"--lock-wait", "60s"}));
  ASSERT_TRUE(WaitUntil([&] { return RunnerSessions() == 1; }, 10));
  SleepSeconds(0.3);
  auto signalled = SteadyClock::now();
  p.Signal(SIGTERM);
  RunResult r = p.Wait();
  EXPECT_EQ(r.code, 143) << r.all();
  EXPECT_LT(SecondsSince(signalled), 2.0);
  EXPECT_TRUE(Contains(r.err, "while waiting for the migration lock; nothing was applied"))
      << r.err;
  EXPECT_FALSE(Exists("one"));
  EXPECT_EQ(MigrationLocks(false), 0);
}

TEST_F(Reliability, SigtermDuringATransactionFalseStatement) {
  WriteReleaseSettings();
  Write("20240101000000_slow.sql",
        "-- migrate:up transaction:false\nCREATE TABLE IF NOT EXISTS x (id int);\n"
        "SELECT pg_sleep(60);\nCREATE TABLE IF NOT EXISTS y (id int);\n");
  RunningProcess p = Start({"release"});
  ASSERT_NE(WaitForRunnerRunning("pg_sleep(60)"), 0);
  auto signalled = SteadyClock::now();
  p.Signal(SIGTERM);
  RunResult r = p.Wait();
  EXPECT_EQ(r.code, 143) << r.all();
  EXPECT_LT(SecondsSince(signalled), 5.0);
  EXPECT_TRUE(Contains(r.err, "statement 2 of 3")) << r.err;
  EXPECT_EQ(tmp_.Read("hook.out"), "interrupted 143\n");
  EXPECT_EQ(RowState(20240101000000), "failed 1/3");
  EXPECT_FALSE(Exists("y"));
  EXPECT_EQ(RunnerRunning("pg_sleep(60)"), 0);  // cancelled on the server
  EXPECT_EQ(MigrationLocks(true), 0);
  RunResult refused = Run(Up());
  EXPECT_EQ(refused.code, 4) << refused.all();
  EXPECT_TRUE(Contains(refused.err, "failed at statement 2 of 3")) << refused.err;
}

// ---------------------------------------------------------------------------
// SSL: sslmode=require against a server without SSL.

TEST_F(Reliability, SslModeRequireAgainstAServerWithoutSsl) {
  Write("20240101000000_one.sql", "-- migrate:up\nCREATE TABLE one (id int);\n");
  RunResult required = Run(Up(), db_.url() + "?sslmode=require");
  EXPECT_EQ(required.code, 1) << required.all();
  EXPECT_TRUE(Contains(required.err, "server does not support SSL")) << required.err;
  EXPECT_FALSE(HistoryExists());
  RunResult plain = Run(Up());  // no sslmode: libpq's `prefer`
  EXPECT_EQ(plain.code, 0) << plain.all();
  EXPECT_TRUE(Exists("one"));
}

// ---------------------------------------------------------------------------
// (b)19: PgBouncer in transaction mode with one server connection, where
// consecutive transactions do land on the same server session.

TEST_F(Reliability, TransactionPoolerWithOneServerConnectionIsStillRefused) {
  if (!LocalPgBouncer::Installed())
    GTEST_SKIP() << "pgbouncer is not installed (Debian package pgbouncer)";
  Write("20240101000000_one.sql", "-- migrate:up\nCREATE TABLE one (id int);\n");
  {
    LocalPgBouncer bouncer("transaction", db_.name(), /*default_pool_size=*/1);
    ASSERT_TRUE(bouncer.ready());
    std::vector<RunningProcess> procs;
    for (int i = 0; i < 4; ++i) procs.push_back(Start(Up({"--lock-wait", "5s"}), bouncer.Url()));
    for (RunningProcess& p : procs) {
      RunResult r = p.Wait();
      EXPECT_EQ(r.code, 2) << r.all();
      EXPECT_TRUE(Contains(r.err, "refusing to migrate through")) << r.err;
    }
  }
  EXPECT_FALSE(HistoryExists());
  EXPECT_FALSE(Exists("one"));
}

}  // namespace
