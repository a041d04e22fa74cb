#include "buildpack/app_config.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/exit_codes.h"

namespace {

std::string FailureOf(const std::string& yaml) {
  try {
    ParseAppConfig(yaml, "slugwright.yml");
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code());
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return "";
}

}  // namespace

TEST(AppConfigTest, ParsesAppsInOrderWithReleaseDefaults) {
  AppConfig c = ParseAppConfig(
      "release:\n"
      "  migrations: db/migrations\n"
      "  lock_timeout: 2s\n"
      "apps:\n"
      "  - match: commonwealth-frack-eu\n"
      "    procfile: procfiles/eu.Procfile\n"
      "    release:\n"
      "      lock_wait: 20m\n"
      "      transaction: all\n"
      "      on_failure: rollback-release\n"
      "      after_hook_failure: fail\n"
      "      table: audit.migrations\n"
      "      hooks:\n"
      "        before: ./check.sh\n"
      "        on_failure: [./page.sh, ./slack.sh]\n"
      "        timeout: 90s\n"
      "  - match: commonwealth-*\n"
      "    procfile: packages/commonwealth/Procfile\n",
      "slugwright.yml");
  ASSERT_EQ(2u, c.apps.size());
  const AppMapping& eu = c.apps[0];
  EXPECT_EQ(5, eu.line);
  EXPECT_EQ("db/migrations", eu.release.migrations_dir);  // from defaults
  EXPECT_DOUBLE_EQ(2, eu.release.lock_timeout_seconds);
  EXPECT_DOUBLE_EQ(1200, eu.release.lock_wait_seconds);
  EXPECT_EQ(ReleaseSettings::TransactionMode::kAll, eu.release.transaction);
  EXPECT_EQ(ReleaseSettings::OnFailure::kRollbackRelease, eu.release.on_failure);
  EXPECT_EQ(ReleaseSettings::AfterHookFailure::kFail, eu.release.after_hook_failure);
  EXPECT_EQ(ReleaseSettings::AfterHookFailure::kWarn, c.apps[1].release.after_hook_failure);
  EXPECT_EQ("audit.migrations", eu.release.table);
  EXPECT_EQ(std::vector<std::string>{"./check.sh"}, eu.release.hooks.before);
  EXPECT_EQ(2u, eu.release.hooks.on_failure.size());
  EXPECT_DOUBLE_EQ(90, eu.release.hooks.timeout_seconds);
  EXPECT_DOUBLE_EQ(600, c.apps[1].release.lock_wait_seconds);  // built-in default

  EXPECT_EQ(&c.apps[0], c.Find("commonwealth-frack-eu"));  // first match wins
  EXPECT_EQ(&c.apps[1], c.Find("commonwealth-beta"));
  EXPECT_EQ(nullptr, c.Find("discobot-listener"));
}

