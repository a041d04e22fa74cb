#include "buildpack/procfile_selector.h"

#include <gtest/gtest.h>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"

namespace {

class ProcfileSelectorTest : public testing::Test {
 protected:
  Selection Select(const ConfigVars& vars, const std::string& app = "") {
    return ProcfileSelector(&disk_, app_.path()).Select(vars, app);
  }
  std::string FailureOf(const ConfigVars& vars, const std::string& app = "") {
    try {
      Select(vars, app);
    } catch (const UserError& e) {
      EXPECT_EQ(kExitUsage, e.code());
      return e.what();
    }
    ADD_FAILURE() << "selection succeeded";
    return "";
  }

  RealDiskInterface disk_;
  ScopedTempDir app_;
};

const char kMapping[] =
    "release:\n"
    "  migrations: db/migrations\n"
    "apps:\n"
    "  - match: web-eu\n"
    "    procfile: procfiles/eu.Procfile\n"
    "    release:\n"
    "      lock_wait: 1m\n"
    "  - match: web-*\n"
    "    procfile: packages/web/Procfile\n";

}  // namespace

TEST_F(ProcfileSelectorTest, ProcfileVarLikeMultiProcfileBuildpack) {
  app_.Write("web/Procfile", "web: node web.js\n");
  app_.Write("web/app.json", "{}\n");
  app_.Write("workers/Procfile.workers", "worker: node w.js\r\n");
  app_.Write("shared/Procfile.clock", "clock: node c.js");
  Selection s = Select({{"PROCFILE", "./web/Procfile\n"},
                        {"PROCFILE_APPEND", "workers/Procfile.workers, shared/Procfile.clock,"}});
  EXPECT_EQ(Selection::Rule::kProcfileVar, s.rule);
  EXPECT_EQ("web/Procfile", s.procfile);
  EXPECT_EQ((std::vector<std::string>{"workers/Procfile.workers", "shared/Procfile.clock"}),
            s.appended);
  EXPECT_EQ("web/app.json", s.app_json);
  EXPECT_EQ(
      "web: node web.js\n"
      "# Contents of workers/Procfile.workers appended below:\n"
      "worker: node w.js\r\n"
      "# Contents of shared/Procfile.clock appended below:\n"
      "clock: node c.js",
      s.contents);
  ASSERT_EQ(3u, s.parsed.processes.size());
  EXPECT_EQ("clock", s.parsed.processes[2].name);
}

TEST_F(ProcfileSelectorTest, ProcfileVarMistakesFailTheBuild) {
  app_.Write("web/Procfile", "web: a\n");
  app_.Write("dir/Procfile/x", "");
  app_.Symlink("/etc/hostname", "outside.Procfile");
  app_.Symlink("loop-b", "loop-a");
  app_.Symlink("loop-a", "loop-b");
  app_.Write("bad/Procfile", "web: a\nworker b\n");
  struct Case {
    const char* procfile;
    const char* expected;
  } cases[] = {
      {"web/Procfil", "PROCFILE `web/Procfil` does not exist"},
      {"dir/Procfile", "is a directory"},
      {"../Procfile", "points outside the app"},
      {"web/../../x/Procfile", "points outside the app"},
      {"/etc/passwd", "is an absolute path"},
      {"outside.Procfile", "leads outside the app"},
      {"loop-a", "leads nowhere"},
      {"bad/Procfile", "bad/Procfile:2: `worker b`: no `:` after the process type"},
  };
  for (const Case& c : cases) {
    std::string msg = FailureOf({{"PROCFILE", c.procfile}});
    EXPECT_NE(std::string::npos, msg.find(c.expected)) << c.procfile << " -> " << msg;
  }
  EXPECT_NE(std::string::npos,
            FailureOf({{"PROCFILE", "web/Procfile"}, {"PROCFILE_APPEND", "nope"}})
                .find("PROCFILE_APPEND file `nope` does not exist"));
  // PROCFILE_APPEND alone would drop its types without a word.
  std::string alone = FailureOf({{"PROCFILE_APPEND", "web/Procfile"}});
  EXPECT_NE(std::string::npos, alone.find("PROCFILE_APPEND is set (web/Procfile) but PROCFILE is not"))
      << alone;
  EXPECT_NE(std::string::npos, alone.find("heroku config:set PROCFILE=")) << alone;
}

TEST_F(ProcfileSelectorTest, AppendedDuplicateNamesBothFiles) {
  app_.Write("web/Procfile", "web: a\nworker: b\n");
  app_.Write("more/Procfile", "# extra\nworker: c\n");
  std::string msg =
      FailureOf({{"PROCFILE", "web/Procfile"}, {"PROCFILE_APPEND", "more/Procfile"}});
  EXPECT_NE(std::string::npos,
            msg.find("more/Procfile:2: process type `worker` is already defined in "
                     "web/Procfile:2"))
      << msg;
}

