// The Migrator's decisions, against in-memory doubles (no database). The
// same behaviours against a real server are in migrator_pg_test.cc.

#include "migrate/migrator.h"

#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <sstream>

#include "base/exit_codes.h"
#include "migrate/run_error.h"
#include "testing/migrator_fixture.h"

namespace {

struct MigratorTest : public MigratorFixture {
  MigratorTest() {
    options.run.release = "v7";
  }
  void AddFive() {
    for (int v = 1; v <= 5; ++v)
      source.Add(v, "CREATE TABLE t" + std::to_string(v) + " (id int);",
                 "DROP TABLE t" + std::to_string(v) + ";");
  }
  /// The exit code of the refusal `f` throws (UserError from the checks,
  /// RunError from the runner, kept in last_run_error); -1 when none.
  int ExpectUserError(std::function<int()> f) {
    try {
      f();
    } catch (const UserError& e) {
      last_error = e.what();
      return e.code();
    } catch (const RunError& e) {
      last_run_error = std::make_unique<RunError>(e);
      return ExitCodeOf(e);
    }
    return -1;
  }
  std::string last_error;
  std::unique_ptr<RunError> last_run_error;
};

}  // namespace

TEST_F(MigratorTest, AppliesEverythingInOrderCreatingHistoryUnderTheLock) {
  AddFive();
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_EQ(driver.history.size(), 5u);
  EXPECT_EQ(driver.calls["create_tables"], 1);
  EXPECT_LT(driver.IndexOf("up 1"), driver.IndexOf("up 2"));
  EXPECT_LT(driver.IndexOf("up 4"), driver.IndexOf("up 5"));
  EXPECT_TRUE(driver.Logged("event run_succeeded"));
  EXPECT_EQ(driver.history[3].release, "v7");
  EXPECT_FALSE(driver.locked);  // released
  EXPECT_EQ(events.applied, (std::vector<int64_t>{1, 2, 3, 4, 5}));
}

TEST_F(MigratorTest, SecondRunIsANoOpWithoutWrites) {
  AddFive();
  ASSERT_EQ(Up(), kExitOk);
  driver.log.clear();
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_TRUE(driver.log.empty());  // no SQL, no events
  EXPECT_EQ(driver.calls["set_timeouts"], 1);  // only from the first run
  EXPECT_EQ(events.up_to_date, std::vector<size_t>{5});
}

TEST_F(MigratorTest, ChangedAppliedFileRefusesBeforeAnyDdl) {
  AddFive();
  ASSERT_EQ(Up(), kExitOk);
  source.migrations[1].checksum = "sha256:edited";
  source.Add(6, "CREATE TABLE t6 (id int);");
  driver.log.clear();
  EXPECT_EQ(ExpectUserError([&] { return Up(); }), kExitIntegrity);
  EXPECT_NE(last_error.find("sha256:edited"), std::string::npos);
  EXPECT_FALSE(driver.Logged("up 6"));
  EXPECT_FALSE(driver.locked);
}