TEST(AppConfigTest, RejectsBadDocumentsWithLineAndExpectation) {
  struct Case {
    const char* yaml;
    const char* expected;
  } cases[] = {
      {"", "empty"},
      // A mapping that maps no app and sets nothing is as empty as no file.
      {"{}\n", "slugwright.yml: empty; expected `apps:`"},
      {"apps: []\n", "slugwright.yml: empty; expected `apps:`"},
      {"apps: [\n", "slugwright.yml:"},
      {"apps: {}\n", "`apps` must be a list of apps"},
      {"apps:\n", "`apps` must be a list of apps"},
      {"- a\n", "top level must be a mapping"},
      {"aps:\n  - match: a\n", "unknown key `aps`"},
      {"apps:\n  - match: a\n", "needs `procfile`"},
      {"apps:\n  - procfile: P\n", "needs `match`"},
      {"apps:\n  - match: a\n    procfile: [x]\n", "`procfile` must be a string"},
      {"apps:\n  - match: a\n    procfile: ../x/Procfile\n", "inside the app"},
      {"apps:\n  - match: a\n    procfile: /etc/Procfile\n", "inside the app"},
      {"apps:\n  - match: a\n    procfile: P\n    procfle: Q\n", "unknown key `procfle`"},
      {"apps:\n  - match: a\n    procfile: P\n    release:\n      lock_wait: soon\n",
       "slugwright.yml:5:18: `lock_wait`: 'soon' is not a duration"},
      {"apps:\n  - match: a\n    procfile: P\n    release:\n      transaction: some\n",
       "`per-migration` or `all`"},
      {"apps:\n  - match: a\n    procfile: P\n    release:\n      lock_retries: -1\n",
       "whole number"},
      {"apps:\n  - match: a\n    procfile: P\n    release:\n      allow_out_of_order: yes\n",
       "true or false"},
      {"apps:\n  - match: a\n    procfile: P\n    release:\n      table: x; drop table y\n",
       "`schema.name`"},
      {"apps:\n  - match: a\n    procfile: P\n    release:\n      database_url_env: $(id)\n",
       "must name a config var"},
      {"apps:\n  - match: a\n    procfile: P\n    release:\n      hooks:\n        befor: x\n",
       "unknown key `befor`"},
      {"release:\n  after_hook_failure: ignore\n", "`after_hook_failure` must be `warn` or `fail`"},
      {"release:\n  coordinate: yes\n", "`coordinate` must be `auto`, `commit` or `off`, got `yes`"},
      {"apps:\n  - match: a\n    procfile: P\n    release:\n      rollback_command: undo\n",
       "needs `command`"},
      // The undo of a tool whose history table slugwright cannot read could
      // revert an earlier release's migration: refused at build time.
      {"release:\n  on_failure: rollback-release\napps:\n  - match: a\n    procfile: P\n"
       "    release:\n      command: ./bin/migrate-all\n"
       "      rollback_command: ./bin/undo-one\n",
       "slugwright cannot tell which history table that tool writes"},
      {"release:\n  on_failure: rollback-release\n  command: npx sequelize-cli db:migrate\n",
       "needs `rollback_command:`"},
      {"release:\n  command_history: {table: SequelizeMeta}\n", "needs `command`"},
      {"release:\n  command: ./m\n  command_history: {table: \"a b\"}\n",
       "`command_history.table` must be a table or column name"},
      {"release:\n  command: ./m\n  command_history: {migrations: ../x}\n",
       "must be a path inside the app"},
      {"release:\n  command: ./m\n  command_history: {tabel: x}\n", "tabel"},
  };
  for (const Case& c : cases) {
    std::string msg = FailureOf(c.yaml);
    EXPECT_NE(std::string::npos, msg.find(c.expected))
        << c.yaml << "\n-> " << msg;
  }
}

TEST(AppConfigTest, RejectsDeepNestingBeforeParsing) {
  std::string flow = "apps: " + std::string(100000, '[');
  EXPECT_NE(std::string::npos, FailureOf(flow).find("nested more than"));
  std::string dashes = "apps:\n";
  for (int i = 0; i < 50000; ++i) dashes += "- ";
  dashes += "x\n";
  EXPECT_NE(std::string::npos, FailureOf(dashes).find("nested more than"));
  std::string indented = "apps:\n";
  for (int i = 1; i < 400; ++i)
    indented += std::string(i, ' ') + "k" + std::to_string(i) + ":\n";
  EXPECT_NE(std::string::npos, FailureOf(indented).find("nested more than"));
}

TEST(AppConfigTest, AliasBombIsRejectedNotExpanded) {
  std::string bomb =
      "a: &a [x, x, x, x, x, x, x, x, x]\n"
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
      "apps: [*f]\n";
  EXPECT_NE(std::string::npos, FailureOf(bomb).find("unknown key"));
  std::string in_hooks =
      "a: &a [x, x, x, x, x, x, x, x, x]\n"
      "apps:\n  - match: a\n    procfile: P\n    release:\n      hooks:\n"
      "        before: [*a, *a]\n";
  EXPECT_NE(std::string::npos, FailureOf(in_hooks).find("unknown key `a`"));
}