TEST_F(ProcfileSelectorTest, MappingFirstMatchWinsAndCarriesReleaseSettings) {
  app_.Write("slugwright.yml", kMapping);
  app_.Write("procfiles/eu.Procfile", "web: eu\n");
  app_.Write("packages/web/Procfile", "web: global\n");
  Selection eu = Select({{"HEROKU_APP_NAME", "web-eu"}});
  EXPECT_EQ(Selection::Rule::kMapping, eu.rule);
  EXPECT_EQ("procfiles/eu.Procfile", eu.procfile);
  EXPECT_EQ("HEROKU_APP_NAME", eu.app_name_source);
  EXPECT_DOUBLE_EQ(60, eu.release.lock_wait_seconds);
  EXPECT_EQ("db/migrations", eu.release.migrations_dir);
  EXPECT_NE(std::string::npos, eu.reason.find("line 4"));

  Selection us = Select({{"HEROKU_APP_NAME", "web-eu"}, {"SLUGWRIGHT_APP", "web-us"}});
  EXPECT_EQ("packages/web/Procfile", us.procfile);
  EXPECT_EQ("SLUGWRIGHT_APP", us.app_name_source);
  EXPECT_DOUBLE_EQ(600, us.release.lock_wait_seconds);

  Selection forced = Select({{"SLUGWRIGHT_APP", "web-us"}}, "web-eu");
  EXPECT_EQ("procfiles/eu.Procfile", forced.procfile);
  EXPECT_EQ("--app", forced.app_name_source);
}

TEST_F(ProcfileSelectorTest, ProcfileVarBeatsMappingWithANote) {
  app_.Write("slugwright.yml", kMapping);
  app_.Write("procfiles/eu.Procfile", "web: eu\n");
  app_.Write("legacy/Procfile", "web: legacy\n");
  Selection s = Select({{"SLUGWRIGHT_APP", "web-eu"}, {"PROCFILE", "legacy/Procfile"}});
  EXPECT_EQ(Selection::Rule::kProcfileVar, s.rule);
  ASSERT_EQ(1u, s.notes.size());
  EXPECT_NE(std::string::npos, s.notes[0].find("overrides slugwright.yml"));
  EXPECT_DOUBLE_EQ(60, s.release.lock_wait_seconds);  // still the app's settings
}

TEST_F(ProcfileSelectorTest, ConventionThenRootProcfile) {
  app_.Write("slugwright.yml", kMapping);
  app_.Write("procfiles/bot.Procfile", "worker: bot\n");
  app_.Write("Procfile", "web: root\n");
  Selection bot = Select({}, "bot");
  EXPECT_EQ(Selection::Rule::kConvention, bot.rule);
  EXPECT_EQ("procfiles/bot.Procfile", bot.procfile);
  EXPECT_NE(std::string::npos, bot.reason.find("no entry matching `bot`"));

  Selection other = Select({}, "other");
  EXPECT_EQ(Selection::Rule::kRootProcfile, other.rule);
  EXPECT_NE(std::string::npos, other.reason.find("there is no procfiles/other.Procfile"));

  Selection unnamed = Select({});
  EXPECT_EQ(Selection::Rule::kRootProcfile, unnamed.rule);
  EXPECT_NE(std::string::npos, unnamed.reason.find("no app name"));
}

TEST_F(ProcfileSelectorTest, ABrokenConventionalProcfileFailsRatherThanFallingThrough) {
  app_.Write("procfiles/bot.Procfile", "worker: a\nworker: b\n");
  app_.Write("Procfile", "web: root\n");
  EXPECT_NE(std::string::npos,
            FailureOf({}, "bot").find("procfiles/bot.Procfile:2: `worker: b`"));
}

TEST_F(ProcfileSelectorTest, NothingToSelectListsProcfilesAndTheConfigVarToSet) {
  app_.Write("packages/api/Procfile", "web: api\n");
  app_.Write("packages/bot/Procfile", "worker: bot\n");
  app_.Write("node_modules/dep/Procfile", "web: dep\n");
  std::string msg = FailureOf({}, "my-app");
  EXPECT_NE(std::string::npos, msg.find("  packages/api/Procfile\n  packages/bot/Procfile"))
      << msg;
  EXPECT_EQ(std::string::npos, msg.find("node_modules"));
  EXPECT_NE(std::string::npos,
            msg.find("heroku config:set PROCFILE=packages/api/Procfile -a my-app"));
}

