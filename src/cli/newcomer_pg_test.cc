// The command-line habits of issue 16 against a real server: `status
// --exit-code` as a post-deploy check (5 for "cannot connect"), a blank
// `migrate new` template, `migrate wait` / `--wait`, and the JSON log
// (--log-format json) parsed line by line.

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "testing/pg_fixture.h"

namespace {

const char kClosedUrl[] = "postgres://app:closed-pw@127.0.0.1:1/app";

class NewcomerTest : public SlugwrightPgTest {
 protected:
  void SetUp() override {
    SlugwrightPgTest::SetUp();
    slugwright_.env()["HEROKU_APP_NAME"] = "commonwealth-test";
  }
  void WriteTwo() {
    WriteMigration("1_create_a.sql", "-- migrate:up\nCREATE TABLE a (id int);\n");
    WriteMigration("2_create_b.sql", "-- migrate:up\nCREATE TABLE b (id int);\n");
  }
  /// The events of a JSON log, each line parsed on its own.
  std::vector<nlohmann::json> Events(const std::string& err) {
    std::vector<nlohmann::json> events;
    std::istringstream in(err);
    for (std::string line; std::getline(in, line);) {
      nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      EXPECT_FALSE(j.is_discarded()) << "not JSON: " << line;
      events.push_back(j);
    }
    return events;
  }
  std::set<std::string> Names(const std::vector<nlohmann::json>& events) {
    std::set<std::string> names;
    for (const auto& e : events) names.insert(e.value("event", ""));
    return names;
  }
};

}  // namespace

TEST_F(NewcomerTest, StatusExitCodeIsAPostDeployCheck) {
  WriteTwo();
  RunResult pending = Run({"migrate", "status", "--dir", Dir(), "--exit-code"});
  EXPECT_EQ(pending.code, 1) << pending.all();
  EXPECT_NE(pending.err.find("2 migrations pending on"), std::string::npos) << pending.err;
  EXPECT_NE(pending.err.find("heroku releases:retry -a commonwealth-test"), std::string::npos)
      << pending.err;

  ASSERT_EQ(Run(Up()).code, 0);
  RunResult clean = Run({"migrate", "status", "--dir", Dir(), "--exit-code"});
  EXPECT_EQ(clean.code, 0) << clean.all();
  EXPECT_EQ(clean.err.find("releases:retry"), std::string::npos) << clean.err;

  RunResult unreachable = Run({"migrate", "status", "--dir", Dir(), "--exit-code"},
                              {{"DATABASE_URL", kClosedUrl}});
  EXPECT_EQ(unreachable.code, 5) << unreachable.all();
  EXPECT_EQ(unreachable.all().find("closed-pw"), std::string::npos);
  RunResult json = Run({"migrate", "status", "--dir", Dir(), "--exit-code", "--json"},
                       {{"DATABASE_URL", kClosedUrl}});
  EXPECT_EQ(json.code, 5);
  EXPECT_EQ(nlohmann::json::parse(json.out)["exit_code"], 5) << json.out;
  RunResult without = Run({"migrate", "status", "--dir", Dir()}, {{"DATABASE_URL", kClosedUrl}});
  EXPECT_EQ(without.code, 1) << without.all();  // unchanged without --exit-code
}

TEST_F(NewcomerTest, BlankTemplateIsPendingAndEmptyAndUpRefusesIt) {
  WriteTwo();
  ASSERT_EQ(Run({"migrate", "new", "--dir", Dir(), "add_c"}).code, 0);
  RunResult status = Run({"migrate", "status", "--dir", Dir()});
  EXPECT_EQ(status.code, 0) << status.all();
  EXPECT_NE(status.out.find("_add_c  pending  empty"), std::string::npos) << status.out;
  RunResult json = Run({"migrate", "status", "--dir", Dir(), "--json"});
  ASSERT_EQ(json.code, 0) << json.all();
  nlohmann::json j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j["migrations"][2]["empty"], true) << json.out;
  EXPECT_EQ(j["migrations"][2]["state"], "pending");

  RunResult up = Run(Up());
  EXPECT_EQ(up.code, 2) << up.all();
  EXPECT_NE(up.err.find("_add_c.sql:1: the up section holds no SQL statement"),
            std::string::npos)
      << up.err;
  EXPECT_FALSE(db_.Exists("a"));  // nothing applied
}