TEST_F(MigratorTest, OutOfOrderIsRefusedThenAppliedWhenAllowed) {
  source.Add(1, "a;");
  source.Add(3, "c;");
  ASSERT_EQ(Up(), kExitOk);
  source.Add(2, "b;");
  std::sort(source.migrations.begin(), source.migrations.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  EXPECT_EQ(ExpectUserError([&] { return Up(); }), kExitIntegrity);
  EXPECT_FALSE(driver.Logged("up 2"));
  options.settings.allow_out_of_order = true;
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_TRUE(driver.history[2].out_of_order);
}

TEST_F(MigratorTest, DatabaseAheadOfCodeWarnsAndSucceeds) {
  AddFive();
  ASSERT_EQ(Up(), kExitOk);
  source.migrations.resize(3);  // older code, as after heroku rollback
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_EQ(events.ahead, std::vector<size_t>{2});
  EXPECT_EQ(driver.history.size(), 5u);
}

TEST_F(MigratorTest, FailureInThreeOfFiveKeepsOneAndTwoAndRunsOnFailureHooks) {
  AddFive();
  driver.fail_sql["CREATE TABLE t3"] = {"42601"};
  options.settings.hooks.on_failure = {"notify"};
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_TRUE(driver.history.count(1));
  EXPECT_TRUE(driver.history.count(2));
  EXPECT_FALSE(driver.history.count(3));
  EXPECT_FALSE(driver.Logged("up 4"));
  EXPECT_TRUE(driver.Logged("event failed 3"));
  EXPECT_TRUE(driver.Logged("event run_failed 3"));
  ASSERT_EQ(runner.calls.size(), 1u);
  auto& env = runner.calls[0].env;
  EXPECT_EQ(env["SLUGWRIGHT_OUTCOME"], "failure");
  EXPECT_EQ(env["SLUGWRIGHT_VERSIONS_APPLIED"], "1 2");
  EXPECT_EQ(env["SLUGWRIGHT_FAILED_VERSION"], "3");
  EXPECT_EQ(env["SLUGWRIGHT_VERSIONS_PENDING"], "3 4 5");
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].failed, 3);
  EXPECT_EQ(events.failures[0].sqlstate, "42601");
  EXPECT_EQ(events.failures[0].server_message, "simulated error 42601 at CREATE TABLE t3");
  EXPECT_EQ(events.failures[0].failed_statement, 0);  // a transactional migration
  EXPECT_EQ(events.failures[0].committed, (std::vector<int64_t>{1, 2}));  // stay applied
  EXPECT_TRUE(events.reverted.empty());
}

TEST_F(MigratorTest, RollbackReleaseRevertsThisRunsMigrationsNewestFirst) {
  source.Add(1, "CREATE TABLE t1 (id int);", "DROP TABLE t1;");
  ASSERT_EQ(Up(), kExitOk);  // an earlier release
  for (int v = 2; v <= 5; ++v)
    source.Add(v, "CREATE TABLE t" + std::to_string(v) + " (id int);",
               "DROP TABLE t" + std::to_string(v) + ";");
  driver.fail_sql["CREATE TABLE t4"] = {"23505"};
  options.settings.on_failure = ReleaseSettings::OnFailure::kRollbackRelease;
  options.settings.hooks.on_failure = {"notify"};
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_LT(driver.IndexOf("down 3"), driver.IndexOf("down 2"));
  EXPECT_FALSE(driver.Logged("down 1"));  // not this run's
  EXPECT_EQ(driver.history.size(), 1u);
  EXPECT_EQ(runner.calls[0].env["SLUGWRIGHT_VERSIONS_REVERTED"], "3 2");
}

TEST_F(MigratorTest, AllModeFailureAppliesNothing) {
  AddFive();
  driver.fail_sql["CREATE TABLE t3"] = {"42601"};
  options.settings.transaction = ReleaseSettings::TransactionMode::kAll;
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_TRUE(driver.history.empty());
  EXPECT_TRUE(driver.Logged("begin"));
  EXPECT_TRUE(driver.Logged("rollback"));
  EXPECT_FALSE(driver.Logged("commit"));
  driver.fail_sql.clear();
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_EQ(driver.history.size(), 5u);
  EXPECT_TRUE(driver.Logged("commit"));
}

TEST_F(MigratorTest, AllModeRefusesATransactionFalseMigration) {
  source.Add(1, "CREATE INDEX CONCURRENTLY i ON t (x);", "", false);
  options.settings.transaction = ReleaseSettings::TransactionMode::kAll;
  EXPECT_EQ(ExpectUserError([&] { return Up(); }), kExitUsage);
  ASSERT_TRUE(last_run_error);
  EXPECT_EQ(last_run_error->kind(), RunError::Kind::kTransactionFalseInTransactionAll);
  EXPECT_EQ(last_run_error->facts().version, 1);
  EXPECT_EQ(last_run_error->facts().file, "migrations/1_m1.sql");
  EXPECT_TRUE(driver.history.empty());
}

