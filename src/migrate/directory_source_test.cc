#include "migrate/directory_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <set>

#include "base/checksum.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"

namespace {

/// An in-memory disk: files, directories and "other" entries (a FIFO) by
/// path, and paths whose reads fail.
struct FakeDisk : public DiskInterface {
  std::map<std::string, std::string> files;
  std::set<std::string> dirs;
  std::set<std::string> others;
  std::set<std::string> dangling;
  std::set<std::string> unreadable;
  int reads = 0;

  void AddFile(const std::string& path, const std::string& contents) {
    files[path] = contents;
  }

  /// `path` without a trailing slash, as the real disk reads it.
  static std::string Strip(std::string path) {
    if (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
  }

  Kind Stat(const std::string& given) override {
    std::string path = Strip(given);
    if (files.count(path)) return Kind::kFile;
    if (dirs.count(path)) return Kind::kDirectory;
    if (others.count(path)) return Kind::kOther;
    return Kind::kMissing;
  }
  bool IsSymlink(const std::string& path) override {
    return dangling.count(path) > 0;
  }
  bool ReadFile(const std::string& path, size_t limit, std::string* contents,
                std::string* err) override {
    ++reads;
    auto it = files.find(path);
    if (it == files.end() || unreadable.count(path)) {
      *err = path + ": Permission denied";
      return false;
    }
    if (it->second.size() > limit) {
      *err = path + ": larger than the limit of " + std::to_string(limit) +
             " bytes";
      return false;
    }
    *contents = it->second;
    return true;
  }
  bool WriteFileAtomically(const std::string& path, const std::string& contents,
                           int, std::string*) override {
    files[path] = contents;
    return true;
  }
  bool MakeDirs(const std::string& path, std::string*) override {
    dirs.insert(path);
    return true;
  }
  bool Canonical(const std::string& path, std::string* out,
                 std::string*) override {
    *out = path;
    return true;
  }
  bool ListDirectory(const std::string& given, std::vector<std::string>* names,
                     std::string* err) override {
    std::string path = Strip(given);
    if (!dirs.count(path)) {
      *err = path + ": No such file or directory";
      return false;
    }
    std::set<std::string> found;
    auto collect = [&](const std::string& p) {
      if (p.size() > path.size() + 1 && p.compare(0, path.size(), path) == 0 &&
          p[path.size()] == '/' && p.find('/', path.size() + 1) == std::string::npos)
        found.insert(p.substr(path.size() + 1));
    };
    for (const auto& f : files) collect(f.first);
    for (const auto& d : dirs) collect(d);
    for (const auto& o : others) collect(o);
    for (const auto& l : dangling) collect(l);
    names->assign(found.begin(), found.end());
    return true;
  }
  std::vector<std::string> FindFiles(const std::string&,
                                     const std::string&) override {
    return {};
  }
};

/// The message of the UserError(kExitUsage) that `f` throws, or "" with a
/// test failure.
template <typename F>
std::string UsageError(F f) {
  try {
    f();
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code()) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no UserError thrown";
  return "";
}

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

// --- Directories ---

TEST(DirectorySourceTest, ReadsSortedMigrationsAndIgnoresOtherEntries) {
  FakeDisk disk;
  disk.dirs = {"db/migrations", "db/migrations/archive",
               "db/migrations/9_dir.sql"};
  disk.AddFile("db/migrations/10_ten.sql", "-- migrate:up\nSELECT 10;\n");
  disk.AddFile("db/migrations/2_two.up.sql", "SELECT 2;\n");
  disk.AddFile("db/migrations/2_two.down.sql",
               "-- slugwright: transaction:false\nSELECT -2;\n");
  disk.AddFile("db/migrations/0003_three.up.sql", "SELECT 3;\n");
  disk.AddFile("db/migrations/README.md", "not SQL");
  disk.AddFile("db/migrations/.4_hidden.sql", "garbage");
  disk.AddFile("db/migrations/5_x.sql.orig", "garbage");
  disk.AddFile("db/migrations/archive/1_old.sql", "garbage");
  DirectorySource source(&disk, "db/migrations");
  EXPECT_EQ("db/migrations/", source.Describe());

  std::vector<Migration> all = source.ReadAll();
  ASSERT_EQ(3u, all.size());
  EXPECT_EQ(2, all[0].version);
  EXPECT_EQ("two", all[0].name);
  EXPECT_EQ("db/migrations/2_two.up.sql", all[0].up_path);
  EXPECT_EQ("db/migrations/2_two.down.sql", all[0].down_path);
  EXPECT_EQ("SELECT 2;", all[0].up_sql);
  EXPECT_EQ("SELECT -2;", all[0].down_sql);
  EXPECT_EQ(2, all[0].down_first_line);
  EXPECT_TRUE(all[0].has_down);
  EXPECT_TRUE(all[0].up_in_transaction);
  EXPECT_FALSE(all[0].down_in_transaction);
  EXPECT_EQ(3, all[1].version);
  EXPECT_FALSE(all[1].has_down);
  EXPECT_EQ("", all[1].down_path);
  EXPECT_EQ(10, all[2].version);
  EXPECT_EQ("db/migrations/10_ten.sql", all[2].up_path);
  EXPECT_EQ(4, disk.reads);  // Only the four migration files were read.
}

TEST(DirectorySourceTest, EmptyDirectoryHasNoMigrations) {
  FakeDisk disk;
  disk.dirs = {"migrations"};
  EXPECT_TRUE(DirectorySource(&disk, "migrations/").ReadAll().empty());
  EXPECT_EQ("migrations/", DirectorySource(&disk, "migrations/").Describe());
}

TEST(DirectorySourceTest, RejectsMissingDirectory) {
  FakeDisk disk;
  std::string message =
      UsageError([&] { DirectorySource(&disk, "migrations").ReadAll(); });
  EXPECT_NE(std::string::npos,
            message.find("the migrations directory `migrations` does not "
                         "exist; expected a directory"))
      << message;
  disk.AddFile("migrations", "");
  message = UsageError([&] { DirectorySource(&disk, "migrations").ReadAll(); });
  EXPECT_NE(std::string::npos, message.find("`migrations` is not a directory"))
      << message;
}

/// Reads a directory `m` holding `files` and returns the error message.
std::string DirectoryError(const std::map<std::string, std::string>& files) {
  FakeDisk disk;
  disk.dirs = {"m"};
  for (const auto& [name, contents] : files) disk.AddFile("m/" + name, contents);
  return UsageError([&] { DirectorySource(&disk, "m").ReadAll(); });
}

TEST(DirectorySourceTest, RejectsInconsistentSets) {
  const std::string up = "-- migrate:up\nSELECT 1;\n";
  struct Case {
    std::map<std::string, std::string> files;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{{"1_a.down.sql", "SELECT 1;"}},
            "m/1_a.down.sql: no `1_a.up.sql` beside it; expected a .down.sql "
            "file next to the .up.sql it undoes"},
           {{{"1_a.up.sql", "SELECT 1;"}, {"1_b.down.sql", "SELECT 1;"}},
            "m/1_b.down.sql: no `1_b.up.sql` beside it (version 1 is "
            "m/1_a.up.sql)"},
           {{{"1_a.up.sql", "SELECT 1;"}, {"01_a.down.sql", "SELECT 1;"}},
            "m/01_a.down.sql: no `01_a.up.sql` beside it"},
           {{{"1_a.sql", up}, {"1_a.down.sql", "SELECT 1;"}},
            "m/1_a.down.sql: version 1 is also the dbmate-style migration "
            "m/1_a.sql; expected either one file"},
           {{{"1_a.sql", up}, {"1_b.up.sql", "SELECT 1;"}},
            "m/1_b.up.sql: version 1 is also the version of m/1_a.sql"},
           {{{"001_a.sql", up}, {"1_b.sql", up}},
            "m/1_b.sql: version 1 is also the version of m/001_a.sql; expected "
            "each version once (leading zeros do not count"},
           {{{"1_a.up.sql", "SELECT 1;"},
             {"1_a.DOWN.sql", "SELECT 1;"},
             {"1_a.down.sql", "SELECT 1;"}},
            "m/1_a.down.sql: a second down file for m/1_a.up.sql (the first is "
            "m/1_a.DOWN.sql)"},
           {{{"1_a.sql", up}, {"x_b.sql", up}},
            "m/x_b.sql: the name `x_b.sql` does not start with a version"},
       }) {
    EXPECT_EQ(c.message, DirectoryError(c.files).substr(0, c.message.size()));
  }
}

