#include "buildpack/release_phase_check.h"

#include <gtest/gtest.h>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"

namespace {

Procfile Parse(const std::string& text) {
  Procfile p;
  ProcfileError err;
  EXPECT_TRUE(ParseProcfile(text, &p, &err)) << err.Format("Procfile");
  return p;
}

ReleaseSettings InDir(const std::string& dir) {
  ReleaseSettings s;
  s.migrations_dir = dir;
  return s;
}

}  // namespace

TEST(ReleasePhaseCheck, TellsSlugwrightFromTheAppsOwnReleaseCommand) {
  std::string command;
  EXPECT_EQ(ReleaseRunner::kNone, ClassifyReleaseRunner(Parse("web: a\n"), &command));
  EXPECT_EQ(ReleaseRunner::kSlugwright,
            ClassifyReleaseRunner(Parse("release: slugwright release\n"), &command));
  EXPECT_EQ(ReleaseRunner::kSlugwright,
            ClassifyReleaseRunner(Parse("release: ./check.sh && .slugwright/bin/slugwright "
                                        "migrate up\n"),
                                  &command));
  EXPECT_EQ(ReleaseRunner::kOther,
            ClassifyReleaseRunner(Parse("release: npx sequelize db:migrate\n"), &command));
  EXPECT_EQ("npx sequelize db:migrate", command);
  EXPECT_EQ(ReleaseRunner::kOther,
            ClassifyReleaseRunner(Parse("release: echo slugwright-free\n"), &command));
}

// Issue 23, item 10: the check needs no database, so the build makes it.
TEST(ReleasePhaseCheck, AMigrationTheReleaseWouldRefuseFailsWithTheReleasesMessage) {
  ScopedTempDir app;
  app.Write("db/migrations/1_users.sql", "-- migrate:up\nCREATE TABLE users (id int);\n");
  app.Write("db/migrations/2_index.sql",
            "-- migrate:up\nCREATE INDEX CONCURRENTLY users_id ON users (id);\n");
  RealDiskInterface disk;
  try {
    CheckReleasePhase(&disk, app.path(), Parse("release: slugwright release\n"),
                      InDir("db/migrations"));
    ADD_FAILURE() << "the build's check passed";
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code());
    std::string message = e.what();
    // Named as the release names it, relative to the app root.
    EXPECT_EQ(0u, message.find("db/migrations/2_index.sql:")) << message;
    EXPECT_NE(std::string::npos, message.find("transaction:false")) << message;
    EXPECT_EQ(std::string::npos, message.find(app.path())) << message;
  }
}

TEST(ReleasePhaseCheck, ChecksOnlyWhatSlugwrightWillApply) {
  ScopedTempDir app;
  app.Write("migrations/1_index.sql",
            "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (c);\n");
  RealDiskInterface disk;
  ReleasePhaseFacts facts = CheckReleasePhase(
      &disk, app.path(), Parse("web: a\nrelease: slugwright release\n"), InDir("migrations"));
  EXPECT_TRUE(facts.migrations_checked);
  EXPECT_EQ(1u, facts.migrations);

  // The app's own release command, or slugwright running `command:`, is
  // not slugwright's SQL to check.
  app.Write("migrations/2_bad.sql", "-- migrate:up\nCREATE INDEX CONCURRENTLY j ON t (c);\n");
  facts = CheckReleasePhase(&disk, app.path(), Parse("release: npx sequelize db:migrate\n"),
                            InDir("migrations"));
  EXPECT_FALSE(facts.migrations_checked);
  EXPECT_EQ(ReleaseRunner::kOther, facts.runner);
  ReleaseSettings tool = InDir("migrations");
  tool.command = "npx sequelize db:migrate";
  facts = CheckReleasePhase(&disk, app.path(), Parse("release: slugwright release\n"), tool);
  EXPECT_FALSE(facts.migrations_checked);

  // No release phase at all: the migrations are counted, for a warning.
  facts = CheckReleasePhase(&disk, app.path(), Parse("web: a\n"), InDir("migrations"));
  EXPECT_EQ(ReleaseRunner::kNone, facts.runner);
  EXPECT_EQ(2u, facts.sql_files);
}

TEST(ReleasePhaseCheck, AMissingMigrationsFolderFailsAsTheReleaseWould) {
  ScopedTempDir app;
  RealDiskInterface disk;
  try {
    CheckReleasePhase(&disk, app.path(), Parse("release: slugwright release\n"),
                      InDir("migrations"));
    ADD_FAILURE() << "the build's check passed";
  } catch (const UserError& e) {
    EXPECT_NE(std::string::npos, std::string(e.what()).find("`migrations` does not exist"))
        << e.what();
  }
}

// Issue 23 item 2 at build time: a `command:` tool whose migrations
// directory is not in the slug leaves `migrate status` unable to know the
// pending ones; a monorepo's `cd packages/api && ...` is read from there.
TEST(ReleasePhaseCheck, ACommandWhoseMigrationsAreNotInTheBuildIsNoted) {
  ScopedTempDir app;
  app.Write("packages/api/migrations/1-a.js", "module.exports = {};\n");
  RealDiskInterface disk;
  ReleaseSettings s;
  s.command = "cd packages/api && npx sequelize-cli db:migrate";
  ReleasePhaseFacts found =
      CheckReleasePhase(&disk, app.path(), Parse("release: slugwright release\n"), s);
  EXPECT_EQ(found.command_migrations_dir, "packages/api/migrations");
  EXPECT_FALSE(found.command_pending_unknown);
  s.command = "npx sequelize-cli db:migrate";
  ReleasePhaseFacts missing =
      CheckReleasePhase(&disk, app.path(), Parse("release: slugwright release\n"), s);
  EXPECT_EQ(missing.command_migrations_dir, "migrations");
  EXPECT_TRUE(missing.command_pending_unknown);
  s.command = "./bin/migrate-everything";
  EXPECT_TRUE(CheckReleasePhase(&disk, app.path(), Parse("release: slugwright release\n"), s)
                  .command_pending_unknown);
}
