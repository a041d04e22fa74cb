#include "ledger/release_key.h"

#include <gtest/gtest.h>
#include <map>

#include "base/exit_codes.h"

namespace {

ReleaseIdentity ResolveWithEnv(const std::map<std::string, std::string>& env,
                               ReleaseKeyInputs inputs = {}) {
  return ResolveReleaseIdentity(inputs, [&env](const std::string& name) {
    auto it = env.find(name);
    return it == env.end() ? std::string() : it->second;
  });
}

TEST(ReleaseKeyTest, RailwaysCommitAndServiceNameTheRelease) {
  ReleaseIdentity id =
      ResolveWithEnv({{"RAILWAY_GIT_COMMIT_SHA", "d0beb8f5c55b36df7d674d55965a23b8d54ad69b"},
                      {"RAILWAY_SERVICE_NAME", "consumer"}});
  EXPECT_TRUE(id.coordinated);
  EXPECT_EQ("d0beb8f5c55b36df7d674d55965a23b8d54ad69b", id.key.commit);
  EXPECT_EQ(1, id.key.attempt);
  EXPECT_EQ("RAILWAY_GIT_COMMIT_SHA", id.commit_origin);
  EXPECT_EQ("consumer", id.service);
  EXPECT_EQ("RAILWAY_SERVICE_NAME", id.service_origin);
  EXPECT_EQ("d0beb8f5c5", DescribeReleaseKey(id.key));
}

TEST(ReleaseKeyTest, FlagsComeFirstThenSlugwrightsVariablesThenThePlatforms) {
  ReleaseKeyInputs inputs;
  inputs.commit_flag = "v1.2.3";
  inputs.service_flag = "web";
  ReleaseIdentity id = ResolveWithEnv({{"SLUGWRIGHT_COMMIT", "x"}, {"RENDER_GIT_COMMIT", "y"},
                                {"SLUGWRIGHT_ATTEMPT", "2"}, {"RENDER_SERVICE_NAME", "api"}},
                               inputs);
  EXPECT_EQ("v1.2.3", id.key.commit);
  EXPECT_EQ(2, id.key.attempt);
  EXPECT_EQ("SLUGWRIGHT_ATTEMPT", id.attempt_origin);
  EXPECT_EQ("web", id.service);
  EXPECT_EQ("v1.2.3 attempt 2", DescribeReleaseKey(id.key));
  id = ResolveWithEnv({{"SLUGWRIGHT_COMMIT", "x"}, {"RENDER_GIT_COMMIT", "y"}});
  EXPECT_EQ("x", id.key.commit);
  id = ResolveWithEnv({{"RENDER_GIT_COMMIT", "y"}, {"GITHUB_SHA", "z"}, {"SLUGWRIGHT_APP", "bot"},
                {"RENDER_SERVICE_NAME", "api"}});
  EXPECT_EQ("y", id.key.commit);
  EXPECT_EQ("bot", id.service);
}

TEST(ReleaseKeyTest, HerokuKeepsOneReleasePhasePerReleaseUnlessAskedToCoordinate) {
  ReleaseKeyInputs inputs;
  inputs.build_commit = "abc";
  ReleaseIdentity id = ResolveWithEnv({{"HEROKU_APP_NAME", "web-eu"}}, inputs);
  EXPECT_FALSE(id.coordinated);
  EXPECT_NE(std::string::npos, id.not_coordinated_because.find("coordinate: commit"));
  EXPECT_EQ("abc", id.key.commit);
  EXPECT_EQ("the build's SOURCE_VERSION", id.commit_origin);
  EXPECT_FALSE(ResolveWithEnv({{"HEROKU_SLUG_COMMIT", "abc"}}).coordinated);
  inputs.coordinate = ReleaseSettings::Coordinate::kCommit;
  id = ResolveWithEnv({{"HEROKU_APP_NAME", "web-eu"}}, inputs);
  EXPECT_TRUE(id.coordinated);
  EXPECT_EQ("web-eu", id.service);
  // An explicit commit coordinates on Heroku too.
  inputs.coordinate = ReleaseSettings::Coordinate::kAuto;
  inputs.commit_flag = "abc";
  EXPECT_TRUE(ResolveWithEnv({}, inputs).coordinated);
}

TEST(ReleaseKeyTest, NoCommitOrCoordinateOffMeansTheRunReleasesAlone) {
  ReleaseIdentity id = ResolveWithEnv({});
  EXPECT_FALSE(id.coordinated);
  EXPECT_NE(std::string::npos, id.not_coordinated_because.find("no commit is known"));
  EXPECT_FALSE(id.service.empty());
  EXPECT_EQ("the host name", id.service_origin);
  ReleaseKeyInputs inputs;
  inputs.coordinate = ReleaseSettings::Coordinate::kOff;
  EXPECT_FALSE(ResolveWithEnv({{"GITHUB_SHA", "abc"}}, inputs).coordinated);
}

TEST(ReleaseKeyTest, ACommitOrAttemptThatIsNoneIsAUsageErrorNamingItsOrigin) {
  struct Case {
    std::map<std::string, std::string> env;
    const char* expected;
  } cases[] = {
      {{{"SLUGWRIGHT_COMMIT", "a b"}}, "SLUGWRIGHT_COMMIT: 'a b' is not a commit"},
      {{{"GITHUB_SHA", std::string(201, 'a')}}, "GITHUB_SHA: "},
      {{{"SLUGWRIGHT_ATTEMPT", "0"}}, "SLUGWRIGHT_ATTEMPT: '0' is not an attempt"},
      {{{"SLUGWRIGHT_ATTEMPT", "two"}}, "SLUGWRIGHT_ATTEMPT: 'two' is not an attempt"},
      {{{"SLUGWRIGHT_ATTEMPT", "1234567"}}, "is not an attempt"},
  };
  for (const Case& c : cases) {
    try {
      ResolveWithEnv(c.env);
      ADD_FAILURE() << c.expected;
    } catch (const UserError& e) {
      EXPECT_EQ(kExitUsage, e.code());
      EXPECT_NE(std::string::npos, std::string(e.what()).find(c.expected)) << e.what();
    }
  }
}

}  // namespace
