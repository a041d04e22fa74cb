// The steps both simulations share: the release dyno's config vars, the
// release database's choice, the app copy.
#include "buildpack/simulate_steps.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "base/build_output.h"
#include "testing/test_util.h"

namespace {

std::map<std::string, std::string> Vars(const SimulateOptions& options,
                                        const std::map<std::string, std::string>& vars,
                                        const std::string& url) {
  std::ostringstream text;
  BuildOutput out(text);
  return simulate_steps::ReleaseConfigVars(options, vars, url, out);
}

}  // namespace

TEST(SimulateStepsTest, ReleaseConfigVarsAreThoseOfAReleaseDyno) {
  unsetenv("HEROKU_RELEASE_VERSION");
  SimulateOptions options;
  auto vars = Vars(options, {{"HEROKU_APP_NAME", "beta"}}, "postgres://h/db");
  EXPECT_EQ("beta", vars["HEROKU_APP_NAME"]);
  EXPECT_EQ("postgres://h/db", vars["DATABASE_URL"]);
  EXPECT_EQ("v1", vars["HEROKU_RELEASE_VERSION"]);
  EXPECT_EQ("release.1", vars["DYNO"]);
  // A given version and the config var's DATABASE_URL stay.
  vars = Vars(options, {{"HEROKU_RELEASE_VERSION", "v7"}, {"DATABASE_URL", "postgres://own"}}, "");
  EXPECT_EQ("v7", vars["HEROKU_RELEASE_VERSION"]);
  EXPECT_EQ("postgres://own", vars["DATABASE_URL"]);
}

TEST(SimulateStepsTest, APromotionReleasesOnTheOtherApp) {
  SimulateOptions options;
  options.promote_to = "frick";
  auto vars = Vars(options, {{"HEROKU_APP_NAME", "beta"}, {"SLUGWRIGHT_APP", "beta"}}, "");
  EXPECT_EQ("frick", vars["HEROKU_APP_NAME"]);
  EXPECT_EQ("frick", vars["SLUGWRIGHT_APP"]);
  vars = Vars(options, {{"HEROKU_APP_NAME", "beta"}}, "");
  EXPECT_EQ(0u, vars.count("SLUGWRIGHT_APP"));
}

TEST(SimulateStepsTest, AGivenOrConfiguredDatabaseStartsNoCluster) {
  std::ostringstream text;
  BuildOutput out(text);
  SimulateOptions options;
  options.database_url = "postgres://given/db";
  simulate_steps::ReleaseDatabase given(options, {}, out);
  EXPECT_EQ("postgres://given/db", given.url());
  options.database_url.clear();
  simulate_steps::ReleaseDatabase configured(options, {{"DATABASE_URL", "postgres://own"}}, out);
  EXPECT_EQ("", configured.url());
  EXPECT_EQ("", text.str());
}

TEST(SimulateStepsTest, CopyAppLeavesGitOutAndKeepsSymlinks) {
  ScopedTempDir from, to;
  from.Write("Procfile", "web: x\n");
  from.Write(".git/HEAD", "ref: main\n");
  ASSERT_EQ(0, symlink("Procfile", (from.path() + "/Procfile.link").c_str()));
  simulate_steps::CopyApp(from.path(), to.path() + "/app");
  std::ifstream copied(to.path() + "/app/Procfile");
  std::string line;
  std::getline(copied, line);
  EXPECT_EQ("web: x", line);
  EXPECT_NE(0, access((to.path() + "/app/.git").c_str(), F_OK));
  char target[64] = {};
  ASSERT_GT(readlink((to.path() + "/app/Procfile.link").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ("Procfile", target);
}

// Issue 23, item 6: HEROKU_APP_NAME is dyno metadata, so the build's
// ENV_DIR gets it only with --dyno-metadata; a promotion renames only the
// app names the release dyno has.
TEST(SimulateStepsTest, TheBuildSeesHerokuAppNameOnlyWithDynoMetadata) {
  std::ostringstream text;
  BuildOutput out(text);
  SimulateOptions options;
  options.app_name = "beta";
  options.config_vars = {{"DATABASE_URL", "postgres://own"}};
  auto vars = simulate_steps::BuildConfigVars(options, out);
  EXPECT_EQ(0u, vars.count("HEROKU_APP_NAME"));
  EXPECT_NE(std::string::npos, text.str().find("--env SLUGWRIGHT_APP=beta")) << text.str();
  options.dyno_metadata = true;
  vars = simulate_steps::BuildConfigVars(options, out);
  EXPECT_EQ("beta", vars["HEROKU_APP_NAME"]);

  options.promote_to = "frick";
  auto release = Vars(options, {{"SLUGWRIGHT_APP", "beta"}}, "");
  EXPECT_EQ("frick", release["SLUGWRIGHT_APP"]);
  EXPECT_EQ(0u, release.count("HEROKU_APP_NAME"));
}
