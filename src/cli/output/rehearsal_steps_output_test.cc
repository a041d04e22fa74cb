// The words of rehearse's steps (rehearsal_steps_output.h): each event as
// the console prints it.
#include "cli/output/rehearsal_steps_output.h"

#include <gtest/gtest.h>
#include <sstream>

#include "base/console.h"
#include "base/redactor.h"
#include "rehearse/rehearsal_lint.h"
#include "rehearse/rehearsal_report.h"

namespace {

struct RehearsalStepsTest : testing::Test {
  std::ostringstream out, err;
  Redactor redactor;
  Console console{out, err, &redactor};
  ConsoleRehearsalSteps steps{&console};
};

}  // namespace

TEST(RehearsalStepsOutput, TheLintStepCountsFindingsFilesAndErrors) {
  RehearsalLint lint;
  lint.ran = true;
  lint.postgres_version = 15;
  lint.findings = {{"m/3_index.sql", 2, 3, "create-index-locks-writes", "CREATE INDEX", "w", "i", {}}};
  lint.errors = {{"m/2_typo.sql", "unknown rule"}};
  EXPECT_EQ(DescribeLint(lint, 3),
            "Lint of 3 pending migrations (PostgreSQL 15 rules, docs/lint.md): 1 finding in 1 "
            "of them, in the report; 1 file could not be linted");
  lint.findings.clear();
  lint.errors.clear();
  EXPECT_EQ(DescribeLint(lint, 1),
            "Lint of 1 pending migration (PostgreSQL 15 rules, docs/lint.md): no findings");
  lint.skipped = "not linted: the source is PostgreSQL 9.6";
  EXPECT_EQ(DescribeLint(lint, 1), "Lint: not linted: the source is PostgreSQL 9.6");
}

TEST_F(RehearsalStepsTest, EachStepAsTheConsolePrintsIt) {
  steps.CopyingForCommand("npx sequelize-cli db:migrate", "app@db:5432/app");
  steps.PendingOnSource(2, "app@db:5432/app", "migrations/ (12 files)");
  steps.StartingCluster(1600);
  steps.Dumping("app@db:5432/app", "16.4", 12, 3 << 20, "/usr/lib/postgresql/16/bin/pg_dump",
                "16.4");
  steps.Dumped(13, 1 << 20, 0.25, true);
  CopyInfo copy;
  copy.tables = 12;
  copy.bytes = 4 << 20;
  copy.restore_seconds = 0.5;
  copy.analyze_seconds = 0.125;
  steps.Restored(copy, 30, 2, 1);
  steps.RunningRelease("postgres@localhost:5999/rehearsal");
  steps.ClusterRemoved();
  steps.ScratchCreated("slugwright_rehearsal_x", "app@db:5432/postgres");
  steps.ScratchDropped("slugwright_rehearsal_x");
  steps.RestoringArchive("latest.dump", "15.6");
  steps.RestoringArchive("old.dump", "");
  EXPECT_EQ(out.str(),
            "-----> The release runs `npx sequelize-cli db:migrate` (release.command): copying "
            "app@db:5432/app to run it there\n"
            "-----> 2 pending migrations for app@db:5432/app in migrations/ (12 files)\n"
            "-----> Starting a throwaway PostgreSQL 16 cluster for the copy\n"
            "-----> Copying app@db:5432/app (PostgreSQL 16.4, 12 tables, 3.0 MB) read only, with "
            "/usr/lib/postgresql/16/bin/pg_dump 16.4\n"
            "       Dumped 13 tables (1.0 MB) in 250ms, one snapshot\n"
            "       Restored 12 tables with data and 30 indexes and constraints (4.0 MB) in 500ms "
            "with 2 jobs; ANALYZE 125ms\n"
            "       Left out the data of 1 table\n"
            "-----> Running the release phase on the copy postgres@localhost:5999/rehearsal; its "
            "output follows, as the release would print it\n"
            "       Stopped and removed the throwaway cluster\n"
            "-----> Created the scratch database slugwright_rehearsal_x on app@db:5432/postgres\n"
            "       Dropped the scratch database slugwright_rehearsal_x\n"
            "-----> Restoring latest.dump (dumped from PostgreSQL 15.6)\n"
            "-----> Restoring old.dump\n");
}

TEST_F(RehearsalStepsTest, AScratchDatabaseLeftBehindSaysHowToDropIt) {
  steps.ScratchKept("slugwright_rehearsal_x", "app@db:5432/slugwright_rehearsal_x");
  steps.ScratchNotDropped("slugwright_rehearsal_x", "app@db:5432/postgres", "permission denied");
  EXPECT_EQ(out.str(),
            "-----> Kept the scratch database slugwright_rehearsal_x (--keep): "
            "app@db:5432/slugwright_rehearsal_x; drop it with DROP DATABASE "
            "slugwright_rehearsal_x;\n");
  EXPECT_NE(err.str().find("could not drop the scratch database slugwright_rehearsal_x on "
                           "app@db:5432/postgres: permission denied; drop it by hand: DROP "
                           "DATABASE slugwright_rehearsal_x;"),
            std::string::npos)
      << err.str();
}
