// The Rehearser's decisions on fakes (testing/fake_rehearsal.h): the order
// of its steps, what stops it, what it cleans up, the hooks policy and the
// outcome it returns. The same runs against real servers and tools are in
// rehearsal_pg_test.cc.

#include "rehearse/rehearsal.h"

#include <csignal>
#include <gtest/gtest.h>
#include <sstream>

#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "base/redactor.h"
#include "migrate/directory_source.h"
#include "testing/fake_disk.h"
#include "testing/fake_rehearsal.h"
#include "testing/recording_rehearsal_events.h"

namespace {

const char* kMigrationsDir = "/app/migrations";

struct RehearserTest : public ::testing::Test {
  RehearsalLog log;
  InMemoryDisk disk;
  Redactor redactor;
  RecordingRehearsalEvents events;
  Interrupt interrupt;
  FakeSourceSnapshot source{&log};
  FakeScratchServer scratch_server{&log};
  FakeDumpRestore dump_restore{&log, &disk};
  FakeReleaseOnCopy release{&log};
  RehearsalOptions options;

  RehearserTest() {
    disk.AddFile(std::string(kMigrationsDir) + "/20240101000000_create_orders.sql",
                 "-- migrate:up\nCREATE TABLE orders (id bigint);\n");
    disk.AddFile(std::string(kMigrationsDir) + "/20240201000000_add_status.sql",
                 "-- migrate:up\nALTER TABLE orders ADD COLUMN status text;\n");
    options.migrations_dir = kMigrationsDir;
    options.source_url = "postgres://app@prod.example:5432/app";
    options.run.release = "rehearsal";
    // The source has applied the first migration; the copy too.
    source.history = {Applied(0)};
    release.history = source.history;
    release.result.migrations = {Rehearsed(20240201000000, MigrationRehearsal::Status::kApplied)};
    release.result.release_seconds = 1.5;
  }

  /// The history row of the `index`th migration file, as applied.
  HistoryRow Applied(size_t index) {
    std::vector<Migration> files = DirectorySource(&disk, kMigrationsDir).ReadAll();
    HistoryRow row;
    row.version = files.at(index).version;
    row.name = files.at(index).name;
    row.checksum = files.at(index).checksum;
    return row;
  }
  static MigrationRehearsal Rehearsed(int64_t version, MigrationRehearsal::Status status) {
    MigrationRehearsal m;
    m.version = version;
    m.name = "add_status";
    m.status = status;
    return m;
  }
  RehearsalServices Services() {
    RehearsalServices services;
    services.disk = &disk;
    services.events = &events;
    services.redactor = &redactor;
    services.interrupt = &interrupt;
    services.source = options.from_dump.empty() ? &source : nullptr;
    services.scratch_server = &scratch_server;
    services.dump_restore = &dump_restore;
    services.release = &release;
    return services;
  }
  RehearsalOutcome Run() { return Rehearser(options, Services()).Run(); }
  /// The exit code of the UserError Run() throws (-1 when none).
  int RunExpectingError() {
    try {
      Run();
    } catch (const UserError& e) {
      error = e.what();
      return e.code();
    }
    return -1;
  }
  std::string error;
};

}  // namespace

TEST_F(RehearserTest, RunsTheStepsInOrderAndReturnsTheReport) {
  RehearsalOutcome outcome = Run();
  EXPECT_EQ(RehearsalOutcome::Kind::kRehearsed, outcome.kind);
  EXPECT_EQ(kExitOk, outcome.exit_code());
  EXPECT_EQ((std::vector<std::string>{"scratch probe", "source open", "source history",
                                      "scratch created UTF8", "dump", "source close", "restore",
                                      "copy history", "apply", "scratch removed"}),
            log.events);
  const RehearsalReport& report = outcome.report;
  EXPECT_EQ("app@prod.example:5432/app", report.copy.source);
  EXPECT_EQ("15.6", report.copy.source_version);
  EXPECT_EQ("embedded", report.copy.target);
  EXPECT_EQ(DatabaseTarget::Parse(FakeScratchDatabase::kUrl).Describe(), report.copy.copy);
  EXPECT_EQ(3, report.copy.tables);
  EXPECT_EQ(2, report.copy.dump_seconds);
  EXPECT_EQ(1.5, report.release_seconds);
  EXPECT_EQ("per-migration", report.transaction);
  EXPECT_FALSE(report.interrupted);
  EXPECT_TRUE(report.failure.empty());
  ASSERT_EQ(1u, report.migrations.size());
  EXPECT_EQ(20240201000000, report.migrations[0].version);
  // Only the pending migration is applied and observed.
  ASSERT_EQ(1u, release.pending_versions.size());
  EXPECT_EQ(std::vector<int64_t>{20240201000000}, release.pending_versions[0]);
  // The archive went to a temporary directory, removed after the copy.
  ASSERT_EQ(1u, disk.temp_dirs_made.size());
  EXPECT_EQ(disk.temp_dirs_made[0] + "/source.dump", dump_restore.restores.at(0).archive);
  EXPECT_EQ(disk.temp_dirs_made[0] + "/history.dump",
            dump_restore.restores.at(0).history_archive);
  EXPECT_TRUE(disk.LeftoverTempDirs().empty());
  // Steps as events; the command words them and the report.
  EXPECT_TRUE(events.Has("PendingOnSource 1 app@prod.example:5432/app /app/migrations"))
      << testing::PrintToString(events.events);
  EXPECT_TRUE(events.Has("RunningRelease ")) << testing::PrintToString(events.events);
}

