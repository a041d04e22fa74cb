// When the Rehearser lints (rehearsal_lint.h), on fakes
// (testing/fake_rehearsal.h): slugwright's files before the copy, so a
// failed copy still said what the lint found; an archive's pending files
// after the restore; a `command:` tool's observed statements after its run.
// Findings never change the exit status.

#include <gtest/gtest.h>
#include <sstream>

#include "base/exit_codes.h"
#include "base/redactor.h"
#include "migrate/directory_source.h"
#include "rehearse/rehearsal.h"
#include "testing/fake_disk.h"
#include "testing/fake_rehearsal.h"
#include "testing/recording_rehearsal_events.h"

namespace {

const char* kDir = "/app/migrations";

struct RehearserLintTest : public ::testing::Test {
  RehearsalLog log;
  InMemoryDisk disk;
  Redactor redactor;
  RecordingRehearsalEvents events;
  FakeSourceSnapshot source{&log};
  FakeScratchServer scratch_server{&log};
  FakeDumpRestore dump_restore{&log, &disk};
  FakeReleaseOnCopy release{&log};
  RehearsalOptions options;
  std::vector<Migration> files;

  RehearserLintTest() {
    disk.AddFile(std::string(kDir) + "/20240101000000_create_orders.sql",
                 "-- migrate:up\nCREATE TABLE orders (id bigint);\n");
    disk.AddFile(std::string(kDir) + "/20240201000000_widen.sql",
                 "-- migrate:up\nALTER TABLE orders ALTER COLUMN id TYPE numeric;\n");
    files = DirectorySource(&disk, kDir).ReadAll();
    options.migrations_dir = kDir;
    options.source_url = "postgres://app@prod.example:5432/app";
    HistoryRow applied;
    applied.version = files[0].version;
    applied.name = files[0].name;
    applied.checksum = files[0].checksum;
    source.history = {applied};
    release.history = source.history;
    MigrationRehearsal widen;
    widen.version = files[1].version;
    widen.name = files[1].name;
    widen.file = files[1].up_path;
    widen.status = MigrationRehearsal::Status::kApplied;
    release.result.migrations = {widen};
  }

  RehearsalOutcome Run() {
    RehearsalServices services;
    services.disk = &disk;
    services.events = &events;
    services.redactor = &redactor;
    services.source = options.from_dump.empty() ? &source : nullptr;
    services.scratch_server = &scratch_server;
    services.dump_restore = &dump_restore;
    services.release = &release;
    return Rehearser(options, services).Run();
  }
};

/// The lint of one pending migration with one finding.
const char* kLintStep = "Linted 1 1";

TEST_F(RehearserLintTest, ThePendingFilesAreLintedBeforeTheCopy) {
  dump_restore.dump_error = "pg_dump: connection lost";
  EXPECT_THROW(Run(), UserError);
  // The copy failed; what the lint found was said before it started.
  EXPECT_TRUE(events.Has(kLintStep)) << testing::PrintToString(events.events);
}

TEST_F(RehearserLintTest, FindingsGoOnTheirMigrationAndLeaveTheExitStatus) {
  RehearsalOutcome outcome = Run();
  EXPECT_EQ(outcome.exit_code(), kExitOk);
  const RehearsalReport& report = outcome.report;
  EXPECT_TRUE(report.linted);
  EXPECT_EQ(report.lint_postgres_version, 15);
  ASSERT_EQ(report.migrations.at(0).lint.size(), 1u);
  EXPECT_EQ(report.migrations[0].lint[0].rule, "alter-column-type");
  EXPECT_EQ(report.migrations[0].lint[0].file, files[1].up_path);
  EXPECT_EQ(report.migrations[0].lint[0].line, 2);
  EXPECT_TRUE(report.other_lint.empty());
}

TEST_F(RehearserLintTest, AnArchivesPendingFilesAreLintedOnceTheCopySaysWhichTheyAre) {
  options.from_dump = "/app/latest.dump";
  options.source_url.clear();
  disk.AddFile(options.from_dump, "PGDMP");
  dump_restore.archive_toc.dumped_from = "15.6";
  RehearsalOutcome outcome = Run();
  EXPECT_TRUE(events.Has(kLintStep)) << testing::PrintToString(events.events);
  ASSERT_EQ(outcome.report.migrations.at(0).lint.size(), 1u);
  EXPECT_EQ(outcome.report.migrations[0].lint[0].rule, "alter-column-type");
}

TEST_F(RehearserLintTest, AToolsObservedStatementsAreLintedAfterItsRun) {
  options.settings.command = "npx sequelize-cli db:migrate";
  MigrationRehearsal index;
  index.name = "20240301000000-index-status.js";
  index.version = 20240301000000;
  index.server_observed = true;
  index.in_transaction = false;
  index.status = MigrationRehearsal::Status::kApplied;
  index.statements = {"CREATE INDEX \"orders_status\" ON \"orders\" (\"status\")"};
  release.result.migrations = {index};
  RehearsalOutcome outcome = Run();
  EXPECT_EQ(outcome.exit_code(), kExitOk);
  // Nothing to lint before the run: the tool's statements are known after it.
  EXPECT_FALSE(events.Has("Linted")) << testing::PrintToString(events.events);
  EXPECT_TRUE(outcome.report.linted);
  ASSERT_EQ(outcome.report.migrations.at(0).lint.size(), 1u);
  const LintFinding& f = outcome.report.migrations[0].lint[0];
  EXPECT_EQ(f.rule, "create-index-locks-writes");
  EXPECT_EQ(f.file, "20240301000000-index-status.js");
  EXPECT_EQ(f.line, 0);
}

}  // namespace
