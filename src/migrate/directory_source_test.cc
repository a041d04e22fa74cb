#include "migrate/directory_source.h"

#include <unistd.h>

#include <functional>
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
  /// Every path ReadFile was asked for, in order.
  std::vector<std::string> read_paths;
  /// Modification times by path (default kDefaultMtime); sizes are the
  /// contents'. With tells_metadata false, StatMetadata knows nothing.
  std::map<std::string, FileMetadata> mtimes;
  bool tells_metadata = true;
  static constexpr int64_t kDefaultMtime = 1700000000;

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
    read_paths.push_back(path);
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
  bool StatMetadata(const std::string& path, FileMetadata* metadata) override {
    auto it = files.find(path);
    if (!tells_metadata || it == files.end()) return false;
    auto time = mtimes.find(path);
    *metadata = time != mtimes.end() ? time->second : FileMetadata{0, kDefaultMtime, 123456789};
    metadata->size = static_cast<int64_t>(it->second.size());
    return true;
  }
  /// Rewrites `path` as an editor does: new contents, a later time.
  void Edit(const std::string& path, const std::string& contents) {
    files[path] = contents;
    mtimes[path] = FileMetadata{0, kDefaultMtime + 60, 5};
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

// --- The migrations manifest ---

namespace {

/// Every field of two indexed migrations is the same.
void ExpectSameIndex(const Migration& read, const Migration& from_manifest) {
  SCOPED_TRACE(read.up_path);
  EXPECT_EQ(read.version, from_manifest.version);
  EXPECT_EQ(read.name, from_manifest.name);
  EXPECT_EQ(read.up_path, from_manifest.up_path);
  EXPECT_EQ(read.down_path, from_manifest.down_path);
  EXPECT_EQ(read.up_sql, from_manifest.up_sql);
  EXPECT_EQ(read.down_sql, from_manifest.down_sql);
  EXPECT_EQ(read.has_down, from_manifest.has_down);
  EXPECT_EQ(read.up_in_transaction, from_manifest.up_in_transaction);
  EXPECT_EQ(read.down_in_transaction, from_manifest.down_in_transaction);
  EXPECT_EQ(read.up_blank, from_manifest.up_blank);
  EXPECT_EQ(read.up_first_line, from_manifest.up_first_line);
  EXPECT_EQ(read.down_first_line, from_manifest.down_first_line);
  EXPECT_EQ(read.checksum, from_manifest.checksum);
  EXPECT_EQ(read.sql_checked, from_manifest.sql_checked);
  EXPECT_EQ(read.split_options.standard_conforming_strings,
            from_manifest.split_options.standard_conforming_strings);
}

/// Every layout, a blank up section among them, and its manifest at
/// "app/.slugwright/migrations.manifest".
void AddLayoutsAndManifest(FakeDisk* disk) {
  AddEveryLayout(disk);
  disk->AddFile("m/6_blank.sql", "-- migrate:up\n\n-- migrate:down\nSELECT 1;\n");
  disk->AddFile("app/.slugwright/migrations.manifest",
                FormatMigrationsManifest(DirectorySource(disk, "m").RecordManifest("m")));
}

constexpr char kManifest[] = "app/.slugwright/migrations.manifest";

/// The migration files read since `from` (the manifest aside).
std::vector<std::string> MigrationFilesRead(const FakeDisk& disk, size_t from) {
  std::vector<std::string> read;
  for (size_t i = from; i < disk.read_paths.size(); ++i)
    if (disk.read_paths[i] != kManifest) read.push_back(disk.read_paths[i]);
  return read;
}

}  // namespace

TEST(DirectorySourceManifestTest, AFreshManifestGivesTheSameIndexWithoutReadingAFile) {
  FakeDisk disk;
  AddLayoutsAndManifest(&disk);
  std::vector<Migration> read = DirectorySource(&disk, "m").ReadIndex();

  DirectorySource source(&disk, "m");
  EXPECT_EQ(DirectorySource::ManifestLoad::State::kUsed,
            source.UseManifest(kManifest, "m").state);
  size_t before = disk.read_paths.size();
  std::vector<Migration> index = source.ReadIndex();
  EXPECT_EQ(std::vector<std::string>{}, MigrationFilesRead(disk, before));
  ASSERT_EQ(read.size(), index.size());
  for (size_t i = 0; i < read.size(); ++i) ExpectSameIndex(read[i], index[i]);
  // A pending migration is still read and checked in full.
  Migration checked = source.ReadChecked(index[2]);
  EXPECT_EQ("SELECT 3;", checked.up_sql);
  EXPECT_EQ("SELECT -3;", checked.down_sql);
  EXPECT_EQ((std::vector<std::string>{"m/3_pair.up.sql", "m/3_pair.down.sql"}),
            MigrationFilesRead(disk, before));
}

TEST(DirectorySourceManifestTest, AFileEditedAfterTheManifestIsReadWithTheSameSize) {
  FakeDisk disk;
  AddLayoutsAndManifest(&disk);
  const std::string path = "m/4_plain.up.sql";
  std::string edited = disk.files[path];
  edited.replace(edited.find("4"), 1, "5");  // same size, a later time
  disk.Edit(path, edited);
  DirectorySource source(&disk, "m");
  source.UseManifest(kManifest, "m");
  size_t before = disk.read_paths.size();
  std::vector<Migration> index = source.ReadIndex();
  EXPECT_EQ(std::vector<std::string>{path}, MigrationFilesRead(disk, before));
  EXPECT_EQ(DirectorySource(&disk, "m").ReadIndex()[3].checksum, index[3].checksum);
  EXPECT_NE(MigrationChecksum("SELECT 4;"), index[3].checksum);
}

TEST(DirectorySourceManifestTest, OnlyFilesTheManifestDoesNotDescribeAreRead) {
  FakeDisk disk;
  AddLayoutsAndManifest(&disk);
  disk.AddFile("m/7_new.sql", "-- migrate:up\nSELECT 7;\n");        // not in it
  disk.files["m/1_dbmate.sql"] += "-- more\n";                        // another size
  disk.mtimes["m/2_crlf_bom.sql"] = {0, FakeDisk::kDefaultMtime, 0};  // whole seconds
  disk.files.erase("m/5_comments_only.sql");                           // gone: no matter
  DirectorySource source(&disk, "m");
  source.UseManifest(kManifest, "m");
  size_t before = disk.read_paths.size();
  std::vector<Migration> index = source.ReadIndex();
  EXPECT_EQ((std::vector<std::string>{"m/1_dbmate.sql", "m/7_new.sql"}),
            MigrationFilesRead(disk, before));
  std::vector<Migration> read = DirectorySource(&disk, "m").ReadIndex();
  ASSERT_EQ(read.size(), index.size());
  for (size_t i = 0; i < read.size(); ++i) ExpectSameIndex(read[i], index[i]);
}

TEST(DirectorySourceManifestTest, WithoutAUsableManifestEveryFileIsRead) {
  struct Case {
    std::string manifest;  // "" none
    std::string directory;
    DirectorySource::ManifestLoad::State state;
    std::string problem;
  };
  FakeDisk recorded;
  AddLayoutsAndManifest(&recorded);
  const std::string good = recorded.files[kManifest];
  using State = DirectorySource::ManifestLoad::State;
  for (const Case& c : std::vector<Case>{
           {"", "m", State::kMissing, ""},
           {"{\"format\": ", "m", State::kRejected,
            "line 1: expected `# slugwright-migrations-manifest 1`"},
           {good.substr(0, good.rfind('\t')), "m", State::kRejected,
            "line 10: expected 11 tab-separated fields, found 10"},
           {good, "db/migrations", State::kOtherDirectory, ""},
       }) {
    SCOPED_TRACE(c.manifest);
    FakeDisk disk;
    AddEveryLayout(&disk);
    disk.AddFile("m/6_blank.sql", "-- migrate:up\n\n-- migrate:down\nSELECT 1;\n");
    if (!c.manifest.empty()) disk.AddFile(kManifest, c.manifest);
    DirectorySource source(&disk, "m");
    DirectorySource::ManifestLoad load = source.UseManifest(kManifest, c.directory);
    EXPECT_EQ(c.state, load.state);
    EXPECT_EQ(c.problem, load.problem);
    EXPECT_EQ(kManifest, load.path);
    if (c.state == State::kOtherDirectory) {
      EXPECT_EQ("m", load.recorded_directory);
    }
    size_t before = disk.read_paths.size();
    EXPECT_EQ(6u, source.ReadIndex().size());
    EXPECT_EQ(7u, MigrationFilesRead(disk, before).size());  // 3_pair is two files
  }
  // An unreadable manifest is only a reason to read the files.
  FakeDisk disk;
  AddLayoutsAndManifest(&disk);
  disk.unreadable.insert(kManifest);
  DirectorySource source(&disk, "m");
  DirectorySource::ManifestLoad load = source.UseManifest(kManifest, "m");
  EXPECT_EQ(State::kRejected, load.state);
  EXPECT_EQ(std::string(kManifest) + ": Permission denied", load.problem);
  EXPECT_EQ(6u, source.ReadIndex().size());
}

TEST(DirectorySourceManifestTest, ADiskThatDoesNotTellMetadataReadsEveryFile) {
  FakeDisk disk;
  AddLayoutsAndManifest(&disk);
  disk.tells_metadata = false;
  DirectorySource source(&disk, "m");
  ASSERT_EQ(DirectorySource::ManifestLoad::State::kUsed,
            source.UseManifest(kManifest, "m").state);
  size_t before = disk.read_paths.size();
  source.ReadIndex();
  EXPECT_EQ(7u, MigrationFilesRead(disk, before).size());
  // Nor can such a disk's files be recorded.
  EXPECT_TRUE(DirectorySource(&disk, "m").RecordManifest("m").files.empty());
}

TEST(DirectorySourceManifestTest, RecordingReportsABrokenDirectoryAsReadIndexDoes) {
  FakeDisk disk;
  disk.dirs = {"m"};
  disk.AddFile("m/1_a.sql", "-- migrate:up\nSELECT 1;\n");
  disk.AddFile("m/01_b.sql", "-- migrate:up\nSELECT 1;\n");
  EXPECT_NE(std::string::npos,
            UsageError([&] { DirectorySource(&disk, "m").RecordManifest("m"); })
                .find("version 1 is also the version of"));
}

// --- The recorded index: a no-op release's proof from the manifest ---

namespace {

/// Every layout (no blank up section) and its manifest, in use by `source`.
void AddLayoutsAndUseManifest(FakeDisk* disk, DirectorySource* source) {
  AddEveryLayout(disk);
  disk->AddFile(kManifest,
                FormatMigrationsManifest(DirectorySource(disk, "m").RecordManifest("m")));
  ASSERT_EQ(DirectorySource::ManifestLoad::State::kUsed, source->UseManifest(kManifest, "m").state);
}

}  // namespace

TEST(DirectorySourceRecordedIndexTest, AFreshManifestGivesReadIndexsVersionsAndChecksumsUnread) {
  FakeDisk disk;
  DirectorySource source(&disk, "m");
  AddLayoutsAndUseManifest(&disk, &source);
  size_t before = disk.read_paths.size();
  std::vector<RecordedMigration> recorded;
  ASSERT_TRUE(source.ReadRecordedIndex(&recorded));
  EXPECT_EQ(std::vector<std::string>{}, MigrationFilesRead(disk, before));
  std::vector<Migration> read = DirectorySource(&disk, "m").ReadIndex();
  ASSERT_EQ(read.size(), recorded.size());  // the pair is one migration
  for (size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].version, recorded[i].version);
    EXPECT_EQ(read[i].checksum, recorded[i].checksum) << read[i].up_path;
  }
}

