// One release per commit, however many services deploy it: the real
// `slugwright release` (SLUGWRIGHT_BIN) run as several services' processes
// at once against one PostgreSQL database, as Railway runs every service's
// preDeployCommand for the same commit; and the ledger's own session
// (postgres/postgres_release_ledger.h), whose notifications wake waiters.

#include <signal.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/redactor.h"
#include "postgres/postgres_release_ledger.h"
#include "testing/pg_fixture.h"

namespace {

const char kCommit[] = "d0beb8f5c55b36df7d674d55965a23b8d54ad69b";

class ReleaseLedgerTest : public SlugwrightPgTest {
 protected:
  /// Migration n creates table t<n>; `sql` replaces its body.
  void Migration(int n, const std::string& sql = "") {
    char version[32];
    snprintf(version, sizeof(version), "2024010100%04d", n);
    WriteMigration(std::string(version) + "_m" + std::to_string(n) + ".sql",
                   "-- migrate:up\n" +
                       (sql.empty() ? "CREATE TABLE t" + std::to_string(n) + " (id int);\n"
                                    : sql + "\n"));
  }
  /// The app's settings: the migrations, and an after hook that appends
  /// the service's name to after.log.
  void Settings() {
    tmp_.Write("slugwright.yml", "release:\n  migrations: migrations\n  lock_wait: 60s\n"
                                 "  hooks:\n    after: 'echo \"$RAILWAY_SERVICE_NAME\" >> " +
                                     tmp_.path() + "/after.log'\n");
  }
  /// A Railway service's pre-deploy run of `commit`.
  std::map<std::string, std::string> Service(const std::string& name,
                                             const std::string& commit = kCommit) {
    return {{"RAILWAY_GIT_COMMIT_SHA", commit}, {"RAILWAY_SERVICE_NAME", name}};
  }
  int AfterHookRuns() {
    std::string log = ReadWholeFile(tmp_.path() + "/after.log");
    return static_cast<int>(std::count(log.begin(), log.end(), '\n'));
  }
  nlohmann::json Releases(const std::string& commit = kCommit) {
    RunResult r = Run({"releases", "--json"}, Service("reader", commit));
    EXPECT_EQ(r.code, 0) << r.all();
    return nlohmann::json::parse(r.out);
  }
};

TEST_F(ReleaseLedgerTest, EightServicesOfOneCommitApplyEachMigrationOnceAndShareTheOutcome) {
  Settings();
  for (int n = 1; n <= 40; ++n) Migration(n);
  std::vector<RunningProcess> services;
  for (int i = 1; i <= 8; ++i)
    services.push_back(Start({"release"}, Service("service" + std::to_string(i))));
  int executed = 0, shared = 0;
  for (RunningProcess& service : services) {
    RunResult r = service.Wait(120);
    EXPECT_EQ(r.code, 0) << r.all();
    if (r.all().find("Recorded in public.slugwright_migrations_releases") != std::string::npos)
      ++executed;
    if (r.all().find("nothing to run here") != std::string::npos) ++shared;
  }
  EXPECT_EQ(executed, 1);
  EXPECT_EQ(shared, 7);
  EXPECT_EQ(db_.HistoryCount(), 40);
  EXPECT_EQ(AfterHookRuns(), 1);

  nlohmann::json releases = Releases()["releases"];
  ASSERT_EQ(releases.size(), 1u) << releases.dump(2);
  EXPECT_EQ(releases[0]["state"], "succeeded");
  EXPECT_EQ(releases[0]["applied"], 40);
  EXPECT_EQ(releases[0]["waiters"].size(), 7u);

  // A service that deploys the commit later runs nothing, not even its hook.
  RunResult later = Run({"release"}, Service("late"));
  EXPECT_EQ(later.code, 0) << later.all();
  EXPECT_NE(later.all().find("succeeded in "), std::string::npos) << later.all();
  EXPECT_EQ(later.all().find("Applying"), std::string::npos) << later.all();
  EXPECT_EQ(AfterHookRuns(), 1);
}

TEST_F(ReleaseLedgerTest, AFailedReleaseFailsEveryServiceUntilANewAttemptAppliesItOnce) {
  Settings();
  Migration(1);
  Migration(2, "SELECT pg_sleep(0.3); SELECT 1/0;");
  std::vector<RunningProcess> services;
  for (int i = 1; i <= 4; ++i)
    services.push_back(Start({"release"}, Service("service" + std::to_string(i))));
  for (RunningProcess& service : services) {
    RunResult r = service.Wait(120);
    EXPECT_EQ(r.code, 1) << r.all();
    EXPECT_NE(r.all().find("20240101000002_m2.sql: division by zero"), std::string::npos)
        << r.all();
  }
  // The failure sticks: a later run of the key runs nothing and says how
  // to retry.
  RunResult later = Run({"release"}, Service("late"));
  EXPECT_EQ(later.code, 1) << later.all();
  EXPECT_LT(later.seconds, 5);
  EXPECT_NE(later.all().find("Nothing was run here"), std::string::npos) << later.all();
  EXPECT_NE(later.all().find("SLUGWRIGHT_ATTEMPT=2"), std::string::npos) << later.all();
  EXPECT_EQ(later.all().find("Applying"), std::string::npos) << later.all();

  // The fix and a new attempt, shared by every service: applied once.
  Migration(2, "CREATE TABLE t2 (id int);");
  services.clear();
  for (int i = 1; i <= 4; ++i) {
    std::map<std::string, std::string> env = Service("service" + std::to_string(i));
    env["SLUGWRIGHT_ATTEMPT"] = "2";
    services.push_back(Start({"release"}, env));
  }
  for (RunningProcess& service : services) EXPECT_EQ(service.Wait(120).code, 0);
  EXPECT_EQ(db_.HistoryCount(), 2);
  EXPECT_EQ(AfterHookRuns(), 1);
  nlohmann::json releases = Releases()["releases"];
  ASSERT_EQ(releases.size(), 2u);
  EXPECT_EQ(releases[0]["attempt"], 2);
  EXPECT_EQ(releases[0]["state"], "succeeded");
  EXPECT_EQ(releases[1]["state"], "failed");
  EXPECT_EQ(releases[1]["failed_migration"], "20240101000002_m2.sql");
}

TEST_F(ReleaseLedgerTest, AWaiterTakesOverFromAKilledExecutorAndAppliesEachMigrationOnce) {
  Settings();
  Migration(1);
  // Sleeps in the executor's run only: the test creates `killed` after the kill.
  Migration(2, "CREATE TABLE t2 (id int); SELECT pg_sleep(30) WHERE to_regclass('killed') IS NULL;");
  Migration(3);
  RunningProcess executor = Start({"release"}, Service("web"));
  ASSERT_NE(db_.WaitForRunnerRunning("pg_sleep(30)"), 0);
  RunningProcess waiter = Start({"release"}, Service("worker"));
  // The waiter is waiting (its ledger session is open beside the
  // executor's) before the kill.
  for (int i = 0; i < 200 && db_.Count("SELECT count(*) FROM pg_stat_activity WHERE "
                                       "application_name LIKE 'slugwright release ledger%'") < 2;
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  executor.Signal(SIGKILL);
  executor.Wait(30);
  db_.Exec("CREATE TABLE killed ()");
  RunResult r = waiter.Wait(120);
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_NE(r.all().find("Taking over the release of commit d0beb8f5c5: the run of web ended"),
            std::string::npos)
      << r.all();
  EXPECT_EQ(db_.HistoryCount(), 3);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM slugwright_migrations WHERE version = 20240101000002"),
            1);
  nlohmann::json releases = Releases()["releases"];
  ASSERT_EQ(releases.size(), 1u);
  EXPECT_EQ(releases[0]["state"], "succeeded");
  EXPECT_EQ(releases[0]["service"], "worker");
  EXPECT_EQ(releases[0]["taken_over_from"], "web");
}

TEST_F(ReleaseLedgerTest, WaitOnlyNeverRunsTheRelease) {
  Settings();
  Migration(1, "CREATE TABLE t1 (id int); SELECT pg_sleep(0.5);");
  // Started before any executor: exits as the other service's release did.
  RunningProcess waiting = Start({"release", "--wait-only"}, Service("worker"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RunResult executor = Run({"release"}, Service("web"));
  EXPECT_EQ(executor.code, 0) << executor.all();
  RunResult r = waiting.Wait(60);
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_NE(r.all().find("succeeded in web"), std::string::npos) << r.all();
  EXPECT_EQ(AfterHookRuns(), 1);

  // With no executor it gives up after its wait, naming the commit.
  RunResult alone = Run({"release", "--wait-only", "--lock-wait", "1s"}, Service("worker", "cafe42"));
  EXPECT_EQ(alone.code, 3) << alone.all();
  EXPECT_NE(alone.all().find("No outcome for the release of commit cafe42 within"),
            std::string::npos)
      << alone.all();
  EXPECT_NE(alone.all().find("no service has started it"), std::string::npos) << alone.all();
  EXPECT_EQ(db_.HistoryCount(), 1);
}

TEST_F(ReleaseLedgerTest, HerokuKeepsOneReleasePhasePerRelease) {
  Settings();
  Migration(1);
  std::map<std::string, std::string> heroku = {{"HEROKU_APP_NAME", "web-eu"},
                                               {"HEROKU_RELEASE_VERSION", "v42"},
                                               {"HEROKU_SLUG_COMMIT", kCommit}};
  RunResult r = Run({"release"}, heroku);
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_FALSE(db_.Exists("slugwright_migrations_releases"));
  r = Run({"release"}, heroku);  // heroku releases:retry runs it again
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_EQ(AfterHookRuns(), 1);  // nothing pending the second time: no after hook
  // Apps sharing one database opt in.
  tmp_.Write("slugwright.yml", "release:\n  migrations: migrations\n  coordinate: commit\n");
  r = Run({"release"}, heroku);
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_TRUE(db_.Exists("slugwright_migrations_releases"));
}

TEST_F(ReleaseLedgerTest, WaitOnlyOrRetryWithoutACommitIsAUsageError) {
  Migration(1);
  RunResult r = Run({"release", "--dir", Dir(), "--wait-only"});
  EXPECT_EQ(r.code, 2) << r.all();
  EXPECT_NE(r.all().find("--wait-only needs a release to coordinate by, but no commit is known"),
            std::string::npos)
      << r.all();
  EXPECT_EQ(db_.HistoryCount(), 0);
}

// The waiters' wake-up: a finished release notifies every listening session
// as its outcome commits, so no waiter sleeps until its next check.
TEST_F(ReleaseLedgerTest, FinishWakesAListeningLedgerAtOnce) {
  Redactor redactor;
  HistoryTableName history;
  PostgresReleaseLedger executor(DatabaseTarget::Parse(db_.url()), history, "executor",
                                 &redactor);
  PostgresReleaseLedger waiter(DatabaseTarget::Parse(db_.url()), history, "waiter", &redactor);
  executor.Open();
  waiter.Open();
  ReleaseKey key{"abc", 1};
  ASSERT_TRUE(executor.TryLockKey(key));
  EXPECT_FALSE(waiter.TryLockKey(key));
  executor.Start(key, "web", "run1", "");
  EXPECT_FALSE(waiter.WaitForFinish(0.05));  // nothing finished yet
  std::thread finisher([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ReleaseResult result;
    result.applied = 2;
    EXPECT_TRUE(executor.Finish(key, "run1", result));
  });
  bool woken = waiter.WaitForFinish(30);
  finisher.join();
  EXPECT_TRUE(woken);
  ReleaseRecord record;
  ASSERT_TRUE(waiter.Read(key, &record));
  EXPECT_EQ(record.state, ReleaseState::kSucceeded);
  EXPECT_EQ(record.applied, 2);
  executor.UnlockKey(key);
  EXPECT_TRUE(waiter.TryLockKey(key));
  // A run whose row another run has since taken records nothing.
  waiter.Start(key, "worker", "run2", "web");
  EXPECT_FALSE(executor.Finish(key, "run1", ReleaseResult{}));
  ASSERT_TRUE(waiter.Read(key, &record));
  EXPECT_EQ(record.state, ReleaseState::kRunning);
  EXPECT_EQ(record.run_id, "run2");
}

// The server ends the executor's ledger session while its migrations run
// (a restart, an idle timeout, a DBA): the key's lock goes with it, but no
// other run took the key over, so the outcome is recorded on a new session
// (before, the run exited 1 with "recording the outcome: ...", although
// its migrations had committed).
TEST_F(ReleaseLedgerTest, AnExecutorWhoseLedgerSessionEndedRecordsItsOutcomeOnANewOne) {
  Settings();
  Migration(1);
  Migration(2, "CREATE TABLE t2 (id int); SELECT pg_sleep(3);");
  RunningProcess executor = Start({"release"}, Service("web"));
  ASSERT_NE(db_.WaitForRunnerRunning("pg_sleep(3)"), 0);
  EXPECT_EQ(1, db_.Count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
                         "application_name LIKE 'slugwright release ledger%'"));
  RunResult r = executor.Wait(60);
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_NE(r.all().find("succeeded in web"), std::string::npos) << r.all();
  EXPECT_EQ(db_.HistoryCount(), 2);
  nlohmann::json releases = Releases()["releases"];
  ASSERT_EQ(releases.size(), 1u);
  EXPECT_EQ(releases[0]["state"], "succeeded");
  EXPECT_EQ(releases[0]["service"], "web");
  EXPECT_EQ(releases[0]["applied"], 2);
}

}  // namespace
