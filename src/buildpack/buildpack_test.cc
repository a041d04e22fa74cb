#include "buildpack/buildpack.h"

#include <cstdlib>
#include <gtest/gtest.h>
#include <sstream>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"

namespace {

/// The real disk, except that writing one chosen file fails, as on a full
/// disk.
struct FailingDisk : public RealDiskInterface {
  bool WriteFileAtomically(const std::string& path, const std::string& contents,
                           int mode, std::string* err) override {
    if (path.size() >= fail_suffix.size() &&
        path.compare(path.size() - fail_suffix.size(), fail_suffix.size(),
                     fail_suffix) == 0) {
      *err = "No space left on device";
      return false;
    }
    return RealDiskInterface::WriteFileAtomically(path, contents, mode, err);
  }
  std::string fail_suffix;
};

class BuildpackTest : public testing::Test {
 protected:
  void SetUp() override {
    app_.Write("Procfile", "web: original\n");
    app_.Write("packages/api/Procfile", "web: api\nworker: jobs\n");
    app_.Write("packages/api/app.json", "{\"name\": \"api\"}\n");
    env_.Write("PROCFILE", "packages/api/Procfile");
    runner_dir_.Write("slugwright", "#!/bin/sh\necho runner\n");
  }
  int Compile(DiskInterface* disk) {
    return Buildpack(disk, out_, err_)
        .Compile(app_.path(), cache_.path(), env_.path(),
                 runner_dir_.path() + "/slugwright");
  }

  ScopedTempDir app_, cache_, env_, runner_dir_;
  std::ostringstream out_, err_;
};

}  // namespace

TEST_F(BuildpackTest, CompileWritesProcfileAppJsonAndRunner) {
  RealDiskInterface disk;
  EXPECT_EQ(kExitOk, Compile(&disk));
  EXPECT_EQ("web: api\nworker: jobs\n", app_.Read("Procfile"));
  EXPECT_EQ("{\"name\": \"api\"}\n", app_.Read("app.json"));
  EXPECT_EQ("#!/bin/sh\necho runner\n", app_.Read(".slugwright/bin/slugwright"));
  EXPECT_NE(std::string::npos, app_.Read(".slugwright/release.json").find("\"rule\": 1"));
  EXPECT_NE(std::string::npos, out_.str().find("-----> Writing packages/api/Procfile to Procfile"));
}

TEST_F(BuildpackTest, CompileRecordsTheCommitHerokuBuildsForTheReleasePhase) {
  RealDiskInterface disk;
  ::setenv("SOURCE_VERSION", "d0beb8f5c55b36df7d674d55965a23b8d54ad69b", 1);
  int code = Compile(&disk);
  ::unsetenv("SOURCE_VERSION");
  EXPECT_EQ(kExitOk, code);
  EXPECT_NE(std::string::npos, app_.Read(".slugwright/release.json")
                                   .find("\"commit\": \"d0beb8f5c55b36df7d674d55965a23b8d54ad69b\""));
  EXPECT_EQ(kExitOk, Compile(&disk));
  EXPECT_EQ(std::string::npos, app_.Read(".slugwright/release.json").find("\"commit\""));
}

TEST_F(BuildpackTest, AFailedWriteLeavesTheProcfileUntouched) {
  for (const char* failing : {"/.slugwright/bin/slugwright", "/release.json",
                              "/.profile.d/slugwright.sh", "/app.json"}) {
    FailingDisk disk;
    disk.fail_suffix = failing;
    try {
      Compile(&disk);
      ADD_FAILURE() << "compile succeeded with " << failing << " failing";
    } catch (const UserError& e) {
      EXPECT_EQ(kExitFailed, e.code());
      EXPECT_NE(std::string::npos, std::string(e.what()).find("No space left"));
    }
    EXPECT_EQ("web: original\n", app_.Read("Procfile")) << failing;
  }
}

TEST_F(BuildpackTest, ReportsChangesSinceTheLastBuild) {
  RealDiskInterface disk;
  ASSERT_EQ(kExitOk, Compile(&disk));
  app_.Write("packages/api/Procfile", "web: api --fast\nclock: cron\n");
  out_.str("");
  ASSERT_EQ(kExitOk, Compile(&disk));
  EXPECT_NE(std::string::npos,
            out_.str().find("Since the last build: added clock; removed worker; changed web"))
      << out_.str();
}

