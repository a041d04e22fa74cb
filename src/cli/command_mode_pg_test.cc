// `command:` mode with the real sequelize-cli from npm (what Common runs:
// `npx sequelize-cli db:migrate`) on a real database: the release reads
// SequelizeMeta before and after the tool, so on_failure: rollback-release
// reverts exactly this run's migrations (and nothing older, and nothing
// at all when the run applied none), hooks get the names the table gained,
// and `migrate status` (text, --json, --exit-code) reports the tool's
// pending migrations. Skipped, saying why, where npm cannot fetch the tool.

#include <unistd.h>

#include <csignal>
#include <functional>
#include <gtest/gtest.h>
#include <string>
#include <vector>

#include "testing/npm_tools.h"
#include "testing/pg_fixture.h"
#include "testing/test_util.h"

namespace {

class CommandModePgTest : public SlugwrightPgTest {
 protected:
  void SetUp() override {
    SlugwrightPgTest::SetUp();
    std::string why;
    std::string prefix = InstallNpmTools("sequelize-cli sequelize pg", &why);
    if (prefix.empty()) GTEST_SKIP() << why;
    tmp_.Write("app/Procfile", "web: true\nrelease: slugwright release\n");
    tmp_.Write("app/migrations/.keep", "");
    ASSERT_EQ(slugwright_.RunShell("ln -s '" + prefix + "/node_modules' '" + App() +
                                   "/node_modules'").code, 0);
    std::string tool = "node_modules/.bin/sequelize-cli";
    std::string flags = " --url \"$DATABASE_URL\" --migrations-path migrations";
    tmp_.Write("app/slugwright.yml",
               "release:\n"
               "  command: " + tool + " db:migrate" + flags + "\n"
               "  rollback_command: " + tool + " db:migrate:undo" + flags + "\n"
               "  on_failure: rollback-release\n"
               "  hooks:\n"
               "    after: 'echo \"after: $SLUGWRIGHT_APPLIED_COUNT $SLUGWRIGHT_NAMES_APPLIED\"'\n"
               "    on_failure: 'echo \"failed: applied=[$SLUGWRIGHT_VERSIONS_APPLIED] "
               "reverted=[$SLUGWRIGHT_VERSIONS_REVERTED]\"'\n"
               "apps:\n  - match: '*'\n    procfile: Procfile\n");
  }
  std::string App() const { return tmp_.path() + "/app"; }
  /// Migration `n` creates table t<n> (and drops it on undo), or fails.
  void WriteSequelizeMigration(int n, bool fails = false) {
    std::string t = "t" + std::to_string(n);
    std::string up = fails ? "SELECT * FROM no_such_table" : "CREATE TABLE " + t + " (id int)";
    tmp_.Write("app/migrations/2024010100000" + std::to_string(n) + "-create-" + t + ".js",
               "module.exports = {\n  up: (qi) => qi.sequelize.query('" + up +
                   "'),\n  down: (qi) => qi.sequelize.query('DROP TABLE IF EXISTS " + t +
                   "'),\n};\n");
  }
  RunResult InApp(const std::vector<std::string>& args) {
    ProcessOptions options;
    options.cwd = App();
    options.env["HEROKU_APP_NAME"] = "command-mode-test";
    return slugwright_.StartSlugwright(args, options).Wait(180);
  }
  /// The previous release: migrations 1 and 2, applied by slugwright.
  void ReleasePrevious() {
    WriteSequelizeMigration(1);
    WriteSequelizeMigration(2);
    RunResult r = InApp({"release"});
    ASSERT_EQ(r.code, 0) << r.all();
    ASSERT_EQ(Meta(), 2);
  }
  int Meta() const { return db_.Count("SELECT count(*) FROM \"SequelizeMeta\""); }
};

TEST_F(CommandModePgTest, RollbackReleaseRevertsExactlyTheMigrationsThisRunApplied) {
  ReleasePrevious();
  for (int n = 3; n <= 7; ++n) WriteSequelizeMigration(n, n == 5);  // 3rd of 5 fails
  RunResult r = InApp({"release"});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_TRUE(Contains(r.all(), "applied 2 migrations")) << r.all();
  EXPECT_TRUE(Contains(r.all(), "Reverted 2 migrations")) << r.all();
  EXPECT_TRUE(Contains(r.all(), "failed: applied=[20240101000003 20240101000004] "
                                "reverted=[20240101000004 20240101000003]"))
      << r.all();
  EXPECT_TRUE(Contains(r.all(), "no_such_table")) << r.all();  // the tool's own error
  EXPECT_EQ(Meta(), 2);
  EXPECT_TRUE(db_.Exists("t1"));
  EXPECT_TRUE(db_.Exists("t2"));
  EXPECT_FALSE(db_.Exists("t3"));
  EXPECT_FALSE(db_.Exists("t4"));
  EXPECT_EQ(db_.MigrationLocks(true), 0);
}

// The undo ran once whatever happened: with nothing applied in this run it
// reverted the previous release's migration 2 and dropped its table.
TEST_F(CommandModePgTest, RollbackReleaseRevertsNothingWhenThisRunAppliedNothing) {
  ReleasePrevious();
  WriteSequelizeMigration(3, true);
  RunResult r = InApp({"release"});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_TRUE(Contains(r.all(), "Nothing to revert")) << r.all();
  EXPECT_FALSE(Contains(r.all(), "[rollback]")) << r.all();
  EXPECT_EQ(Meta(), 2);
  EXPECT_TRUE(db_.Exists("t2"));
}

TEST_F(CommandModePgTest, HooksAndStatusShowWhatTheToolAppliedAndHasPending) {
  RunResult before = InApp({"migrate", "status"});
  EXPECT_EQ(before.code, 0) << before.all();
  EXPECT_TRUE(Contains(before.all(), "does not exist yet")) << before.all();
  ReleasePrevious();
  for (int n = 3; n <= 5; ++n) WriteSequelizeMigration(n);

  RunResult text = InApp({"migrate", "status"});
  EXPECT_EQ(text.code, 0) << text.all();
  EXPECT_TRUE(Contains(text.all(), "[X] 20240101000001-create-t1.js  applied")) << text.all();
  EXPECT_TRUE(Contains(text.all(), "[ ] 20240101000003-create-t3.js  pending")) << text.all();
  EXPECT_TRUE(Contains(text.all(), "Applied: 2, pending: 3")) << text.all();
  EXPECT_TRUE(Contains(text.all(), "sequelize's `SequelizeMeta`")) << text.all();
  RunResult json = InApp({"migrate", "status", "--json"});
  EXPECT_EQ(json.code, 0) << json.all();
  EXPECT_TRUE(Contains(json.out, "\"pending\": 3")) << json.out;
  EXPECT_TRUE(Contains(json.out, "\"command\": ")) << json.out;
  EXPECT_EQ(InApp({"migrate", "status", "--exit-code"}).code, 1);

  RunResult release = InApp({"release"});
  EXPECT_EQ(release.code, 0) << release.all();
  EXPECT_TRUE(Contains(release.all(), "after: 3 20240101000003-create-t3.js "
                                      "20240101000004-create-t4.js 20240101000005-create-t5.js"))
      << release.all();
  EXPECT_EQ(InApp({"migrate", "status", "--exit-code"}).code, 0);
  RunResult validate = InApp({"migrate", "validate"});
  EXPECT_EQ(validate.code, 0) << validate.all();

  RunResult down = InApp({"migrate", "down", "2"});
  EXPECT_EQ(down.code, 0) << down.all();
  EXPECT_EQ(Meta(), 3);
  EXPECT_FALSE(db_.Exists("t5"));
  EXPECT_FALSE(db_.Exists("t4"));
  EXPECT_TRUE(db_.Exists("t3"));
}

// SIGTERM while the tool runs: the tool's process group is stopped, the
// lock released, slugwright exits 143 and nothing is undone.
TEST_F(CommandModePgTest, SigtermStopsTheToolAndReleasesTheLock) {
  ReleasePrevious();
  tmp_.Write("app/migrations/20240101000003-slow.js",
             "module.exports = {\n  up: (qi) => qi.sequelize.query('SELECT pg_sleep(60)'),\n"
             "  down: () => Promise.resolve(),\n};\n");
  ProcessOptions options;
  options.cwd = App();
  RunningProcess release = slugwright_.StartSlugwright({"release"}, options);
  for (int i = 0; i < 300 && db_.Count("SELECT count(*) FROM pg_stat_activity WHERE query "
                                       "LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()") == 0;
       ++i)
    usleep(100 * 1000);
  release.Signal(SIGTERM);
  RunResult r = release.Wait(60);
  EXPECT_EQ(r.code, 143) << r.all();
  EXPECT_EQ(db_.MigrationLocks(true), 0);
  EXPECT_EQ(Meta(), 2);
  EXPECT_FALSE(Contains(r.all(), "[rollback]")) << r.all();
  db_.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE "
           "'%pg_sleep(60)%' AND pid <> pg_backend_pid()");
}

}  // namespace

