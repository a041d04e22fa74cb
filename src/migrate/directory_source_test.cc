#include "migrate/directory_source.h"

#include <unistd.h>

#include <gtest/gtest.h>
#include <map>
#include <set>

#include "base/checksum.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"
#include "testing/usage_error.h"

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