TEST(DirectorySourceTest, RejectsUnreadableEntries) {
  FakeDisk disk;
  disk.dirs = {"m"};
  disk.AddFile("m/1_a.up.sql", "SELECT 1;");
  disk.unreadable = {"m/1_a.up.sql"};
  EXPECT_EQ("cannot read migration file m/1_a.up.sql: Permission denied",
            UsageError([&] { DirectorySource(&disk, "m").ReadAll(); }));

  disk.unreadable.clear();
  disk.AddFile("m/2_big.up.sql", std::string(kMaxMigrationFileBytes + 1, ' '));
  EXPECT_EQ("cannot read migration file m/2_big.up.sql: larger than the limit "
            "of 16777216 bytes",
            UsageError([&] { DirectorySource(&disk, "m").ReadAll(); }));

  disk.files.erase("m/2_big.up.sql");
  disk.others = {"m/3_fifo.sql"};
  EXPECT_EQ("m/3_fifo.sql: not a regular file; expected a migration file",
            UsageError([&] { DirectorySource(&disk, "m").ReadAll(); }));

  disk.others.clear();
  disk.dangling = {"m/4_link.sql"};
  EXPECT_EQ(0u, UsageError([&] { DirectorySource(&disk, "m").ReadAll(); })
                    .find("m/4_link.sql: a dangling symbolic link"));
}

