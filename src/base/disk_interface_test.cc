#include "base/disk_interface.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "testing/test_util.h"

TEST(RealDiskInterfaceTest, WritesAtomicallyAndLeavesNoTemporaryFiles) {
  ScopedTempDir dir;
  RealDiskInterface disk;
  std::string path = dir.Write("Procfile", "old\n");
  std::string err;
  ASSERT_TRUE(disk.WriteFileAtomically(path, "new\n", 0640, &err)) << err;
  EXPECT_EQ("new\n", dir.Read("Procfile"));
  struct stat st;
  ASSERT_EQ(0, stat(path.c_str(), &st));
  EXPECT_EQ(0640u, st.st_mode & 0777);
  std::vector<std::string> names;
  ASSERT_TRUE(disk.ListDirectory(dir.path(), &names, &err));
  EXPECT_EQ(std::vector<std::string>{"Procfile"}, names);
}

TEST(RealDiskInterfaceTest, FailedWriteLeavesTheOriginal) {
  ScopedTempDir dir;
  RealDiskInterface disk;
  dir.Write("app/Procfile", "web: original\n");
  // A directory where the file should go cannot be replaced by rename().
  dir.Write("app/Procfile2/x", "");
  std::string err;
  EXPECT_FALSE(disk.WriteFileAtomically(dir.path() + "/app/Procfile2", "web: new\n",
                                        0644, &err));
  EXPECT_NE(std::string::npos, err.find("Procfile2"));
  EXPECT_FALSE(disk.WriteFileAtomically(dir.path() + "/missing/Procfile", "x", 0644,
                                        &err));
  std::vector<std::string> names;
  ASSERT_TRUE(disk.ListDirectory(dir.path() + "/app", &names, &err));
  EXPECT_EQ((std::vector<std::string>{"Procfile", "Procfile2"}), names);
  EXPECT_EQ("web: original\n", dir.Read("app/Procfile"));
}

TEST(RealDiskInterfaceTest, ReadFileEnforcesTheLimit) {
  ScopedTempDir dir;
  RealDiskInterface disk;
  std::string path = dir.Write("big", std::string(1000, 'x'));
  std::string contents, err;
  EXPECT_TRUE(disk.ReadFile(path, 1000, &contents, &err));
  EXPECT_EQ(1000u, contents.size());
  EXPECT_FALSE(disk.ReadFile(path, 999, &contents, &err));
  EXPECT_NE(std::string::npos, err.find("limit"));
  EXPECT_FALSE(disk.ReadFile(dir.path() + "/nope", 10, &contents, &err));
}

TEST(RealDiskInterfaceTest, StatCanonicalAndFind) {
  ScopedTempDir dir;
  RealDiskInterface disk;
  dir.Write("a/Procfile", "web: a\n");
  dir.Write("node_modules/x/Procfile", "web: x\n");
  dir.Write(".git/Procfile", "web: x\n");
  dir.Write("b/c/Procfile", "web: c\n");
  dir.Symlink("a", "link");
  dir.Symlink("loop2", "loop1");
  dir.Symlink("loop1", "loop2");
  EXPECT_EQ(DiskInterface::Kind::kDirectory, disk.Stat(dir.path() + "/a"));
  EXPECT_EQ(DiskInterface::Kind::kFile, disk.Stat(dir.path() + "/a/Procfile"));
  EXPECT_EQ(DiskInterface::Kind::kMissing, disk.Stat(dir.path() + "/loop1"));
  EXPECT_TRUE(disk.IsSymlink(dir.path() + "/loop1"));
  std::string real, err;
  EXPECT_FALSE(disk.Canonical(dir.path() + "/loop1", &real, &err));
  ASSERT_TRUE(disk.Canonical(dir.path() + "/link/Procfile", &real, &err));
  EXPECT_NE(std::string::npos, real.find("/a/Procfile"));
  EXPECT_EQ((std::vector<std::string>{"Procfile"}).size(), 1u);
  EXPECT_EQ((std::vector<std::string>{"a/Procfile", "b/c/Procfile"}),
            disk.FindFiles(dir.path(), "Procfile"));
}

