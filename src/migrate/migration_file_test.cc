#include "migrate/migration_file.h"

#include <gtest/gtest.h>

#include "base/checksum.h"
#include "base/exit_codes.h"
#include "testing/usage_error.h"

namespace {

/// Expects ParseMigrationFile(path, contents) to fail with a message that
/// starts with `prefix` and contains each of `parts`.
void ExpectFileError(const std::string& path, const std::string& contents,
                     const std::string& prefix,
                     const std::vector<std::string>& parts = {}) {
  std::string message =
      UsageError([&] { ParseMigrationFile(path, contents); });
  EXPECT_EQ(0u, message.find(prefix)) << "message: " << message;
  for (const std::string& part : parts)
    EXPECT_NE(std::string::npos, message.find(part))
        << "message: " << message << "\nlacks: " << part;
}

// --- dbmate-style files ---

TEST(ParseMigrationFileTest, ReadsDbmateFile) {
  const std::string path = "migrations/20240101120000_create_users.sql";
  Migration m = ParseMigrationFile(path,
                                   "-- Users of the app.\n"
                                   "/* owned by the accounts team */\n"
                                   "-- migrate:up\n"
                                   "\n"
                                   "CREATE TABLE users (id bigint);\n"
                                   "CREATE INDEX ON users (id);\n"
                                   "\n"
                                   "-- migrate:down\n"
                                   "DROP TABLE users;\n");
  EXPECT_EQ(20240101120000, m.version);
  EXPECT_EQ("create_users", m.name);
  EXPECT_EQ(path, m.up_path);
  EXPECT_EQ(path, m.down_path);
  EXPECT_EQ("CREATE TABLE users (id bigint);\nCREATE INDEX ON users (id);",
            m.up_sql);
  EXPECT_EQ(5, m.up_first_line);
  EXPECT_EQ("DROP TABLE users;", m.down_sql);
  EXPECT_EQ(9, m.down_first_line);
  EXPECT_TRUE(m.has_down);
  EXPECT_TRUE(m.up_in_transaction);
  EXPECT_TRUE(m.down_in_transaction);
  EXPECT_EQ(MigrationChecksum(m.up_sql), m.checksum);
}

TEST(ParseMigrationFileTest, ReadsTransactionOptions) {
  Migration m = ParseMigrationFile(
      "1_idx.sql",
      "-- migrate:up transaction:false\n"
      "CREATE INDEX CONCURRENTLY a ON t (a);\n"
      "--migrate:down   transaction:false  \n"
      "DROP INDEX CONCURRENTLY a;\n");
  EXPECT_FALSE(m.up_in_transaction);
  EXPECT_FALSE(m.down_in_transaction);
  m = ParseMigrationFile("1_idx.sql",
                         "-- migrate:up transaction:true\nSELECT 1;\n"
                         "-- migrate:down transaction:false\nSELECT 2;");
  EXPECT_TRUE(m.up_in_transaction);
  EXPECT_FALSE(m.down_in_transaction);
}

TEST(ParseMigrationFileTest, EmptyOrMissingDownSectionMeansNoDown) {
  for (const char* contents :
       {"-- migrate:up\nSELECT 1;\n",
        "-- migrate:up\nSELECT 1;\n-- migrate:down\n",
        "-- migrate:up\nSELECT 1;\n-- migrate:down\n-- irreversible\n\n"}) {
    Migration m = ParseMigrationFile("1_a.sql", contents);
    EXPECT_FALSE(m.has_down) << contents;
    EXPECT_EQ("", m.down_path) << contents;
    EXPECT_EQ("", m.down_sql) << contents;
    EXPECT_EQ("SELECT 1;", m.up_sql) << contents;
  }
}

TEST(ParseMigrationFileTest, ChecksumIgnoresLineEndingsBomAndDownSection) {
  const std::string lf =
      "-- migrate:up\nCREATE TABLE t (\n  a text DEFAULT 'x'\n);\n";
  std::string crlf, cr;
  for (char c : lf) {
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    cr += c == '\n' ? '\r' : c;
  }
  const std::string sum = ParseMigrationFile("1_a.sql", lf).checksum;
  EXPECT_EQ(sum, ParseMigrationFile("1_a.sql", crlf).checksum);
  EXPECT_EQ(sum, ParseMigrationFile("1_a.sql", cr).checksum);
  EXPECT_EQ(sum, ParseMigrationFile("1_a.sql", "\xEF\xBB\xBF" + crlf).checksum);
  // Adding or fixing a down section is not an edit of the migration.
  EXPECT_EQ(sum, ParseMigrationFile("1_a.sql", lf + "\n-- migrate:down\n"
                                                    "DROP TABLE t;\n")
                     .checksum);
  EXPECT_EQ(sum, ParseMigrationFile("1_a.sql", lf + "-- migrate:down\n"
                                                    "DROP TABLE IF EXISTS t;")
                     .checksum);
  // Nor is switching the transaction mode.
  EXPECT_EQ(sum, ParseMigrationFile("1_a.sql",
                                    "-- migrate:up transaction:false\n" +
                                        lf.substr(14))
                     .checksum);
  // A one-character change of the up SQL is.
  std::string edited = lf;
  edited[edited.find("'x'") + 1] = 'y';
  EXPECT_NE(sum, ParseMigrationFile("1_a.sql", edited).checksum);
}

TEST(ParseMigrationFileTest, LineNumbersWithCrlfAndBom) {
  Migration m = ParseMigrationFile(
      "1_a.sql", "\xEF\xBB\xBF-- x\r\n-- migrate:up\r\n\r\nSELECT 1;\r\n");
  EXPECT_EQ(4, m.up_first_line);
  EXPECT_EQ("SELECT 1;", m.up_sql);
  ExpectFileError("1_a.sql", "\xEF\xBB\xBF-- migrate:up\r\r\rSELECT 'x;\r\n",
                  "1_a.sql:4: unterminated quoted string `'x;`");
}

TEST(ParseMigrationFileTest, RejectsBadDbmateFiles) {
  const std::string p = "migrations/1_a.sql";
  ExpectFileError(p, "CREATE TABLE t (a int);\n", p + ": no `-- migrate:up` line",
                  {"`1_a.up.sql`"});
  ExpectFileError(p, "-- note\nSELECT 1;\n-- migrate:up\nSELECT 2;\n",
                  p + ":2: `SELECT 1;` before `-- migrate:up` (line 3)",
                  {"expected only comments"});
  ExpectFileError(p, "/* open\n-- migrate:up\nSELECT 1;\n",
                  p + ":1: unterminated block comment");
  ExpectFileError(p, "-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 1;\n",
                  p + ":1: `-- migrate:down` before any `-- migrate:up`");
  ExpectFileError(p, "-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n",
                  p + ":3: a second `-- migrate:up` (the first is on line 1)");
  ExpectFileError(p,
                  "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n"
                  "-- migrate:up\n",
                  p + ":5: a second `-- migrate:up` (the first is on line 1)");
  ExpectFileError(p,
                  "-- migrate:up\nSELECT 1;\n-- migrate:down\n-- migrate:down\n",
                  p + ":4: a second `-- migrate:down`");
  // A blank up section is read and marked (status lists it as pending
  // and empty, `up` refuses it: migration_checks.h).
  Migration blank = ParseMigrationFile(p, "-- migrate:up\n\n\n-- migrate:down\nSELECT 1;\n");
  EXPECT_TRUE(blank.up_blank);
  EXPECT_EQ(2, blank.up_first_line);
  // A section of comments only is a no-op (golang-migrate applies such
  // files), not blank.
  Migration comments_only = ParseMigrationFile(p, "-- migrate:up\n-- TODO\n/* later */\n");
  EXPECT_EQ("-- TODO\n/* later */", comments_only.up_sql);
  EXPECT_FALSE(comments_only.up_blank);
  ExpectFileError(p, "-- migrate:up transaction:off\nSELECT 1;\n",
                  p + ":1: unknown option `transaction:off` in "
                      "`-- migrate:up transaction:off`",
                  {"expected `transaction:false` or `transaction:true`"});
  ExpectFileError(p,
                  "-- migrate:up transaction:false transaction:true\nSELECT 1;",
                  p + ":1: `transaction:` given twice");
  ExpectFileError(p, "-- migrate:upp\nSELECT 1;\n",
                  p + ":1: `-- migrate:upp` is not a marker",
                  {"expected `-- migrate:up` or `-- migrate:down`"});
  ExpectFileError(p, "-- migrate:up\nSELECT 1;\n-- Migrate:Down\nSELECT 2;\n",
                  p + ":3: `-- Migrate:Down` is not a marker");
  ExpectFileError(p, "-- migrate: up\nSELECT 1;\n",
                  p + ":1: `-- migrate: up` is not a marker");
  ExpectFileError(p,
                  "-- slugwright: transaction:false\n-- migrate:up\nSELECT 1;",
                  p + ":1: `-- slugwright: transaction:false`: ",
                  {"expected `-- migrate:up transaction:false`"});
  ExpectFileError(p, "-- migrate:up\nSELECT $$ unclosed;\n-- migrate:down\n",
                  p + ":2: unterminated dollar-quoted string `$$ unclosed;`");
  ExpectFileError(p, "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 'x\n",
                  p + ":4: unterminated quoted string");
}

// --- golang-migrate-style files ---

TEST(ParseMigrationFileTest, ReadsUpAndDownFiles) {
  Migration up = ParseMigrationFile("m/002_add_email.up.sql",
                                    "ALTER TABLE users ADD email text;\n");
  EXPECT_EQ(2, up.version);
  EXPECT_EQ("add_email", up.name);
  EXPECT_EQ("m/002_add_email.up.sql", up.up_path);
  EXPECT_EQ("ALTER TABLE users ADD email text;", up.up_sql);
  EXPECT_EQ(1, up.up_first_line);
  EXPECT_TRUE(up.up_in_transaction);
  EXPECT_FALSE(up.has_down);
  EXPECT_EQ("", up.down_path);
  EXPECT_EQ(MigrationChecksum(up.up_sql), up.checksum);

  Migration down = ParseMigrationFile("m/002_add_email.down.sql",
                                      "\n\nALTER TABLE users DROP email;\n");
  EXPECT_EQ(2, down.version);
  EXPECT_EQ("add_email", down.name);
  EXPECT_TRUE(down.has_down);
  EXPECT_EQ("m/002_add_email.down.sql", down.down_path);
  EXPECT_EQ("ALTER TABLE users DROP email;", down.down_sql);
  EXPECT_EQ(3, down.down_first_line);
  EXPECT_EQ("", down.up_path);

  Migration comments_only =
      ParseMigrationFile("m/002_add_email.down.sql", "-- irreversible\n");
  EXPECT_FALSE(comments_only.has_down);
}

TEST(ParseMigrationFileTest, ReadsSlugwrightDirective) {
  const std::string sql = "CREATE INDEX CONCURRENTLY a ON t (a);\n";
  // As golang-migrate sends a file as one query, a file of one such
  // statement runs outside a transaction without the directive (it was
  // refused, so golang-migrate's own example directory did not run) ...
  EXPECT_FALSE(ParseMigrationFile("3_idx.up.sql", sql + "-- a trailing comment\n")
                   .up_in_transaction);
  EXPECT_FALSE(ParseMigrationFile("3_idx.down.sql", "DROP INDEX CONCURRENTLY a;")
                   .down_in_transaction);
  EXPECT_TRUE(ParseMigrationFile("3_idx.up.sql", "CREATE INDEX a ON t (a);").up_in_transaction);
  // ... but with another statement beside it, or the directive saying
  // transaction:true, it is refused before anything connects.
  ExpectFileError("3_idx.up.sql", "ALTER TABLE t ADD b int;\n" + sql,
                  "3_idx.up.sql:2: `CREATE INDEX CONCURRENTLY` cannot run inside a transaction "
                  "block, and this migration runs in one; add `-- slugwright: transaction:false`");
  ExpectFileError("3_idx.up.sql", "-- slugwright: transaction:true\n" + sql,
                  "3_idx.up.sql:2: `CREATE INDEX CONCURRENTLY` cannot run inside a transaction");
  Migration plain;
  plain.checksum = MigrationChecksum("CREATE INDEX CONCURRENTLY a ON t (a);");
  Migration m = ParseMigrationFile(
      "3_idx.up.sql", "\xEF\xBB\xBF-- slugwright: transaction:false\r\n" + sql);
  EXPECT_FALSE(m.up_in_transaction);
  EXPECT_EQ(2, m.up_first_line);
  EXPECT_EQ("CREATE INDEX CONCURRENTLY a ON t (a);", m.up_sql);
  EXPECT_EQ(plain.checksum, m.checksum);

  Migration down = ParseMigrationFile(
      "3_idx.down.sql", "--slugwright:transaction:false\nDROP INDEX a;");
  EXPECT_FALSE(down.down_in_transaction);
  EXPECT_TRUE(down.has_down);
}

TEST(ParseMigrationFileTest, RejectsBadPlainFiles) {
  ExpectFileError("m/3_a.up.sql", "SELECT 1;\n-- slugwright: transaction:false\n",
                  "m/3_a.up.sql:2: `-- slugwright: transaction:false` is not "
                  "the first line");
  ExpectFileError("m/3_a.up.sql", "-- slugwright:\nSELECT 1;",
                  "m/3_a.up.sql:1: `-- slugwright:` has no option");
  ExpectFileError("m/3_a.up.sql", "-- slugwright: transactions:false\nSELECT 1;",
                  "m/3_a.up.sql:1: unknown option `transactions:false`");
  ExpectFileError("m/3_a.up.sql", "-- migrate:up\nSELECT 1;\n",
                  "m/3_a.up.sql:1: `-- migrate:up` in a .up.sql file",
                  {"named `3_a.sql`"});
  ExpectFileError("m/3_a.down.sql", "SELECT 1;\n-- migrate:down\nSELECT 2;",
                  "m/3_a.down.sql:2: `-- migrate:down` in a .down.sql file");
  EXPECT_EQ("-- nothing yet", ParseMigrationFile("m/3_a.up.sql", "-- nothing yet\n").up_sql);
  ExpectFileError("m/3_a.up.sql", "SELECT \"a\n", "m/3_a.up.sql:1: unterminated "
                  "quoted identifier");
}

// --- Text checks, for every style ---

TEST(ParseMigrationFileTest, RejectsEmptyFiles) {
  ExpectFileError("1_a.sql", "", "1_a.sql: the file is empty",
                  {"expected `-- migrate:up`"});
  ExpectFileError("1_a.up.sql", " \r\n\t\n", "1_a.up.sql: the file is empty");
  ExpectFileError("1_a.down.sql", "\xEF\xBB\xBF\n",
                  "1_a.down.sql: the file is empty",
                  {"undoing `1_a.up.sql` (or no .down.sql file)"});
}

TEST(ParseMigrationFileTest, RejectsNulBytes) {
  ExpectFileError("1_a.up.sql", std::string("SELECT 1;\nSEL\0ECT 2;", 20),
                  "1_a.up.sql:2: NUL byte at column 4 (byte 14 of the file)",
                  {"expected a text file"});
}

TEST(ParseMigrationFileTest, RejectsInvalidUtf8) {
  struct Case {
    std::string contents;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"SELECT 'caf\xE9';", ":1: invalid UTF-8 sequence starting with "
                                 "byte 0xE9 at column 12 (byte 12 of"},
           {"SELECT 1;\r\n-- \xFF", ":2: invalid UTF-8 sequence starting with "
                                    "byte 0xFF at column 4 (byte 15 of"},
           {"\n\rSELECT '\xC0\xAF';", ":3: invalid UTF-8 sequence starting "
                                      "with byte 0xC0 at column 9"},
           {"SELECT '\xED\xA0\x80';", "byte 0xED at column 9"},  // Surrogate.
           {"SELECT '\xF4\x90\x80\x80';", "byte 0xF4 at column 9"},  // > 10FFFF.
           {"SELECT 1; -- \xE2\x82", "byte 0xE2 at column 14"},  // Truncated.
           {"SELECT '\xE2(\xA1';", "byte 0xE2 at column 9"},
           {"\xBB SELECT 1;", "byte 0xBB at column 1"},  // Lone continuation.
       }) {
    ExpectFileError("m/1_a.up.sql", c.contents, "m/1_a.up.sql:",
                    {c.message, "expected UTF-8 text"});
  }
  // Valid multi-byte text of every length passes.
  Migration m = ParseMigrationFile(
      "1_a.up.sql", "SELECT 'é € 𝄞 \xEF\xBB\xBF' AS \"ñ\";");
  EXPECT_EQ(1, m.version);
}

TEST(ParseMigrationFileTest, RejectsTooLargeFiles) {
  std::string big = "SELECT 1;\n" + std::string(kMaxMigrationFileBytes, ' ');
  ExpectFileError("1_a.up.sql", big, "1_a.up.sql: 16777226 bytes, larger than "
                  "the limit of 16 MiB");
  // At the limit is fine.
  big.resize(kMaxMigrationFileBytes);
  EXPECT_EQ("SELECT 1;", ParseMigrationFile("1_a.up.sql", big).up_sql);
}

}  // namespace
