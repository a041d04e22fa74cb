// RefuseMigrationsDirOutsideApp on real directories and symlinks.

#include "migrate/migrations_dir_check.h"

#include <gtest/gtest.h>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"

TEST(MigrationsDirCheck, AcceptsAFolderInsideTheAppAndASymlinkThatStaysInside) {
  ScopedTempDir tmp;
  tmp.Write("app/db/migrations/1_a.sql", "-- migrate:up\nSELECT 1;\n");
  tmp.Symlink(tmp.path() + "/app/db/migrations", "app/migrations");
  RealDiskInterface disk;
  std::string app = tmp.path() + "/app";
  RefuseMigrationsDirOutsideApp(&disk, app, "db/migrations", app + "/db/migrations");
  RefuseMigrationsDirOutsideApp(&disk, app, "migrations", app + "/migrations");
  RefuseMigrationsDirOutsideApp(&disk, app, "missing", app + "/missing");
}

TEST(MigrationsDirCheck, RefusesASymlinkLeadingOutOfTheApp) {
  ScopedTempDir tmp;
  tmp.Write("elsewhere/1_a.sql", "-- migrate:up\nSELECT 1;\n");
  tmp.Write("app/slugwright.yml", "");
  tmp.Symlink(tmp.path() + "/elsewhere", "app/db");
  RealDiskInterface disk;
  std::string app = tmp.path() + "/app";
  try {
    RefuseMigrationsDirOutsideApp(&disk, app, "db", app + "/db");
    FAIL() << "accepted a symlink out of the app";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitUsage);
    EXPECT_NE(std::string(e.what()).find("leads outside the app"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("elsewhere"), std::string::npos) << e.what();
  }
}