TEST_F(ProcfileSelectorTest, RejectsAppNamesThatAreNotNames) {
  app_.Write("Procfile", "web: root\n");
  EXPECT_NE(std::string::npos,
            FailureOf({{"SLUGWRIGHT_APP", "../../etc"}}).find("not a valid Heroku app name"));
}

TEST_F(ProcfileSelectorTest, BrokenMappingIsReported) {
  app_.Write("slugwright.yml", "apps:\n  - match: a\n    procfile: P\n    extra: 1\n");
  app_.Write("Procfile", "web: root\n");
  EXPECT_NE(std::string::npos,
            FailureOf({}, "a").find("slugwright.yml:4:5: unknown key `extra`"));
}

// Issue 23, item 6: HEROKU_APP_NAME is dyno metadata; a build that selects
// by it says it may be absent on Heroku.
TEST_F(ProcfileSelectorTest, SelectingByHerokuAppNameSaysABuildMayNotHaveIt) {
  app_.Write("slugwright.yml", kMapping);
  app_.Write("procfiles/eu.Procfile", "web: eu\n");
  Selection s = Select({{"HEROKU_APP_NAME", "web-eu"}});
  ASSERT_EQ(1u, s.notes.size());
  EXPECT_NE(std::string::npos, s.notes[0].find("only inside running dynos")) << s.notes[0];
  EXPECT_NE(std::string::npos, s.notes[0].find("heroku config:set SLUGWRIGHT_APP=web-eu"));
  EXPECT_TRUE(Select({{"SLUGWRIGHT_APP", "web-eu"}}).notes.empty());
}

// Issue 23, item 13: a mistyped app got the right did-you-mean, then
// `PROCFILE=<the first file in the list>`; no app name suggested PROCFILE
// rather than SLUGWRIGHT_APP.
TEST_F(ProcfileSelectorTest, AMistypedOrMissingAppNameIsFixedByNamingTheApp) {
  app_.Write("slugwright.yml",
             "apps:\n  - match: commonwealth-beta\n    procfile: packages/cw/Procfile\n"
             "  - match: discobot-*\n    procfile: packages/bot/Procfile\n");
  app_.Write("packages/api/Procfile", "web: api\n");
  app_.Write("packages/cw/Procfile", "web: cw\n");
  app_.Write("packages/bot/Procfile", "worker: bot\n");
  std::string msg = FailureOf({{"SLUGWRIGHT_APP", "commonwealth-btea"}});
  EXPECT_NE(std::string::npos, msg.find("did you mean app `commonwealth-beta`?")) << msg;
  EXPECT_NE(std::string::npos,
            msg.find("heroku config:set SLUGWRIGHT_APP=commonwealth-beta -a YOUR-APP"))
      << msg;
  EXPECT_NE(std::string::npos, msg.find("PROCFILE=packages/cw/Procfile")) << msg;
  EXPECT_EQ(std::string::npos, msg.find("PROCFILE=packages/api/Procfile")) << msg;

  msg = FailureOf({});
  EXPECT_NE(std::string::npos, msg.find("(set the config var SLUGWRIGHT_APP)")) << msg;
  EXPECT_NE(std::string::npos,
            msg.find("Name the app with: heroku config:set SLUGWRIGHT_APP=commonwealth-beta"))
      << msg;
  EXPECT_LT(msg.find("SLUGWRIGHT_APP="), msg.find("PROCFILE=")) << msg;
}

// Issue 23, item 15: `match: "*"` applies to every app, one without a name
// too.
TEST_F(ProcfileSelectorTest, AStarEntryAppliesWithoutAnAppName) {
  app_.Write("slugwright.yml", "apps:\n  - match: \"*\"\n    procfile: packages/web/Procfile\n");
  app_.Write("packages/web/Procfile", "web: all\n");
  Selection s = Select({});
  EXPECT_EQ(Selection::Rule::kMapping, s.rule);
  EXPECT_EQ("packages/web/Procfile", s.procfile);
  EXPECT_NE(std::string::npos, s.reason.find("matches every app")) << s.reason;
}

// Issue 23, item 5: `slugwright select` reads as bin/compile does.
TEST_F(ProcfileSelectorTest, ReadsProcfilesAsThePlatformGiven) {
  app_.Write("Procfile", "web: a\njob_runner: b\n");
  EXPECT_EQ("job_runner", Select({}).parsed.processes[1].name);
  EXPECT_EQ("job-runner", ProcfileSelector(&disk_, app_.path(), ProcfilePlatform::kFir)
                              .Select({}, "")
                              .parsed.processes[1]
                              .name);
  EXPECT_THROW(ProcfileSelector(&disk_, app_.path(), ProcfilePlatform::kBoth).Select({}, ""),
               UserError);
}