TEST(DirectorySourceRecordedIndexTest, AnyDifferenceFromTheManifestIsNoProof) {
  using Change = std::function<void(FakeDisk*)>;
  const std::vector<std::pair<std::string, Change>> changes = {
      {"an edit of the same size, later",
       [](FakeDisk* d) {
         std::string edited = d->files["m/4_plain.up.sql"];
         edited.replace(edited.find("4"), 1, "5");
         d->Edit("m/4_plain.up.sql", edited);
       }},
      {"another size", [](FakeDisk* d) { d->files["m/1_dbmate.sql"] += "-- more\n"; }},
      {"a new file", [](FakeDisk* d) { d->AddFile("m/7_new.sql", "-- migrate:up\nSELECT 7;\n"); }},
      {"a file gone", [](FakeDisk* d) { d->files.erase("m/5_comments_only.sql"); }},
      {"a down file gone", [](FakeDisk* d) { d->files.erase("m/3_pair.down.sql"); }},
      {"a blank up section",
       [](FakeDisk* d) {
         d->AddFile("m/6_blank.sql", "-- migrate:up\n\n-- migrate:down\nSELECT 1;\n");
         d->files[kManifest] =
             FormatMigrationsManifest(DirectorySource(d, "m").RecordManifest("m"));
       }},
      {"a version twice", [](FakeDisk* d) {
         d->AddFile("m/01_again.sql", d->files["m/1_dbmate.sql"]);
         // Recorded by hand: RecordManifest refuses the directory.
         MigrationsManifest m;
         std::string problem;
         ASSERT_TRUE(ParseMigrationsManifest(d->files[kManifest], &m, &problem)) << problem;
         MigrationsManifestFile again = *m.Find("1_dbmate.sql");
         again.name = "01_again.sql";
         m.files.insert(m.files.begin(), again);
         d->files[kManifest] = FormatMigrationsManifest(m);
       }},
  };
  for (const auto& [what, change] : changes) {
    SCOPED_TRACE(what);
    FakeDisk disk;
    DirectorySource source(&disk, "m");
    AddLayoutsAndUseManifest(&disk, &source);
    change(&disk);
    source.UseManifest(kManifest, "m");
    std::vector<RecordedMigration> recorded;
    EXPECT_FALSE(source.ReadRecordedIndex(&recorded));
    EXPECT_TRUE(recorded.empty());
  }
  // Without a manifest, or with a disk that tells no metadata.
  FakeDisk disk;
  AddEveryLayout(&disk);
  std::vector<RecordedMigration> recorded;
  EXPECT_FALSE(DirectorySource(&disk, "m").ReadRecordedIndex(&recorded));
  DirectorySource source(&disk, "m");
  AddLayoutsAndUseManifest(&disk, &source);
  disk.tells_metadata = false;
  EXPECT_FALSE(source.ReadRecordedIndex(&recorded));
}