TEST_F(RehearserTest, AFailedRunOnTheCopyIsReportedNotThrown) {
  release.result.exit_code = kExitFailed;
  release.result.migrations = {Rehearsed(20240201000000, MigrationRehearsal::Status::kNotRun)};
  RehearsalOutcome outcome = Run();
  EXPECT_EQ(kExitFailed, outcome.exit_code());
  EXPECT_EQ("the run on the copy failed (exit 1); its output is above", outcome.report.failure);
  EXPECT_TRUE(log.Has("scratch removed"));
}

TEST_F(RehearserTest, AFailedRestoreStopsBeforeApplyingAndCleansUp) {
  dump_restore.restore_error = "pg_restore into the scratch database failed (exit 1)";
  EXPECT_EQ(kExitFailed, RunExpectingError());
  EXPECT_EQ(dump_restore.restore_error, error);
  EXPECT_FALSE(log.Has("copy history"));
  EXPECT_FALSE(log.Has("apply"));
  EXPECT_TRUE(release.applied.empty());
  EXPECT_EQ("scratch removed", log.events.back());
  EXPECT_TRUE(disk.LeftoverTempDirs().empty());
  EXPECT_FALSE(source.open);
}

TEST_F(RehearserTest, AFailedDumpStopsBeforeRestoringAndCleansUp) {
  dump_restore.dump_error = "pg_dump of app@prod.example:5432/app failed (exit 1)";
  EXPECT_EQ(kExitFailed, RunExpectingError());
  EXPECT_FALSE(log.Has("restore"));
  EXPECT_FALSE(log.Has("apply"));
  EXPECT_TRUE(log.Has("scratch removed"));
  EXPECT_TRUE(log.Has("source close"));
  EXPECT_TRUE(disk.LeftoverTempDirs().empty());
}

TEST_F(RehearserTest, AnInterruptDuringTheCopyRemovesTheScratchDatabase) {
  dump_restore.during_restore = [this] { interrupt.Request(SIGTERM); };
  EXPECT_EQ(143, RunExpectingError());
  EXPECT_EQ("interrupted by SIGTERM after the copy; nothing was rehearsed", error);
  EXPECT_FALSE(log.Has("apply"));
  EXPECT_EQ("scratch removed", log.events.back());
  EXPECT_TRUE(disk.LeftoverTempDirs().empty());
}

TEST_F(RehearserTest, AnInterruptBeforeTheCopyCreatesNothing) {
  interrupt.Request(SIGINT);
  EXPECT_EQ(130, RunExpectingError());
  EXPECT_EQ("interrupted by SIGINT before the copy; nothing was rehearsed", error);
  EXPECT_FALSE(log.Has("scratch created UTF8"));
  EXPECT_FALSE(log.Has("dump"));
  EXPECT_TRUE(log.Has("source close"));
  EXPECT_TRUE(disk.temp_dirs_made.empty());
}

TEST_F(RehearserTest, NoTemporaryDirectoryStopsBeforeTheDumpAndCleansUp) {
  disk.temp_dir_error = "creating a temporary directory (/tmp/slugwright-rehearse-XXXXXX): No "
                        "space left on device";
  EXPECT_EQ(kExitFailed, RunExpectingError());
  EXPECT_EQ(disk.temp_dir_error, error);
  EXPECT_FALSE(log.Has("dump"));
  EXPECT_TRUE(log.Has("scratch removed"));
}

