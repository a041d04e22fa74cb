#include "migrate/migration_file_name.h"

#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "testing/usage_error.h"

namespace {

// --- File names ---

TEST(MigrationFileNameTest, RecognizesMigrationFiles) {
  EXPECT_TRUE(IsMigrationFileName("1_a.sql"));
  EXPECT_TRUE(IsMigrationFileName("1_a.SQL"));
  EXPECT_TRUE(IsMigrationFileName("schema.sql"));  // Then rejected by name.
  EXPECT_FALSE(IsMigrationFileName(".1_a.sql"));
  EXPECT_FALSE(IsMigrationFileName("1_a.sql~"));
  EXPECT_FALSE(IsMigrationFileName("README.md"));
  EXPECT_FALSE(IsMigrationFileName(""));
}

TEST(MigrationFileNameTest, TakesNamesApart) {
  MigrationFileName n =
      ParseMigrationFileName("migrations/20240101120000_create_users.sql");
  EXPECT_EQ(MigrationFileKind::kDbmate, n.kind);
  EXPECT_EQ(20240101120000, n.version);
  EXPECT_EQ("create_users", n.name);
  EXPECT_EQ("20240101120000_create_users", n.stem);

  n = ParseMigrationFileName("db/001_add.index.up.sql");
  EXPECT_EQ(MigrationFileKind::kUp, n.kind);
  EXPECT_EQ(1, n.version);
  EXPECT_EQ("add.index", n.name);
  EXPECT_EQ("001_add.index", n.stem);

  n = ParseMigrationFileName("0002_x.DOWN.SQL");
  EXPECT_EQ(MigrationFileKind::kDown, n.kind);
  EXPECT_EQ(2, n.version);
  EXPECT_EQ("x", n.name);

  n = ParseMigrationFileName("7_up.sql");  // A dbmate file named "up".
  EXPECT_EQ(MigrationFileKind::kDbmate, n.kind);
  EXPECT_EQ("up", n.name);

  n = ParseMigrationFileName("999999999999999999_max.sql");
  EXPECT_EQ(999999999999999999, n.version);
  n = ParseMigrationFileName("0_zero.sql");
  EXPECT_EQ(0, n.version);
}

// dbmate accepts `^\d+.*\.sql$`: a name after `-`, `_` or nothing at all.
TEST(MigrationFileNameTest, AcceptsDbmatesNameGrammar) {
  EXPECT_EQ("add_users", ParseMigrationFileName("db/20240101120000-add_users.sql").name);
  EXPECT_EQ(20240101120000, ParseMigrationFileName("db/20240101120000-add_users.sql").version);
  EXPECT_EQ("", ParseMigrationFileName("db/001.sql").name);
  EXPECT_EQ(1, ParseMigrationFileName("db/001.sql").version);
  EXPECT_EQ("", ParseMigrationFileName("db/001_.sql").name);
  EXPECT_EQ("a.b", ParseMigrationFileName("db/7a.b.sql").name);
}

TEST(MigrationFileNameTest, RejectsMalformedNames) {
  struct Case {
    std::string path;
    std::string part;
  };
  for (const Case& c : std::vector<Case>{
           {"m/create_users.sql", "`create_users.sql` does not start with a version"},
           {"m/001.up.sql", "`001` is not followed by `_`"},
           {"m/001-a.down.sql", "`001` is not followed by `_` and a name in `001-a.down.sql`"},
           {"m/001_.up.sql", "no name after `001_`"},
           {"m/1234567890123456789_a.sql", "has 19 digits; expected at most 18"},
           {"m/1_a\tb.sql", "`a\\x09b` holds a control character"},
           {"m/1_a.txt", "expected a name ending in `.sql`"},
       }) {
    std::string message = UsageError([&] { ParseMigrationFileName(c.path); });
    EXPECT_EQ(0u, message.find(c.path + ": ")) << message;
    EXPECT_NE(std::string::npos, message.find(c.part)) << message;
  }
}

}  // namespace