TEST(AppConfigTest, RejectsBinaryInput) {
  EXPECT_NE(std::string::npos,
            FailureOf(std::string("apps:\0\xff", 7)).find("not UTF-8"));
}

namespace {

TEST(AppConfigTest, CommandHistoryNamesTheToolsTableAndSurvivesReleaseJson) {
  AppConfig config = ParseAppConfig(
      "release:\n  command: ./bin/migrate-all\n  rollback_command: ./bin/undo-one\n"
      "  on_failure: rollback-release\n"
      "  command_history: {table: my_history, column: file, migrations: db/up}\n"
      "apps:\n  - match: a\n    procfile: P\n",
      "slugwright.yml");
  const CommandHistorySettings& h = config.apps.at(0).release.command_history;
  EXPECT_EQ(h.table, "my_history");
  EXPECT_EQ(h.column, "file");
  EXPECT_EQ(h.migrations, "db/up");
  nlohmann::json j = config.apps.at(0).release;
  ReleaseSettings back = j.get<ReleaseSettings>();
  EXPECT_EQ(back.command_history.table, "my_history");
  EXPECT_EQ(back.command_history.migrations, "db/up");
  // A release.json written before command_history existed still reads.
  j.erase("command_history");
  EXPECT_TRUE(j.get<ReleaseSettings>().command_history.table.empty());
}

}  // namespace

// Issue 23, item 15: a slugwright.yml with only `release:` (one app, or
// every app alike) was refused with "missing `apps:`".
TEST(AppConfigTest, CoordinateIsReadAndSurvivesReleaseJson) {
  AppConfig config = ParseAppConfig("release:\n  coordinate: commit\n", "slugwright.yml");
  EXPECT_EQ(ReleaseSettings::Coordinate::kCommit, config.release_defaults.coordinate);
  ReleaseSettings copy = nlohmann::json(config.release_defaults).get<ReleaseSettings>();
  EXPECT_EQ(ReleaseSettings::Coordinate::kCommit, copy.coordinate);
  EXPECT_EQ(ReleaseSettings::Coordinate::kAuto,
            ParseAppConfig("release:\n  lock_wait: 1m\n", "slugwright.yml")
                .release_defaults.coordinate);
}

TEST(AppConfigTest, ReleaseSettingsAloneAreAConfig) {
  AppConfig config = ParseAppConfig("release:\n  migrations: db/migrations\n", "slugwright.yml");
  EXPECT_TRUE(config.apps.empty());
  EXPECT_EQ("db/migrations", config.release_defaults.migrations_dir);
  EXPECT_TRUE(ParseAppConfig("release:\n  lock_wait: 1m\napps: []\n", "slugwright.yml")
                  .apps.empty());
}

TEST(AppConfigTest, PostgresVersionForTheLintRules) {
  AppConfig c = ParseAppConfig(
      "release:\n  postgres_version: 16\napps:\n  - match: a\n    procfile: P\n"
      "  - match: b\n    procfile: P\n    release:\n      postgres_version: 13\n",
      "slugwright.yml");
  EXPECT_EQ(16, c.apps[0].release.postgres_version);
  EXPECT_EQ(13, c.apps[1].release.postgres_version);
  EXPECT_EQ(0, ParseAppConfig("apps:\n  - match: a\n    procfile: P\n", "slugwright.yml")
                   .apps[0]
                   .release.postgres_version);
  // It survives the slug's release.json.
  nlohmann::json j = c.apps[0].release;
  EXPECT_EQ(16, j.get<ReleaseSettings>().postgres_version);
  EXPECT_NE(std::string::npos, FailureOf("release:\n  postgres_version: 10\n")
                                   .find("slugwright.yml:2:21: `postgres_version` is the "
                                         "server's major version, 11 or later"));
  EXPECT_NE(std::string::npos,
            FailureOf("release:\n  postgres_version: sixteen\n").find("whole number"));
}