namespace {

/// Points $TMPDIR somewhere else for one test.
class ScopedTmpdir {
 public:
  explicit ScopedTmpdir(const std::string& dir) {
    const char* saved = getenv("TMPDIR");
    had_ = saved != nullptr;
    if (had_) saved_ = saved;
    setenv("TMPDIR", dir.c_str(), 1);
  }
  ~ScopedTmpdir() {
    if (had_) {
      setenv("TMPDIR", saved_.c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
  }

 private:
  bool had_ = false;
  std::string saved_;
};

}  // namespace

TEST(RealDiskInterfaceTest, MakesPrivateTempDirsUnderTmpdirAndRemovesThemWhole) {
  ScopedTempDir tmp;
  ScopedTmpdir tmpdir(tmp.path());
  RealDiskInterface disk;
  std::string a, b, err;
  ASSERT_TRUE(disk.MakeTempDir("slugwright-x-", &a, &err)) << err;
  ASSERT_TRUE(disk.MakeTempDir("slugwright-x-", &b, &err)) << err;
  EXPECT_NE(a, b);
  EXPECT_EQ(0u, a.find(tmp.path() + "/slugwright-x-")) << a;
  struct stat st;
  ASSERT_EQ(0, stat(a.c_str(), &st));
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(0700u, st.st_mode & 0777);
  ASSERT_TRUE(disk.WriteFileAtomically(a + "/f", "x", 0600, &err)) << err;
  ASSERT_TRUE(disk.MakeDirs(a + "/d/e", &err)) << err;
  ASSERT_TRUE(disk.RemoveAll(a, &err)) << err;
  EXPECT_EQ(DiskInterface::Kind::kMissing, disk.Stat(a));
  EXPECT_EQ(DiskInterface::Kind::kDirectory, disk.Stat(b));
  EXPECT_TRUE(disk.RemoveAll(a, &err)) << err;  // already gone
}

TEST(RealDiskInterfaceTest, MakeTempDirReportsAMissingTmpdir) {
  ScopedTempDir tmp;
  ScopedTmpdir tmpdir(tmp.path() + "/missing");
  RealDiskInterface disk;
  std::string path, err;
  EXPECT_FALSE(disk.MakeTempDir("slugwright-x-", &path, &err));
  EXPECT_NE(std::string::npos, err.find("creating a temporary directory (" + tmp.path() +
                                        "/missing/slugwright-x-XXXXXX): "))
      << err;
}

TEST(RealDiskInterfaceTest, ListsEntriesWithTheKindsTheListingKnows) {
  ScopedTempDir dir;
  RealDiskInterface disk;
  dir.Write("b.sql", "x");
  dir.Write("a/inner", "");
  ASSERT_EQ(0, mkfifo((dir.path() + "/c.fifo").c_str(), 0600));
  ASSERT_EQ(0, symlink("b.sql", (dir.path() + "/d.link").c_str()));
  std::vector<DiskInterface::Entry> entries;
  std::string err;
  ASSERT_TRUE(disk.ListDirectoryEntries(dir.path(), &entries, &err)) << err;
  ASSERT_EQ(4u, entries.size());
  EXPECT_EQ("a", entries[0].name);
  EXPECT_EQ("b.sql", entries[1].name);
  EXPECT_EQ("c.fifo", entries[2].name);
  EXPECT_EQ("d.link", entries[3].name);
  // Whatever the file system tells, a known kind is what Stat() says, and
  // a symlink is left to Stat() to follow.
  for (const DiskInterface::Entry& e : entries) {
    if (!e.kind_known) continue;
    EXPECT_EQ(disk.Stat(dir.path() + "/" + e.name), e.kind) << e.name;
  }
  EXPECT_FALSE(entries[3].kind_known);
  std::vector<std::string> names;
  ASSERT_TRUE(disk.ListDirectory(dir.path(), &names, &err));
  EXPECT_EQ((std::vector<std::string>{"a", "b.sql", "c.fifo", "d.link"}), names);
  EXPECT_FALSE(disk.ListDirectoryEntries(dir.path() + "/missing", &entries, &err));
  EXPECT_NE(std::string::npos, err.find("missing: No such file or directory")) << err;
}

TEST(RealDiskInterfaceTest, StatMetadataTellsAFilesSizeAndTimeToTheNanosecond) {
  ScopedTempDir dir;
  std::string path = dir.Write("a.sql", "SELECT 1;\n");
  struct timespec times[2] = {{0, UTIME_NOW}, {1700000000, 123456789}};
  ASSERT_EQ(0, utimensat(AT_FDCWD, path.c_str(), times, 0));
  RealDiskInterface disk;
  DiskInterface::FileMetadata metadata;
  ASSERT_TRUE(disk.StatMetadata(path, &metadata));
  EXPECT_EQ(10, metadata.size);
  EXPECT_EQ(1700000000, metadata.mtime_seconds);
  EXPECT_EQ(123456789, metadata.mtime_nanoseconds);
  // Nothing to tell of a directory or a missing file.
  EXPECT_FALSE(disk.StatMetadata(dir.path(), &metadata));
  EXPECT_FALSE(disk.StatMetadata(dir.path() + "/missing.sql", &metadata));
}

TEST(RealDiskInterfaceTest, ListDirectoryStatTellsWhatStatAndStatMetadataSayOfEachEntry) {
  ScopedTempDir dir;
  RealDiskInterface disk;
  std::string file = dir.Write("b.sql", "SELECT 1;\n");
  struct timespec times[2] = {{0, UTIME_NOW}, {1700000000, 123456789}};
  ASSERT_EQ(0, utimensat(AT_FDCWD, file.c_str(), times, 0));
  dir.Write("a/inner", "");
  ASSERT_EQ(0, mkfifo((dir.path() + "/c.fifo").c_str(), 0600));
  ASSERT_EQ(0, symlink("b.sql", (dir.path() + "/d.link").c_str()));
  ASSERT_EQ(0, symlink("nowhere", (dir.path() + "/e.dangling").c_str()));
  std::vector<DiskInterface::StatEntry> entries;
  std::string err;
  ASSERT_TRUE(disk.ListDirectoryStat(dir.path(), &entries, &err)) << err;
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  ASSERT_EQ(5u, entries.size());
  using Kind = DiskInterface::Kind;
  EXPECT_EQ(Kind::kDirectory, entries[0].kind);
  EXPECT_EQ(Kind::kFile, entries[1].kind);
  EXPECT_EQ(10, entries[1].metadata.size);
  EXPECT_EQ(1700000000, entries[1].metadata.mtime_seconds);
  EXPECT_EQ(123456789, entries[1].metadata.mtime_nanoseconds);
  EXPECT_EQ(Kind::kOther, entries[2].kind);
  // A symbolic link is followed, as Stat() does.
  EXPECT_EQ(Kind::kFile, entries[3].kind);
  EXPECT_EQ(10, entries[3].metadata.size);
  EXPECT_EQ(Kind::kMissing, entries[4].kind);
  // The fakes' default says the same of the same directory.
  struct ListingOnly : RealDiskInterface {
    bool ListDirectoryStat(const std::string& path, std::vector<StatEntry>* entries,
                           std::string* err) override {
      return DiskInterface::ListDirectoryStat(path, entries, err);
    }
  } listing_only;
  std::vector<DiskInterface::StatEntry> by_default;
  ASSERT_TRUE(listing_only.ListDirectoryStat(dir.path(), &by_default, &err)) << err;
  ASSERT_EQ(entries.size(), by_default.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].name, by_default[i].name);
    EXPECT_EQ(entries[i].kind, by_default[i].kind) << entries[i].name;
    EXPECT_EQ(entries[i].metadata.size, by_default[i].metadata.size) << entries[i].name;
    EXPECT_EQ(entries[i].metadata.mtime_nanoseconds, by_default[i].metadata.mtime_nanoseconds);
  }
  EXPECT_FALSE(disk.ListDirectoryStat(dir.path() + "/missing", &entries, &err));
  EXPECT_NE(std::string::npos, err.find("missing: No such file or directory")) << err;
}