TEST_F(MigratorTest, LockTimeoutIsRetriedWithBackoffThenSucceeds) {
  AddFive();
  driver.fail_sql["CREATE TABLE t2"] = {"55P03", 2};
  options.settings.lock_retries = 3;
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_EQ(driver.history.size(), 5u);
  EXPECT_EQ(clock.sleeps.size(), 2u);
  EXPECT_LT(clock.sleeps[0], clock.sleeps[1] + 1e-9);
  ASSERT_EQ(events.retries.size(), 2u);
  EXPECT_EQ(events.retries[0].kind, RetrySubject::Kind::kMigration);
  EXPECT_EQ(events.retries[0].version, 2);
  EXPECT_EQ(events.retries[1].attempt, 2);
  EXPECT_EQ(events.retries[1].delay_seconds, clock.sleeps[1]);
}

TEST_F(MigratorTest, LockTimeoutFailsAfterTheConfiguredRetries) {
  AddFive();
  driver.fail_sql["CREATE TABLE t2"] = {"55P03"};
  options.settings.lock_retries = 2;
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(clock.sleeps.size(), 2u);
  EXPECT_EQ(driver.history.size(), 1u);
}

// Issue 23 item 12: when lock_timeout ends the retries, the failure names
// the session holding a lock on the migration's table.
TEST_F(MigratorTest, LockTimeoutNamesTheSessionHoldingALockOnTheTable) {
  source.Add(1, "ALTER TABLE public.accounts ADD COLUMN c int;");
  driver.fail_sql["ALTER TABLE public.accounts"] = {"55P03"};
  LockHolder holder;
  holder.pid = 4711;
  holder.application_name = "psql";
  holder.state = "idle in transaction";
  holder.relation = "public.accounts";
  holder.mode = "AccessShareLock";
  holder.query = "SELECT * FROM accounts";
  LockHolder other = holder;
  other.pid = 99;
  other.relation = "public.orders";
  driver.relation_lock_holders = {holder, other};
  options.settings.lock_retries = 0;
  EXPECT_EQ(Up(), kExitFailed);
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].blocker_pids, std::vector<int>{4711});
  EXPECT_NE(err.str().find("It waited for pid 4711 (psql, idle in transaction), which holds "
                           "AccessShareLock on public.accounts; its query: SELECT * FROM accounts"),
            std::string::npos)
      << err.str();
}

TEST_F(MigratorTest, BeforeHookFailureAbortsWithNothingApplied) {
  AddFive();
  options.settings.hooks.before = {"check-env"};
  options.settings.hooks.on_failure = {"notify"};
  runner.exit_codes["check-env"] = 1;
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_TRUE(driver.history.empty());
  ASSERT_EQ(runner.calls.size(), 2u);
  EXPECT_EQ(runner.calls[1].command, "notify");
}

TEST_F(MigratorTest, AfterHookRunsOnSuccessWithTheVersions) {
  source.Add(1, "a;");
  options.settings.hooks.after = {"announce"};
  EXPECT_EQ(Up(), kExitOk);
  ASSERT_EQ(runner.calls.size(), 1u);
  EXPECT_EQ(runner.calls[0].env["SLUGWRIGHT_VERSIONS_APPLIED"], "1");
  EXPECT_EQ(runner.calls[0].env["SLUGWRIGHT_OUTCOME"], "success");
}

// Issue 23 item 8: once the migrations committed, a failing notification
// hook must not keep the old code on the new schema, unless asked to.
TEST_F(MigratorTest, AFailingAfterHookWarnsByDefaultBecauseTheSchemaAlreadyChanged) {
  source.Add(1, "a;");
  source.Add(2, "b;");
  options.settings.hooks.after = {"notify-slack"};
  options.settings.hooks.on_failure = {"page"};
  runner.exit_codes["notify-slack"] = 1;
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_EQ(driver.history.size(), 2u);
  ASSERT_EQ(events.after_hook_failures.size(), 1u);
  EXPECT_EQ(events.after_hook_failures[0], std::make_pair(size_t{2}, false));
  EXPECT_TRUE(events.failures.empty());
  ASSERT_EQ(runner.calls.size(), 1u);  // no on_failure hook: the release succeeded
}

TEST_F(MigratorTest, AFailingAfterHookFailsTheReleaseWhenSetToFail) {
  source.Add(1, "a;");
  options.settings.hooks.after = {"smoke-test"};
  options.settings.after_hook_failure = ReleaseSettings::AfterHookFailure::kFail;
  runner.exit_codes["smoke-test"] = 1;
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(driver.history.size(), 1u);  // on_failure: stop keeps it applied
  ASSERT_EQ(events.after_hook_failures.size(), 1u);
  EXPECT_EQ(events.after_hook_failures[0], std::make_pair(size_t{1}, true));
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_TRUE(events.failures[0].failed_in_hook);
}