// Issue 23 item 2: in a monorepo the tool runs where the command cds to,
// so status reads packages/api/migrations; and where the directory cannot
// be found, pending is "unknown" and --exit-code fails with 6, never
// "pending: 0" and exit 0 with an unapplied file present.
TEST_F(CommandModePgTest, StatusOfAMonorepoCommandReadsItsPackageAndSaysWhenItCannotKnow) {
  ASSERT_EQ(slugwright_.RunShell("mkdir -p '" + App() + "/packages/api' && mv '" + App() +
                                 "/node_modules' '" + App() + "/packages/api/'").code, 0);
  std::string tool = "node_modules/.bin/sequelize-cli";
  tmp_.Write("app/slugwright.yml",
             "release:\n  command: cd packages/api && " + tool +
                 " db:migrate --url \"$DATABASE_URL\"\n"
                 "apps:\n  - match: '*'\n    procfile: Procfile\n");
  tmp_.Write("app/packages/api/migrations/20240101000001-create-t1.js",
             "module.exports = { up: (qi) => qi.sequelize.query('CREATE TABLE t1 (id int)'), "
             "down: (qi) => qi.sequelize.query('DROP TABLE t1') };\n");
  RunResult release = InApp({"release"});
  ASSERT_EQ(release.code, 0) << release.all();
  ASSERT_EQ(Meta(), 1);
  tmp_.Write("app/packages/api/migrations/20240101000002-create-t2.js",
             "module.exports = { up: (qi) => qi.sequelize.query('CREATE TABLE t2 (id int)'), "
             "down: (qi) => qi.sequelize.query('DROP TABLE t2') };\n");
  RunResult status = InApp({"migrate", "status", "--exit-code"});
  EXPECT_EQ(status.code, 1) << status.all();
  EXPECT_TRUE(Contains(status.all(), "Applied: 1, pending: 1")) << status.all();
  EXPECT_TRUE(Contains(status.all(), "[ ] 20240101000002-create-t2.js  pending")) << status.all();

  // A .sequelizerc elsewhere, say: the directory slugwright infers is gone.
  ASSERT_EQ(slugwright_.RunShell("mv '" + App() + "/packages/api/migrations' '" + App() +
                                 "/packages/api/db'").code, 0);
  RunResult unknown = InApp({"migrate", "status", "--exit-code"});
  EXPECT_EQ(unknown.code, 6) << unknown.all();
  EXPECT_TRUE(Contains(unknown.all(), "pending: unknown")) << unknown.all();
  EXPECT_TRUE(Contains(unknown.all(), "command_history.migrations")) << unknown.all();
  RunResult json = InApp({"migrate", "status", "--json"});
  EXPECT_EQ(json.code, 0) << json.all();
  EXPECT_TRUE(Contains(json.out, "\"pending\": \"unknown\"")) << json.out;
  EXPECT_TRUE(Contains(json.out, "\"tool\": \"sequelize\"")) << json.out;
  EXPECT_TRUE(Contains(json.out, "\"table\": \"SequelizeMeta\"")) << json.out;
}