TEST_F(NewcomerTest, WaitPollsUntilTheTimeoutAndUpWaitsFirst) {
  RunResult ready = Run({"migrate", "wait", "--timeout", "5s"});
  EXPECT_EQ(ready.code, 0) << ready.all();
  EXPECT_NE(ready.out.find("accepts connections"), std::string::npos) << ready.out;

  RunResult closed = Run({"migrate", "wait", "--timeout", "2s"}, {{"DATABASE_URL", kClosedUrl}});
  EXPECT_EQ(closed.code, 5) << closed.all();
  EXPECT_GE(closed.seconds, 1.8);
  EXPECT_LT(closed.seconds, 10);
  EXPECT_NE(closed.err.find("did not accept a connection within 2.0s"), std::string::npos)
      << closed.err;

  RunningProcess waiting =
      Start({"migrate", "wait", "--timeout", "60s"}, {{"DATABASE_URL", kClosedUrl}});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  waiting.Signal(SIGTERM);
  RunResult terminated = waiting.Wait(20);
  EXPECT_EQ(terminated.code, 143) << terminated.all();
  EXPECT_LT(terminated.seconds, 10);

  WriteTwo();
  RunResult up = Run(Up({"--wait", "--wait-timeout", "5s"}));
  EXPECT_EQ(up.code, 0) << up.all();
  EXPECT_TRUE(db_.Exists("b"));
}

TEST_F(NewcomerTest, JsonLogHasOneObjectPerEventLine) {
  WriteTwo();
  RunResult up = Run(Up({"--log-format", "json"}));
  ASSERT_EQ(up.code, 0) << up.all();
  EXPECT_EQ(up.out, "");  // the log is on stderr
  std::vector<nlohmann::json> events = Events(up.err);
  std::set<std::string> names = Names(events);
  for (const char* name : {"command_started", "lock_acquired", "run_started", "migration_started",
                           "migration_applied", "run_succeeded", "outcome"})
    EXPECT_TRUE(names.count(name)) << name << "\n" << up.err;
  for (const auto& e : events) {
    EXPECT_TRUE(e.contains("time")) << e;
    EXPECT_TRUE(e.contains("level")) << e;
    if (e["event"] == "migration_applied") {
      EXPECT_TRUE(e["duration_ms"].is_number()) << e;
    }
  }
  // And as a log drain reads it: python3, line by line.
  std::string path = tmp_.path() + "/log.jsonl";
  std::ofstream(path) << up.err;
  EXPECT_EQ(std::system(("python3 -c 'import json,sys\nfor l in open(sys.argv[1]): "
                         "json.loads(l)' " + path).c_str()),
            0);

  WriteMigration("3_broken.sql", "-- migrate:up\nSELECT missing FROM nowhere;\n");
  RunResult failed = Run(Up(), {{"SLUGWRIGHT_LOG_FORMAT", "json"}});
  EXPECT_EQ(failed.code, 1) << failed.all();
  std::set<std::string> failure = Names(Events(failed.err));
  for (const char* name : {"migration_failed", "run_failed", "outcome", "error"})
    EXPECT_TRUE(failure.count(name)) << name << "\n" << failed.err;

  RunResult human = Run(Up());
  EXPECT_EQ(human.err.find("{\""), std::string::npos) << human.err;  // default stays human
}