TEST_F(RehearserTest, HooksAreOffUnlessAskedAndAlwaysSeeTheCopy) {
  options.settings.hooks.before = {"./bin/notify before"};
  options.settings.hooks.after = {"./bin/notify after"};
  options.settings.database_url_env = "MAIN_DATABASE_URL";
  options.settings.lock_timeout_seconds = 2;
  options.settings.statement_timeout_seconds = 30;
  Run();
  ASSERT_EQ(1u, release.applied.size());
  const MigratorOptions& off = release.applied[0];
  EXPECT_TRUE(off.settings.hooks.before.empty());
  EXPECT_TRUE(off.settings.hooks.after.empty());
  EXPECT_EQ("rehearsal", off.run.release);

  options.hooks = true;
  RehearsalOutcome outcome = Run();
  ASSERT_EQ(2u, release.applied.size());
  const MigratorOptions& on = release.applied[1];
  EXPECT_EQ(std::vector<std::string>{"./bin/notify before"}, on.settings.hooks.before);
  EXPECT_EQ(std::vector<std::string>{"./bin/notify after"}, on.settings.hooks.after);
  EXPECT_TRUE(outcome.report.hooks);
  std::string copy_url = FakeScratchDatabase::kUrl;
  EXPECT_EQ(copy_url, on.command_env.at("DATABASE_URL"));
  EXPECT_EQ(copy_url, on.command_env.at("MAIN_DATABASE_URL"));
  EXPECT_EQ("-c lock_timeout=2000 -c statement_timeout=30000", on.command_env.at("PGOPTIONS"));
  for (const auto& [name, value] : on.command_env)
    EXPECT_EQ(std::string::npos, value.find("prod.example")) << name;
}

TEST_F(RehearserTest, AnUpToDateSourceIsAnOutcomeAndNothingIsCopied) {
  source.history = {Applied(0), Applied(1)};
  RehearsalOutcome outcome = Run();
  EXPECT_EQ(RehearsalOutcome::Kind::kSourceUpToDate, outcome.kind);
  EXPECT_EQ("app@prod.example:5432/app", outcome.source);
  EXPECT_EQ(2, outcome.applied);
  EXPECT_EQ(kExitOk, outcome.exit_code());
  EXPECT_EQ("app@prod.example:5432/app", outcome.report.copy.source);
  EXPECT_FALSE(log.Has("scratch created UTF8"));
  EXPECT_FALSE(log.Has("dump"));
  EXPECT_TRUE(log.Has("source close"));
}

TEST_F(RehearserTest, AnIntegrityRefusalOnTheSourceStopsBeforeAnyCopy) {
  HistoryRow changed = Applied(0);
  changed.checksum = "sha256:edited";
  source.history = {changed};
  EXPECT_EQ(kExitIntegrity, RunExpectingError());
  EXPECT_EQ(0u, error.find("the release would refuse to migrate app@prod.example:5432/app "
                           "(exit 4), so there is nothing to rehearse:"))
      << error;
  EXPECT_FALSE(log.Has("scratch created UTF8"));
}

TEST_F(RehearserTest, AnOlderScratchServerIsRefusedBeforeAnyCopy) {
  scratch_server.info.version_key = 1400;
  scratch_server.info.version = "14.11";
  EXPECT_EQ(kExitUsage, RunExpectingError());
  EXPECT_NE(std::string::npos, error.find("the source is PostgreSQL 15.6 and this machine's "
                                          "newest server is 14.11"))
      << error;
  EXPECT_NE(std::string::npos, error.find("postgresql-15"));
  EXPECT_FALSE(log.Has("scratch created UTF8"));
}

TEST_F(RehearserTest, AnArchiveIsFilteredOnRestoreAndPlannedOnTheCopy) {
  options.from_dump = "/app/latest.dump";
  options.source_url.clear();
  options.schema_only = true;
  disk.AddFile(options.from_dump, "PGDMP");
  dump_restore.archive_toc.dumped_from = "15.6";
  release.history = {Applied(0), Applied(1)};
  RehearsalOutcome outcome = Run();
  EXPECT_EQ(RehearsalOutcome::Kind::kCopyUpToDate, outcome.kind);
  EXPECT_EQ(2, outcome.applied);
  EXPECT_TRUE(outcome.report.copy.from_dump);
  EXPECT_TRUE(outcome.report.copy.schema_only);
  EXPECT_EQ("15.6", outcome.report.copy.source_version);
  EXPECT_EQ((std::vector<std::string>{"scratch probe", "list /app/latest.dump",
                                      "scratch created ", "restore", "copy history",
                                      "scratch removed"}),
            log.events);
  ASSERT_EQ(1u, dump_restore.restores.size());
  EXPECT_TRUE(dump_restore.restores[0].filter);
  EXPECT_EQ("/app/latest.dump", dump_restore.restores[0].archive);
  EXPECT_TRUE(events.Has("RestoringArchive /app/latest.dump 15.6"))
      << testing::PrintToString(events.events);
}