TEST(DirectorySourceTest, ReadsARealDirectory) {
  ScopedTempDir tmp;
  RealDiskInterface disk;
  std::string err;
  const std::string dir = tmp.path() + "/migrations";
  ASSERT_TRUE(disk.MakeDirs(dir + "/sub", &err)) << err;
  ASSERT_TRUE(disk.WriteFileAtomically(dir + "/1_a.up.sql", "SELECT 1;\n",
                                       0644, &err));
  ASSERT_TRUE(disk.WriteFileAtomically(
      dir + "/2_b.sql", "-- migrate:up\nSELECT 2;\n-- migrate:down\nSELECT 3;",
      0644, &err));
  ASSERT_TRUE(disk.WriteFileAtomically(dir + "/notes.txt", "x", 0644, &err));
  ASSERT_EQ(0, symlink("nowhere.sql", (dir + "/.hidden.sql").c_str()));
  std::vector<Migration> all = DirectorySource(&disk, dir).ReadAll();
  ASSERT_EQ(2u, all.size());
  EXPECT_EQ("SELECT 1;", all[0].up_sql);
  EXPECT_EQ(dir + "/2_b.sql", all[1].down_path);
  EXPECT_EQ("SELECT 3;", all[1].down_sql);
}

// --- migrate new ---

const std::time_t k20240102T030405Z = 1704164645;