// Issue 26 item 1: with every file recorded in SequelizeMeta the release
// does not start Node and sequelize-cli, says so, and still runs the
// hooks; a single unrecorded file starts the tool, which applies it.
TEST_F(CommandModePgTest, NothingPendingLeavesTheToolUnstartedAndOneNewFileStartsIt) {
  ReleasePrevious();
  RunResult noop = InApp({"release"});
  EXPECT_EQ(noop.code, 0) << noop.all();
  EXPECT_TRUE(Contains(noop.all(), "Nothing pending for sequelize: 2 of 2 files in migrations "
                                   "recorded in SequelizeMeta;"))
      << noop.all();
  EXPECT_TRUE(Contains(noop.all(), "not started")) << noop.all();
  EXPECT_FALSE(Contains(noop.all(), "Sequelize CLI [")) << noop.all();  // the tool's banner
  EXPECT_TRUE(Contains(noop.all(), "after: 0")) << noop.all();          // the hook still ran

  WriteSequelizeMigration(3);
  RunResult one = InApp({"release"});
  EXPECT_EQ(one.code, 0) << one.all();
  EXPECT_TRUE(Contains(one.all(), "Sequelize CLI [")) << one.all();
  EXPECT_EQ(Meta(), 3);
  EXPECT_TRUE(db_.Exists("t3"));
}

