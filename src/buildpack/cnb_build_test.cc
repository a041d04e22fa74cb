// Tests of the CNB detect/build steps (buildpack/cnb_build.h) on real
// directories laid out as the lifecycle does; tests/cnb/ runs the scripts.
#include "buildpack/cnb_build.h"

#include <gtest/gtest.h>
#include <sstream>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"

namespace {

class CnbBuildTest : public testing::Test {
 protected:
  void SetUp() override {
    app_.Write("Procfile", "web: original\n");
    app_.Write("packages/api/Procfile", "web: api \"$PORT\"\nrelease: slugwright release\n");
    platform_.Write("env/PROCFILE", "packages/api/Procfile\n");
    // What `release: slugwright release` applies, checked by the build.
    app_.Write("migrations/1_users.sql", "-- migrate:up\nCREATE TABLE users (id int);\n");
    runner_dir_.Write("slugwright", "#!/bin/sh\necho runner\n");
  }
  int Build(const std::string& arch = CnbCompiledArch()) {
    CnbBuildContext context;
    context.app_dir = app_.path();
    context.layers_dir = layers_.path();
    context.platform_dir = platform_.path();
    context.target_arch = arch;
    context.runner_binary = runner_dir_.path() + "/slugwright";
    RealDiskInterface disk;
    return CnbBuildpack(&disk, out_, err_).Build(context);
  }
  bool Exists(const ScopedTempDir& dir, const std::string& relative) {
    RealDiskInterface disk;
    return disk.Stat(dir.path() + "/" + relative) != DiskInterface::Kind::kMissing;
  }

  ScopedTempDir app_, layers_, platform_, runner_dir_;
  std::ostringstream out_, err_;
};

}  // namespace

TEST(TomlQuoteTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ("\"plain\"", TomlQuote("plain"));
  EXPECT_EQ("\"a \\\"b\\\" \\\\n\"", TomlQuote("a \"b\" \\n"));
  EXPECT_EQ("\"\\t\\n\\r\\u0001\\u007F\"", TomlQuote("\t\n\r\x01\x7f"));
  EXPECT_EQ("\"caf\xc3\xa9\"", TomlQuote("caf\xc3\xa9"));
}

TEST(CnbLaunchTomlTest, WebIsTheDefaultAndEveryCommandRunsThroughBash) {
  Procfile procfile;
  procfile.processes = {{"web", "node server.js", 1}, {"release", "slugwright release", 2}};
  std::string toml = CnbLaunchToml(procfile, "procfiles/x.Procfile");
  EXPECT_NE(std::string::npos,
            toml.find("[[processes]]\ntype = \"web\"\ncommand = [\"bash\", \"-c\", "
                      "\"node server.js\"]\ndefault = true\n"));
  EXPECT_NE(std::string::npos,
            toml.find("type = \"release\"\ncommand = [\"bash\", \"-c\", "
                      "\"slugwright release\"]\n"));
  EXPECT_EQ(toml.find("default"), toml.rfind("default"));
}

TEST(CnbLaunchTomlTest, TheOnlyProcessIsTheDefaultAndSeveralWithoutWebHaveNone) {
  Procfile one;
  one.processes = {{"worker", "jobs", 1}};
  EXPECT_NE(std::string::npos, CnbLaunchToml(one, "Procfile").find("default = true"));
  Procfile two;
  two.processes = {{"worker", "jobs", 1}, {"clock", "cron", 2}};
  EXPECT_EQ(std::string::npos, CnbLaunchToml(two, "Procfile").find("default"));
}

TEST_F(CnbBuildTest, DetectPassesWithAProcfileOrPROCFILEAndFailsWith100Otherwise) {
  RealDiskInterface disk;
  CnbBuildpack cnb(&disk, out_, err_);
  EXPECT_EQ(kCnbDetectPass, cnb.Detect(app_.path(), ""));
  ScopedTempDir empty, no_platform;
  empty.Write("index.js", "");
  EXPECT_EQ(kCnbDetectFail, cnb.Detect(empty.path(), no_platform.path()));
  EXPECT_EQ(kCnbDetectPass, cnb.Detect(empty.path(), platform_.path()));
  EXPECT_EQ(kExitFailed, cnb.Detect(empty.path() + "/missing", ""));
}

TEST_F(CnbBuildTest, BuildWritesTheAppFilesTheLaunchLayerAndLaunchToml) {
  ASSERT_EQ(kExitOk, Build());
  EXPECT_EQ("web: api \"$PORT\"\nrelease: slugwright release\n", app_.Read("Procfile"));
  EXPECT_NE(std::string::npos, app_.Read(".slugwright/release.json").find("\"rule\": 1"));
  EXPECT_EQ("#!/bin/sh\necho runner\n", layers_.Read("slugwright/bin/slugwright"));
  EXPECT_NE(std::string::npos, layers_.Read("slugwright.toml").find("[types]\nlaunch = true\n"));
  EXPECT_NE(std::string::npos, layers_.Read("slugwright-cache.toml").find("cache = true\n"));
  std::string launch = layers_.Read("launch.toml");
  EXPECT_NE(std::string::npos,
            launch.find("command = [\"bash\", \"-c\", \"api \\\"$PORT\\\"\"]\ndefault = true"))
      << launch;
  EXPECT_NE(std::string::npos, launch.find("type = \"release\""));
  EXPECT_FALSE(Exists(app_, ".profile.d"));
}

TEST_F(CnbBuildTest, ARebuildReportsChangesFromTheCacheLayer) {
  ASSERT_EQ(kExitOk, Build());
  EXPECT_NE(std::string::npos, out_.str().find("No earlier build in the cache layer"));
  app_.Write("packages/api/Procfile", "web: api --fast\nclock: cron\n");
  out_.str("");
  ASSERT_EQ(kExitOk, Build());
  EXPECT_NE(std::string::npos,
            out_.str().find("Since the last build: added clock; removed release; changed web"))
      << out_.str();
}

TEST_F(CnbBuildTest, AnotherTargetArchIsRefusedBeforeAnythingIsWritten) {
  const std::string other = std::string(CnbCompiledArch()) == "arm64" ? "amd64" : "arm64";
  try {
    Build(other);
    ADD_FAILURE() << "build for " << other << " succeeded";
  } catch (const UserError& e) {
    EXPECT_EQ(kExitFailed, e.code());
    EXPECT_NE(std::string::npos,
              std::string(e.what()).find("no slugwright binary for linux/" + other));
  }
  EXPECT_EQ("web: original\n", app_.Read("Procfile"));
  EXPECT_FALSE(Exists(layers_, "launch.toml"));
  EXPECT_FALSE(Exists(layers_, "slugwright"));
}

TEST_F(CnbBuildTest, AnInvalidProcfileFailsTheBuildAndWritesNothing) {
  app_.Write("packages/api/Procfile", "web npm start\n");
  EXPECT_THROW(Build(), UserError);
  EXPECT_EQ("web: original\n", app_.Read("Procfile"));
  EXPECT_FALSE(Exists(layers_, "launch.toml"));
  EXPECT_FALSE(Exists(app_, ".slugwright"));
}