TEST_F(NewcomerTest, ALongMigrationReportsProgress) {
  WriteMigration("1_slow.sql", "-- migrate:up\nSELECT pg_sleep(3);\n");
  RunResult slow = Run(Up(), {{"SLUGWRIGHT_PROGRESS_INTERVAL", "1"}});
  ASSERT_EQ(slow.code, 0) << slow.all();
  EXPECT_NE(slow.out.find("       1_slow running for 1."), std::string::npos) << slow.out;
  EXPECT_NE(slow.out.find("       1_slow running for 2."), std::string::npos) << slow.out;

  WriteMigration("2_steps.sql",
                 "-- migrate:up transaction:false\nSELECT 1;\nSELECT pg_sleep(2.5);\n");
  RunResult steps = Run(Up({"--log-format", "json"}), {{"SLUGWRIGHT_PROGRESS_INTERVAL", "1"}});
  ASSERT_EQ(steps.code, 0) << steps.all();
  bool saw = false;
  for (const auto& e : Events(steps.err))
    if (e["event"] == "progress" && e.value("statement", 0) == 2 &&
        e.value("statements_total", 0) == 2)
      saw = true;
  EXPECT_TRUE(saw) << steps.err;

  // Waiting on a lock: says who holds it.
  db_.Exec("CREATE TABLE held (id int)");
  std::unique_ptr<SqlSession> blocker = db_.Connect("?application_name=blocker");
  blocker->Query("BEGIN; LOCK TABLE held IN ACCESS EXCLUSIVE MODE;");
  WriteMigration("3_alter.sql", "-- migrate:up\nALTER TABLE held ADD COLUMN c int;\n");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    blocker->Query("COMMIT");
  });
  RunResult waiting =
      Run(Up({"--lock-timeout", "20s"}), {{"SLUGWRIGHT_PROGRESS_INTERVAL", "1"}});
  release.join();
  ASSERT_EQ(waiting.code, 0) << waiting.all();
  EXPECT_NE(waiting.out.find("waiting for a lock held by pid "), std::string::npos) << waiting.out;
  EXPECT_NE(waiting.out.find("(blocker, idle in transaction)"), std::string::npos) << waiting.out;
}

// Issue 23 item 14: `validate` that finds a changed applied file does not
// first say the files "are valid", and every line of the multi-line error
// keeps Heroku's ` !     ` prefix.
TEST_F(NewcomerTest, ValidateOfAChangedFileSaysWhatItCheckedAndPrefixesEveryErrorLine) {
  WriteTwo();
  ASSERT_EQ(Run(Up()).code, 0);
  WriteMigration("1_create_a.sql", "-- migrate:up\nCREATE TABLE a (id bigint);\n");
  RunResult r = Run({"migrate", "validate", "--dir", Dir()});
  EXPECT_EQ(r.code, 4) << r.all();
  EXPECT_EQ(r.all().find("are valid"), std::string::npos) << r.all();
  EXPECT_NE(r.out.find("Checked 2 migration files"), std::string::npos) << r.out;
  std::istringstream err(r.err);
  int lines = 0;
  for (std::string line; std::getline(err, line); ++lines)
    EXPECT_EQ(line.rfind(" !     ", 0), 0u) << "unprefixed: " << line << "\n" << r.err;
  EXPECT_GE(lines, 2) << r.err;
}

// Issue 23 item 12, on a real server: lock_timeout ends the retries, and
// the failure names the session that holds the table (pid, application,
// state, its query), as the wait message does.
TEST_F(NewcomerTest, LockTimeoutNamesTheBlockingSession) {
  db_.Exec("CREATE TABLE busy (id int)");
  std::unique_ptr<SqlSession> blocker = db_.Connect("?application_name=report-job");
  int pid = std::stoi(blocker->Query("SELECT pg_backend_pid()").at(0).at(0));
  blocker->Query("BEGIN; SELECT count(*) FROM busy;");
  WriteMigration("1_alter.sql", "-- migrate:up\nALTER TABLE busy ADD COLUMN c int;\n");
  RunResult r = Run(Up({"--lock-timeout", "200ms", "--lock-retries", "1"}));
  blocker->Query("COMMIT");
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_NE(r.err.find("It waited for pid " + std::to_string(pid) +
                       " (report-job, idle in transaction since "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("which holds AccessShareLock on busy; its query: BEGIN; SELECT count(*) FROM busy;"),
            std::string::npos)
      << r.err;
}