// Issue 26 item 1 for the other tools' naming rules, with the real tools:
// knex records a file's name with its extension, node-pg-migrate without.
// With every file recorded the tool is not started; one unrecorded file
// starts it, and it applies that file.
class CommandSkipPgTest : public SlugwrightPgTest {
 protected:
  /// Installs `packages`, links them into the app and writes its settings
  /// with `command`; false (the test skips) when npm cannot install them.
  bool App(const std::string& packages, const std::string& command, std::string* why) {
    std::string prefix = InstallNpmTools(packages, why);
    if (prefix.empty()) return false;
    tmp_.Write("app/migrations/.keep", "");
    EXPECT_EQ(slugwright_.RunShell("ln -s '" + prefix + "/node_modules' '" + tmp_.path() +
                                   "/app/node_modules'").code, 0);
    tmp_.Write("app/slugwright.yml", "release:\n  command: " + command + "\n");
    return true;
  }
  RunResult Release() {
    ProcessOptions options;
    options.cwd = tmp_.path() + "/app";
    options.env["HEROKU_APP_NAME"] = "command-skip-test";
    return slugwright_.StartSlugwright({"release"}, options).Wait(180);
  }
  /// Three releases: two migrations (the tool runs), nothing new (the tool
  /// is not started), one new migration (the tool runs and applies it).
  /// `write(n)` writes migration n, creating table t<n>; `ran` is what the
  /// tool prints whenever it starts.
  void ExpectSkippedOnlyWhileNothingIsPending(const std::function<void(int)>& write,
                                              const std::string& table,
                                              const std::string& said, const std::string& ran) {
    write(1);
    write(2);
    RunResult first = Release();
    ASSERT_EQ(first.code, 0) << first.all();
    ASSERT_EQ(db_.Count("SELECT count(*) FROM " + table), 2);

    RunResult noop = Release();
    EXPECT_EQ(noop.code, 0) << noop.all();
    EXPECT_TRUE(Contains(noop.all(), said)) << noop.all();
    EXPECT_TRUE(Contains(noop.all(), "not started")) << noop.all();
    EXPECT_FALSE(Contains(noop.all(), ran)) << noop.all();

    write(3);
    RunResult one = Release();
    EXPECT_EQ(one.code, 0) << one.all();
    EXPECT_TRUE(Contains(one.all(), ran)) << one.all();
    EXPECT_EQ(db_.Count("SELECT count(*) FROM " + table), 3);
    EXPECT_TRUE(db_.Exists("t3"));
  }
};

// With `--knexfile`, the knexfile may name another directory and table, so
// the tool is started, saying why and what to set; with command_history
// naming both, it is skipped while every file is recorded.
TEST_F(CommandSkipPgTest, RealKnexIsNotStartedWhileEveryFileIsRecorded) {
  std::string why;
  if (!App("knex pg", "node_modules/.bin/knex migrate:latest --knexfile knexfile.js", &why))
    GTEST_SKIP() << why;
  tmp_.Write("app/knexfile.js",
             "module.exports = { client: 'pg', connection: process.env.DATABASE_URL, "
             "migrations: { directory: './migrations' } };\n");
  tmp_.Write("app/migrations/20240101000000_create_t0.js",
             "exports.up = (knex) => knex.raw('CREATE TABLE t0 (id int)');\n"
             "exports.down = (knex) => knex.raw('DROP TABLE t0');\n");
  ASSERT_EQ(Release().code, 0);
  RunResult started = Release();
  EXPECT_EQ(started.code, 0) << started.all();
  EXPECT_TRUE(Contains(started.all(), "`--knexfile` may point it at another directory or table; "
                                      "name both with command_history.migrations and "
                                      "command_history.table"))
      << started.all();
  EXPECT_TRUE(Contains(started.all(), "Already up to date")) << started.all();
  db_.Exec("DELETE FROM knex_migrations; DROP TABLE t0");
  ::unlink((tmp_.path() + "/app/migrations/20240101000000_create_t0.js").c_str());

  tmp_.Write("app/slugwright.yml",
             "release:\n  command: node_modules/.bin/knex migrate:latest --knexfile knexfile.js\n"
             "  command_history:\n    table: knex_migrations\n    migrations: migrations\n");
  ExpectSkippedOnlyWhileNothingIsPending(
      [this](int n) {
        std::string t = "t" + std::to_string(n);
        tmp_.Write("app/migrations/2024010100000" + std::to_string(n) + "_create_" + t + ".js",
                   "exports.up = (knex) => knex.raw('CREATE TABLE " + t +
                       " (id int)');\nexports.down = (knex) => knex.raw('DROP TABLE " + t +
                       "');\n");
      },
      "knex_migrations",
      "Nothing pending for `node_modules/.bin/knex migrate:latest --knexfile knexfile.js`: 2 of "
      "2 files in migrations recorded in knex_migrations;",
      "Batch ");
}

TEST_F(CommandSkipPgTest, RealNodePgMigrateIsNotStartedWhileEveryFileIsRecorded) {
  std::string why;
  if (!App("node-pg-migrate pg", "node_modules/.bin/node-pg-migrate up -m migrations", &why))
    GTEST_SKIP() << why;
  ExpectSkippedOnlyWhileNothingIsPending(
      [this](int n) {
        std::string t = "t" + std::to_string(n);
        tmp_.Write("app/migrations/2024010100000" + std::to_string(n) + "_create-" + t + ".sql",
                   "-- Up Migration\nCREATE TABLE " + t + " (id int);\n-- Down Migration\n"
                   "DROP TABLE " + t + ";\n");
      },
      "pgmigrations", "Nothing pending for node-pg-migrate: 2 of 2 files in migrations "
      "recorded in pgmigrations;", "Migrating files");
}