TEST_F(MigratorTest, FailingOnFailureHookDoesNotHideTheOriginalError) {
  AddFive();
  driver.fail_sql["CREATE TABLE t1"] = {"42P01"};
  options.settings.hooks.on_failure = {"broken-notify"};
  runner.exit_codes["broken-notify"] = 2;
  EXPECT_EQ(Up(), kExitFailed);
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].error, "simulated error 42P01 at CREATE TABLE t1");
  ASSERT_EQ(events.hook_failures.size(), 1u);
  EXPECT_EQ(events.hook_failures[0].exit_code, 2);
}

TEST_F(MigratorTest, HeldLockIsExitThreeNamingTheHolder) {
  AddFive();
  driver.lock_free = false;
  options.settings.lock_wait_seconds = 0;
  EXPECT_EQ(ExpectUserError([&] { return Up(); }), kExitLockTimeout);
  ASSERT_TRUE(last_run_error);
  EXPECT_EQ(last_run_error->kind(), RunError::Kind::kLocked);
  ASSERT_EQ(last_run_error->facts().holders.size(), 1u);
  EXPECT_EQ(last_run_error->facts().holders[0].pid, 4242);
  EXPECT_TRUE(driver.history.empty());
}

TEST_F(MigratorTest, TransactionControlInATransactionalMigrationIsRefused) {
  source.Add(1, "CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);");
  EXPECT_EQ(ExpectUserError([&] { return Up(); }), kExitUsage);
  ASSERT_TRUE(last_run_error);
  EXPECT_EQ(last_run_error->kind(), RunError::Kind::kTransactionControl);
  EXPECT_EQ(last_run_error->facts().file, "migrations/1_m1.sql");
  EXPECT_EQ(last_run_error->facts().line, 2);
  EXPECT_EQ(last_run_error->facts().statement, "COMMIT;");
  EXPECT_TRUE(driver.history.empty());
}

TEST_F(MigratorTest, NonTransactionalMigrationSendsEachStatementAlone) {
  source.Add(1, "CREATE TABLE t (x int);");
  source.Add(2, "CREATE INDEX CONCURRENTLY a ON t (x);\nCREATE INDEX CONCURRENTLY b ON t (x);",
             "", false);
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_TRUE(driver.Logged("stmt CREATE INDEX CONCURRENTLY a ON t (x);"));
  EXPECT_TRUE(driver.Logged("stmt CREATE INDEX CONCURRENTLY b ON t (x);"));
  EXPECT_EQ(driver.history[2].state, MigrationState::kApplied);
  EXPECT_EQ(driver.history[2].statements_done, 2);
}

TEST_F(MigratorTest, NonTransactionalFailureMidwayBlocksLaterRunsUntilRepair) {
  source.Add(1, "CREATE INDEX CONCURRENTLY a ON t (x);\nCREATE INDEX CONCURRENTLY b ON t (y);\n"
                "CREATE INDEX CONCURRENTLY c ON t (z);",
             "", false);
  driver.fail_sql["ON t (y)"] = {"42703", 1};
  EXPECT_EQ(Up(), kExitFailed);
  ASSERT_EQ(events.failures.size(), 1u);
  EXPECT_EQ(events.failures[0].failed_statement, 2);  // statement 1 stays applied
  EXPECT_EQ(events.failures[0].sqlstate, "42703");
  EXPECT_EQ(events.failures[0].server_message, "simulated error 42703 at ON t (y)");
  EXPECT_EQ(driver.history[1].state, MigrationState::kFailed);
  EXPECT_EQ(driver.history[1].statements_done, 1);
  EXPECT_EQ(ExpectUserError([&] { return Up(); }), kExitIntegrity);
  EXPECT_NE(last_error.find("statement 2 of 3"), std::string::npos) << last_error;
  {
    Migrator m(&source, &driver, &runner, &redactor, &clock, nullptr, options);
    EXPECT_EQ(m.Repair({}), kExitOk);
  }
  EXPECT_FALSE(driver.history.count(1));
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_EQ(driver.history[1].state, MigrationState::kApplied);
}