TEST_F(BuildpackTest, DetectDeclinesAnAppWithNothingToSelect) {
  RealDiskInterface disk;
  ScopedTempDir empty;
  empty.Write("index.js", "");
  EXPECT_EQ(kExitFailed, Buildpack(&disk, out_, err_).Detect(empty.path()));
  EXPECT_NE(std::string::npos, err_.str().find("no slugwright.yml"));
  EXPECT_EQ(kExitOk, Buildpack(&disk, out_, err_).Detect(app_.path()));
  EXPECT_EQ("slugwright\n", out_.str());
}

// Issue 23, item 13: "Release phase: migrations in migrations" was printed
// for apps whose release phase is not slugwright's.
TEST_F(BuildpackTest, TheReleasePhaseLineSaysWhatTheProcfileRuns) {
  RealDiskInterface disk;
  app_.Write("packages/api/Procfile", "web: api\nrelease: npx sequelize db:migrate\n");
  ASSERT_EQ(kExitOk, Compile(&disk));
  EXPECT_NE(std::string::npos,
            out_.str().find("Release phase: `npx sequelize db:migrate` (the app's own; "
                            "slugwright's release settings are not used)"))
      << out_.str();
  EXPECT_EQ(std::string::npos, out_.str().find("migrations in migrations")) << out_.str();
  out_.str("");
  app_.Write("packages/api/Procfile", "web: api\n");
  ASSERT_EQ(kExitOk, Compile(&disk));
  EXPECT_NE(std::string::npos, out_.str().find("Release phase: none")) << out_.str();
}

// Issue 23, item 10: an app with migrations and no `release:` was not told.
TEST_F(BuildpackTest, MigrationsWithoutAReleaseProcessTypeAreWarnedAbout) {
  RealDiskInterface disk;
  app_.Write("migrations/1_users.sql", "-- migrate:up\nCREATE TABLE users (id int);\n");
  ASSERT_EQ(kExitOk, Compile(&disk));
  EXPECT_NE(std::string::npos,
            out_.str().find(" !     migrations holds 1 .sql file, but packages/api/Procfile has "
                            "no `release:` process type"))
      << out_.str();
}

// Issue 23, item 10: a migration the release phase would refuse fails the
// build, with the release's message, and nothing is written.
TEST_F(BuildpackTest, AMigrationTheReleaseWouldRefuseFailsTheBuild) {
  RealDiskInterface disk;
  app_.Write("packages/api/Procfile", "web: api\nrelease: slugwright release\n");
  app_.Write("migrations/1_index.sql", "-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (c);\n");
  try {
    Compile(&disk);
    ADD_FAILURE() << "compile succeeded";
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code());
  }
  EXPECT_NE(std::string::npos, out_.str().find(" !     migrations/1_index.sql:2:")) << out_.str();
  EXPECT_EQ("web: original\n", app_.Read("Procfile"));
  EXPECT_EQ(DiskInterface::Kind::kMissing, disk.Stat(app_.path() + "/.slugwright"));
}

// Issue 23, item 5: bin/compile runs names as Cedar does, unchanged;
// SLUGWRIGHT_PROCFILE_CHECK=both refuses them, as before.
TEST_F(BuildpackTest, CompileKeepsCedarNamesUnlessBothPlatformsAreAskedFor) {
  RealDiskInterface disk;
  app_.Write("packages/api/Procfile", "web: api\njob_runner: jobs\n");
  ASSERT_EQ(kExitOk, Compile(&disk));
  EXPECT_EQ("web: api\njob_runner: jobs\n", app_.Read("Procfile"));
  EXPECT_NE(std::string::npos, out_.str().find("Fir would rename it `job-runner`")) << out_.str();
  env_.Write("SLUGWRIGHT_PROCFILE_CHECK", "both");
  EXPECT_THROW(Compile(&disk), UserError);
  EXPECT_NE(std::string::npos, out_.str().find("but Fir renames it `job-runner`")) << out_.str();
  env_.Write("SLUGWRIGHT_PROCFILE_CHECK", "strict");
  out_.str("");
  EXPECT_THROW(Compile(&disk), UserError);
  EXPECT_NE(std::string::npos, out_.str().find("SLUGWRIGHT_PROCFILE_CHECK is `strict`; expected "
                                               "`both`"))
      << out_.str();
}