TEST_F(RehearserTest, AMissingArchiveIsAUsageError) {
  options.from_dump = "/app/none.dump";
  EXPECT_EQ(kExitUsage, RunExpectingError());
  EXPECT_EQ("--from-dump /app/none.dump: no such file", error);
  EXPECT_FALSE(log.Has("scratch created "));
}

TEST_F(RehearserTest, UsageErrorsComeBeforeAnyWork) {
  options.keep = true;
  EXPECT_EQ(kExitUsage, RunExpectingError());
  EXPECT_NE(std::string::npos, error.find("--keep keeps the scratch database of --into URL"));
  options.keep = false;
  options.probe = true;
  EXPECT_EQ(kExitUsage, RunExpectingError());
  EXPECT_NE(std::string::npos, error.find("--probe measures a release that runs its own tool"));
  EXPECT_TRUE(log.events.empty());
}

// From an archive nothing connects to the database the release would
// migrate, but the tool must not be handed its URL either.
TEST_F(RehearserTest, AReleaseCommandOnAnArchivesCopyIsNotGivenTheReleasesDatabase) {
  const std::string release_url = options.source_url;
  options.from_dump = "/app/latest.dump";
  options.source_url.clear();
  options.release_url = release_url;
  options.settings.command = "npx sequelize-cli db:migrate";
  options.migrations_dir = "/nowhere";
  options.environment = {{"DATABASE_URL", release_url},
                         {"HEROKU_POSTGRESQL_RED_URL", release_url},
                         {"HOME", "/app"}};
  disk.AddFile(options.from_dump, "PGDMP");
  dump_restore.archive_toc.dumped_from = "15.6";
  Run();
  ASSERT_EQ(1u, release.applied.size());
  const MigratorOptions& run = release.applied[0];
  EXPECT_EQ(FakeScratchDatabase::kUrl, run.command_env.at("DATABASE_URL"));
  EXPECT_EQ("", run.command_env.at("HEROKU_POSTGRESQL_RED_URL"));
}

TEST_F(RehearserTest, AReleaseCommandRunsOnTheCopyAndNeverSeesTheSource) {
  const std::string source_url = options.source_url;
  options.settings.command = "npx sequelize-cli db:migrate";
  options.settings.database_url_env = "MAIN_DATABASE_URL";
  options.settings.lock_timeout_seconds = 2;
  options.settings.statement_timeout_seconds = 30;
  // The tool's own files: slugwright's directory is not read.
  options.migrations_dir = "/nowhere";
  options.environment = {{"DATABASE_URL", source_url},
                         {"HEROKU_POSTGRESQL_RED_URL", source_url},
                         {"REPLICA", "url=" + source_url + "?sslmode=require"},
                         {"PGHOST", "prod.example"},
                         {"PGPASSWORD", "secret"},
                         {"PGOPTIONS", "-c work_mem=64MB"},
                         {"HOME", "/app"}};
  RehearsalOutcome outcome = Run();
  EXPECT_EQ(RehearsalOutcome::Kind::kRehearsed, outcome.kind);
  EXPECT_FALSE(log.Has("copy history"));
  ASSERT_EQ(1u, release.applied.size());
  EXPECT_TRUE(release.pending_versions.at(0).empty());
  const MigratorOptions& run = release.applied[0];
  EXPECT_EQ("npx sequelize-cli db:migrate", run.settings.command);
  std::string copy_url = FakeScratchDatabase::kUrl;
  EXPECT_EQ(copy_url, run.command_env.at("DATABASE_URL"));
  EXPECT_EQ(copy_url, run.command_env.at("MAIN_DATABASE_URL"));
  // Removed (an empty value unsets): every variable holding the source's
  // URL, and libpq's connection variables.
  for (const char* gone : {"HEROKU_POSTGRESQL_RED_URL", "REPLICA", "PGHOST", "PGPASSWORD"})
    EXPECT_EQ("", run.command_env.at(gone)) << gone;
  EXPECT_EQ(0u, run.command_env.count("HOME"));
  // As `slugwright release` gives its command: the user's PGOPTIONS, then
  // the release's timeouts.
  EXPECT_EQ("-c work_mem=64MB -c lock_timeout=2000 -c statement_timeout=30000",
            run.command_env.at("PGOPTIONS"));
  for (const auto& [name, value] : run.command_env)
    EXPECT_EQ(std::string::npos, value.find("prod.example")) << name;
}