TEST(CreateMigrationFileTest, CreatesDirectoryAndTemplate) {
  FakeDisk disk;
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
  FakeDisk disk;
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

// --- ReadIndex: laid out and hashed, not lexed ---

namespace {

/// Files of every layout, each valid, for comparing ReadIndex with ReadAll.
void AddEveryLayout(FakeDisk* disk) {
  disk->dirs = {"m"};
  disk->AddFile("m/1_dbmate.sql",
                "-- a comment\n-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n");
  disk->AddFile("m/2_crlf_bom.sql",
                "\xEF\xBB\xBF-- migrate:up transaction:false\r\n\r\nCREATE INDEX CONCURRENTLY i ON a (id);\r\n");
  disk->AddFile("m/3_pair.up.sql", "-- slugwright: transaction:false\nSELECT 3;\n");
  disk->AddFile("m/3_pair.down.sql", "SELECT -3;\n");
  disk->AddFile("m/4_plain.up.sql", "\n\nSELECT 4;\n\n");
  disk->AddFile("m/5_comments_only.sql", "-- migrate:up\n-- nothing to do\n");
}

}  // namespace

TEST(DirectorySourceIndexTest, IndexHasTheChecksumsAndLayoutOfReadAll) {
  FakeDisk disk;
  AddEveryLayout(&disk);
  DirectorySource source(&disk, "m");
  std::vector<Migration> all = source.ReadAll();
  std::vector<Migration> index = source.ReadIndex();
  ASSERT_EQ(all.size(), index.size());
  for (size_t i = 0; i < all.size(); ++i) {
    SCOPED_TRACE(all[i].up_path);
    EXPECT_TRUE(all[i].sql_checked);
    EXPECT_FALSE(index[i].sql_checked);
    EXPECT_EQ(all[i].version, index[i].version);
    EXPECT_EQ(all[i].name, index[i].name);
    EXPECT_EQ(all[i].up_path, index[i].up_path);
    EXPECT_EQ(all[i].checksum, index[i].checksum);
    EXPECT_EQ(all[i].up_in_transaction, index[i].up_in_transaction);
    EXPECT_EQ(all[i].up_first_line, index[i].up_first_line);
    EXPECT_EQ(all[i].up_blank, index[i].up_blank);
    EXPECT_EQ("", index[i].up_sql);  // not kept: only a pending one is read again
    Migration checked = source.ReadChecked(index[i]);
    EXPECT_TRUE(checked.sql_checked);
    EXPECT_EQ(all[i].up_sql, checked.up_sql);
    EXPECT_EQ(all[i].down_sql, checked.down_sql);
    EXPECT_EQ(all[i].down_path, checked.down_path);
    EXPECT_EQ(all[i].has_down, checked.has_down);
    EXPECT_EQ(all[i].down_in_transaction, checked.down_in_transaction);
    EXPECT_EQ(all[i].down_first_line, checked.down_first_line);
    EXPECT_EQ(all[i].checksum, checked.checksum);
  }
  EXPECT_EQ("m/3_pair.down.sql", index[2].down_path);  // where ReadChecked finds it
}

TEST(DirectorySourceIndexTest, SqlThatDoesNotLexIsOnlyReportedByReadChecked) {
  FakeDisk disk;
  disk.dirs = {"m"};
  disk.AddFile("m/1_a.sql", "-- migrate:up\nSELECT 1;\nSELECT 'x;\n");
  disk.AddFile("m/2_b.up.sql", "SELECT caf\xe9;\n");
  disk.AddFile("m/3_c.sql", "-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (c);\n");
  DirectorySource source(&disk, "m");
  EXPECT_EQ(0u, UsageError([&] { source.ReadAll(); })
                    .find("m/1_a.sql:3: unterminated quoted string `'x;`"));
  std::vector<Migration> index = source.ReadIndex();
  ASSERT_EQ(3u, index.size());
  EXPECT_EQ(MigrationChecksum("SELECT 1;\nSELECT 'x;"), index[0].checksum);
  EXPECT_EQ(0u, UsageError([&] { source.ReadChecked(index[0]); })
                    .find("m/1_a.sql:3: unterminated quoted string `'x;`"));
  EXPECT_EQ(0u, UsageError([&] { source.ReadChecked(index[1]); })
                    .find("m/2_b.up.sql:1: invalid UTF-8 sequence"));
  EXPECT_EQ(0u, UsageError([&] { source.ReadChecked(index[2]); })
                    .find("m/3_c.sql:2: `CREATE INDEX CONCURRENTLY` cannot run inside a transaction"));
}

TEST(DirectorySourceIndexTest, IndexStillRefusesWhatTheChecksumDependsOn) {
  FakeDisk disk;
  disk.dirs = {"m"};
  disk.AddFile("m/1_a.sql", "-- migrate:up\nSELECT 1;\n");
  disk.AddFile("m/01_b.sql", "-- migrate:up\nSELECT 1;\n");
  DirectorySource source(&disk, "m");
  EXPECT_NE(std::string::npos,
            UsageError([&] { source.ReadIndex(); }).find("version 1 is also the version of"));
  disk.files.erase("m/01_b.sql");
  for (const auto& [contents, message] : std::vector<std::pair<std::string, std::string>>{
           {"CREATE TABLE t (id int);\n", "m/1_a.sql: no `-- migrate:up` line"},
           {"-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n",
            "m/1_a.sql:3: a second `-- migrate:up`"},
           {"-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 1;\n",
            "m/1_a.sql:1: `-- migrate:down` before any `-- migrate:up`"},
           {"-- migrate:up transaction:maybe\nSELECT 1;\n", "m/1_a.sql:1: unknown option"},
           {"  \n", "m/1_a.sql: the file is empty"}}) {
    disk.files["m/1_a.sql"] = contents;
    EXPECT_EQ(0u, UsageError([&] { source.ReadIndex(); }).find(message)) << contents;
  }
  disk.files["m/1_a.sql"] = "-- migrate:up\n\n-- migrate:down\nSELECT 1;\n";
  EXPECT_TRUE(source.ReadIndex()[0].up_blank);
}