TEST_F(MigratorTest, DownRevertsNewestFirstAndRefusesWithoutDownSection) {
  AddFive();
  ASSERT_EQ(Up(), kExitOk);
  {
    Migrator m(&source, &driver, &runner, &redactor, &clock, nullptr, options);
    EXPECT_EQ(m.Down(2), kExitOk);
  }
  EXPECT_LT(driver.IndexOf("down 5"), driver.IndexOf("down 4"));
  EXPECT_EQ(driver.history.size(), 3u);
  source.migrations[2].has_down = false;
  Migrator m(&source, &driver, &runner, &redactor, &clock, nullptr, options);
  EXPECT_EQ(ExpectUserError([&] { return m.Down(1); }), kExitUsage);
  ASSERT_TRUE(last_run_error);
  EXPECT_EQ(last_run_error->kind(), RunError::Kind::kNoDownSection);
  EXPECT_EQ(last_run_error->facts().version, 3);
  EXPECT_EQ(driver.history.size(), 3u);
}

// Issue 23 item 16, golang-migrate parity: a migration whose up does
// nothing reverts without a down section (its history row is forgotten);
// one whose up does something is still refused.
TEST_F(MigratorTest, DownOverAMigrationThatDidNothingNeedsNoDownSection) {
  source.Add(1, "CREATE TABLE t1 (id int);", "DROP TABLE t1;");
  source.Add(2, "-- kept for the numbering\n/* nothing here */\n");
  source.Add(3, "CREATE TABLE t3 (id int);", "DROP TABLE t3;");
  ASSERT_EQ(Up(), kExitOk);
  {
    Migrator m(&source, &driver, &runner, &redactor, &clock, nullptr, options);
    EXPECT_EQ(m.Down(2), kExitOk);
  }
  EXPECT_EQ(driver.history.size(), 1u);
  EXPECT_TRUE(driver.history.count(1));
  EXPECT_NE(out.str().find("Reverted 2_m2"), std::string::npos) << out.str();
  source.migrations[0].has_down = false;
  Migrator m(&source, &driver, &runner, &redactor, &clock, nullptr, options);
  EXPECT_EQ(ExpectUserError([&] { return m.Down(1); }), kExitUsage);
  EXPECT_EQ(last_run_error->kind(), RunError::Kind::kNoDownSection);
  EXPECT_EQ(driver.history.size(), 1u);
}

// One statement before the failing one "stays applied", not "stay".
TEST_F(MigratorTest, ATransactionFalseDownSaysWhatStaysApplied) {
  Migration& m = source.Add(1, "CREATE TABLE t (x int);",
                            "DROP INDEX CONCURRENTLY i;\nDROP TABLE t;");
  m.down_in_transaction = false;
  ASSERT_EQ(Up(), kExitOk);
  driver.fail_sql["DROP TABLE t"] = {"42P01"};
  Migrator migrator(&source, &driver, &runner, &redactor, &clock, nullptr, options);
  EXPECT_EQ(migrator.Down(1), kExitFailed);
  EXPECT_NE(err.str().find("(the statement before it stays applied)"), std::string::npos)
      << err.str();
}

TEST_F(MigratorTest, DryRunTakesNoLockAndWritesNothing) {
  AddFive();
  Migrator m(&source, &driver, &runner, &redactor, &clock, nullptr, options);
  EXPECT_EQ(m.Up(true), kExitOk);
  EXPECT_EQ(driver.calls["try_lock"], 0);
  EXPECT_EQ(driver.calls["create_tables"], 0);
  EXPECT_TRUE(driver.log.empty());
  EXPECT_EQ(events.dry_runs, std::vector<size_t>{5});
}

TEST_F(MigratorTest, StatusExitCodeOneWhenPending) {
  AddFive();
  Migrator m(&source, &driver, &runner, &redactor, &clock, nullptr, options);
  EXPECT_EQ(m.Status().ExitCode(true), kExitFailed);
  EXPECT_EQ(m.Status().ExitCode(false), kExitOk);
  EXPECT_EQ(driver.calls["try_lock"], 0);
}
