#include "migrate/release_file.h"

#include <gtest/gtest.h>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"

namespace {

const char kReleaseJson[] = R"({
  "slugwright_version": "0.1.0", "app": "commonwealth-frick", "procfile": "Procfile",
  "rule": 1, "reason": "x",
  "release": {"migrations": "packages/commonwealth/migrations",
    "database_url_env": "DATABASE_URL", "table": "public.slugwright_migrations",
    "transaction": "all", "on_failure": "rollback-release", "lock_wait_seconds": 30,
    "lock_timeout_seconds": 2, "statement_timeout_seconds": 0, "lock_retries": 5,
    "allow_out_of_order": false, "command": "", "rollback_command": "",
    "hooks": {"before": ["./scripts/check-env.sh"], "after": [], "on_failure": [],
              "timeout_seconds": 60}}})";

}  // namespace

TEST(ReleaseFile, FoundInTheCurrentDirectory) {
  ScopedTempDir dir;
  dir.Write(".slugwright/release.json", kReleaseJson);
  RealDiskInterface disk;
  LoadedReleaseSettings loaded = LoadReleaseSettings(&disk, "", dir.path(), "/usr/bin/x");
  EXPECT_EQ(loaded.file, dir.path() + "/.slugwright/release.json");
  EXPECT_EQ(loaded.app_root, dir.path());
  EXPECT_EQ(loaded.app, "commonwealth-frick");
  EXPECT_EQ(loaded.settings.migrations_dir, "packages/commonwealth/migrations");
  EXPECT_EQ(loaded.settings.transaction, ReleaseSettings::TransactionMode::kAll);
  EXPECT_EQ(loaded.settings.on_failure, ReleaseSettings::OnFailure::kRollbackRelease);
  EXPECT_EQ(loaded.settings.lock_retries, 5);
  ASSERT_EQ(loaded.settings.hooks.before.size(), 1u);
}

TEST(ReleaseFile, TheBuildsCommitAndCoordinationAreRead) {
  ScopedTempDir dir;
  std::string json = kReleaseJson;
  json.replace(json.find("\"app\""), 0, "\"commit\": \"abc123\", ");
  json.replace(json.find("\"hooks\""), 0, "\"coordinate\": \"commit\", ");
  dir.Write(".slugwright/release.json", json);
  RealDiskInterface disk;
  LoadedReleaseSettings loaded = LoadReleaseSettings(&disk, "", dir.path(), "/usr/bin/x");
  EXPECT_EQ(loaded.commit, "abc123");
  EXPECT_EQ(loaded.settings.coordinate, ReleaseSettings::Coordinate::kCommit);
  // Files written before either existed: no commit, coordinate auto.
  dir.Write(".slugwright/release.json", kReleaseJson);
  loaded = LoadReleaseSettings(&disk, "", dir.path(), "/usr/bin/x");
  EXPECT_EQ(loaded.commit, "");
  EXPECT_EQ(loaded.settings.coordinate, ReleaseSettings::Coordinate::kAuto);
}

TEST(ReleaseFile, FoundBesideTheBinaryInTheSlug) {
  ScopedTempDir slug, elsewhere;
  slug.Write(".slugwright/release.json", kReleaseJson);
  RealDiskInterface disk;
  LoadedReleaseSettings loaded = LoadReleaseSettings(
      &disk, "", elsewhere.path(), slug.path() + "/.slugwright/bin/slugwright");
  EXPECT_EQ(loaded.file, slug.path() + "/.slugwright/release.json");
  EXPECT_EQ(loaded.app_root, slug.path());
  EXPECT_EQ(JoinAppPath(loaded.app_root, loaded.settings.migrations_dir),
            slug.path() + "/packages/commonwealth/migrations");
}

TEST(ReleaseFile, DefaultsWithoutAFile) {
  ScopedTempDir dir;
  RealDiskInterface disk;
  LoadedReleaseSettings loaded = LoadReleaseSettings(&disk, "", dir.path(), "/usr/bin/slugwright");
  EXPECT_EQ(loaded.file, "");
  EXPECT_EQ(loaded.app_root, dir.path());
  EXPECT_EQ(loaded.settings.migrations_dir, "migrations");
  EXPECT_EQ(loaded.settings.lock_wait_seconds, 600);
}

TEST(ReleaseFile, MalformedOrMissingExplicitFileIsAUsageError) {
  ScopedTempDir dir;
  std::string bad = dir.Write("bad.json", "{\"release\": {\"migrations\": 3}}");
  RealDiskInterface disk;
  try {
    LoadReleaseSettings(&disk, bad, dir.path(), "");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitUsage);
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos);
  }
  EXPECT_THROW(LoadReleaseSettings(&disk, dir.path() + "/none.json", dir.path(), ""), UserError);
}

TEST(ReleaseFile, JoinAppPathKeepsRelativePathsShort) {
  EXPECT_EQ(JoinAppPath("", "migrations"), "migrations");
  EXPECT_EQ(JoinAppPath(".", "migrations"), "migrations");
  EXPECT_EQ(JoinAppPath("/app", "db/migrations"), "/app/db/migrations");
  EXPECT_EQ(JoinAppPath("/app/", "m"), "/app/m");
  EXPECT_EQ(JoinAppPath("/app", "/abs"), "/abs");
}
