#include "migrate/new_migration.h"

#include <gtest/gtest.h>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "migrate/migration_file.h"
#include "testing/fake_disk.h"
#include "testing/test_util.h"
#include "testing/usage_error.h"

namespace {

// --- migrate new ---

const std::time_t k20240102T030405Z = 1704164645;

TEST(CreateMigrationFileTest, CreatesDirectoryAndTemplate) {
  InMemoryDisk disk;
  std::string path =
      CreateMigrationFile(&disk, "db/migrations", "add_users-v2", k20240102T030405Z);
  EXPECT_EQ("db/migrations/20240102030405_add_users-v2.sql", path);
  EXPECT_TRUE(disk.dirs.count("db/migrations"));
  ASSERT_TRUE(disk.files.count(path));
  const std::string& contents = disk.files[path];
  EXPECT_EQ("-- migrate:up\n\n\n-- migrate:down\n\n", contents);
  // The untouched template is read as blank (pending, refused by `up`);
  // filled in, it is a migration.
  EXPECT_TRUE(ParseMigrationFile(path, contents).up_blank);
  std::string filled = contents;
  filled.insert(std::string("-- migrate:up\n").size(), "CREATE TABLE u ();");
  Migration m = ParseMigrationFile(path, filled);
  EXPECT_EQ(20240102030405, m.version);
  EXPECT_EQ("add_users-v2", m.name);
  EXPECT_FALSE(m.has_down);
  EXPECT_FALSE(m.up_blank);
}

TEST(CreateMigrationFileTest, RejectsBadNamesAndExistingVersions) {
  InMemoryDisk disk;
  for (const std::string& bad :
       {std::string(""), std::string("a b"), std::string("../x"),
        std::string("a.b"), std::string("ñ"), std::string(201, 'a')}) {
    std::string message = UsageError(
        [&] { CreateMigrationFile(&disk, "m", bad, k20240102T030405Z); });
    EXPECT_EQ(0u, message.find("invalid migration name `"))
        << bad << ": " << message;
    EXPECT_NE(std::string::npos, message.find("letters, digits, `_` or `-`"));
  }
  EXPECT_TRUE(disk.files.empty());
  EXPECT_TRUE(disk.dirs.empty());

  CreateMigrationFile(&disk, "m", "a", k20240102T030405Z);
  EXPECT_EQ(
      "m/20240102030405_a.sql already has the version 20240102030405; "
      "expected a new version (wait a second and run again)",
      UsageError([&] { CreateMigrationFile(&disk, "m", "b", k20240102T030405Z); }));
  EXPECT_EQ(0u, UsageError([&] {
                  CreateMigrationFile(&disk, "m", "a", k20240102T030405Z);
                }).find("m/20240102030405_a.sql already has the version"));
  // A second later is a new version.
  EXPECT_EQ("m/20240102030406_b.sql",
            CreateMigrationFile(&disk, "m", "b", k20240102T030405Z + 1));

  disk.AddFile("file", "");
  EXPECT_EQ(0u, UsageError([&] {
                  CreateMigrationFile(&disk, "file", "a", k20240102T030405Z);
                }).find("`file` is not a directory"));
}

TEST(CreateMigrationFileTest, WritesToARealDirectory) {
  ScopedTempDir tmp;
  RealDiskInterface disk;
  std::string path = CreateMigrationFile(&disk, tmp.path() + "/new/migrations",
                                         "first", k20240102T030405Z);
  EXPECT_EQ(tmp.path() + "/new/migrations/20240102030405_first.sql", path);
  std::string contents, err;
  ASSERT_TRUE(disk.ReadFile(path, 1000, &contents, &err)) << err;
  EXPECT_EQ("-- migrate:up\n\n\n-- migrate:down\n\n", contents);
}

}  // namespace
