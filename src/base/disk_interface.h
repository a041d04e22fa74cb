#ifndef SLUGWRIGHT_BASE_DISK_INTERFACE_H_
#define SLUGWRIGHT_BASE_DISK_INTERFACE_H_

#include <cstdint>
#include <string>
#include <vector>

/// Everything slugwright does to the file system goes through this
/// interface, so tests can substitute a disk that fails on demand.
struct DiskInterface {
  enum class Kind { kMissing, kFile, kDirectory, kOther };

  virtual ~DiskInterface() = default;

  /// What is at `path`, following symlinks (a dangling or looping link is
  /// kMissing).
  virtual Kind Stat(const std::string& path) = 0;
  /// True when `path` itself is a symbolic link.
  virtual bool IsSymlink(const std::string& path) = 0;
  /// Reads a whole file. At most `limit` bytes: a larger file is an error.
  virtual bool ReadFile(const std::string& path, size_t limit,
                        std::string* contents, std::string* err) = 0;
  /// Replaces `path` with `contents` so that a reader sees either the old
  /// file or the new one, never a part: write a temporary file beside it,
  /// flush it to disk, rename it over the original.
  virtual bool WriteFileAtomically(const std::string& path,
                                   const std::string& contents, int mode,
                                   std::string* err) = 0;
  /// Creates a directory and its parents.
  virtual bool MakeDirs(const std::string& path, std::string* err) = 0;
  /// The absolute path with every symlink, `.` and `..` resolved.
  virtual bool Canonical(const std::string& path, std::string* out,
                         std::string* err) = 0;
  /// The names of the entries of a directory (not `.` or `..`), sorted.
  virtual bool ListDirectory(const std::string& path,
                             std::vector<std::string>* names,
                             std::string* err) = 0;
  /// An entry of a directory, with its kind when the listing tells it
  /// without a stat (not for a symlink, nor on file systems that do not).
  struct Entry {
    std::string name;
    bool kind_known = false;
    Kind kind = Kind::kMissing;
  };
  /// ListDirectory with the kinds the listing knows, sorted by name. The
  /// default knows none, so fakes that only list names keep working.
  virtual bool ListDirectoryEntries(const std::string& path, std::vector<Entry>* entries,
                                    std::string* err);
  /// Files named `name` under `root`, as paths relative to it, sorted;
  /// skips `.git`, `node_modules` and `.slugwright`, does not follow
  /// symlinked directories.
  virtual std::vector<std::string> FindFiles(const std::string& root,
                                             const std::string& name) = 0;
  /// Creates a fresh, private (0700) directory under $TMPDIR (or /tmp)
  /// whose name starts with `prefix`, and sets `path` to it. A disk that
  /// holds no temporary directories refuses (the default), so fakes
  /// written before this existed keep compiling.
  virtual bool MakeTempDir(const std::string& prefix, std::string* path,
                           std::string* err);
  /// Removes `path` and everything under it; a missing path is no error.
  /// Refused by default, as MakeTempDir.
  virtual bool RemoveAll(const std::string& path, std::string* err);
  /// What a stat tells of a file without opening it: enough to notice that
  /// it changed since a manifest recorded it (migrate/migrations_manifest.h).
  struct FileMetadata {
    int64_t size = 0;
    /// The modification time: seconds since the epoch, and nanoseconds
    /// within that second (0 where the file system or an archive keeps
    /// whole seconds only).
    int64_t mtime_seconds = 0;
    int64_t mtime_nanoseconds = 0;
  };
  /// The metadata of the file at `path`, following symlinks. False when it
  /// is unknown; the default knows none, so a fake that does not tell it
  /// makes every reader read the file.
  virtual bool StatMetadata(const std::string& path, FileMetadata* metadata);
  /// An entry of a directory with what a stat of it says, following a
  /// symbolic link: its kind (kMissing for a dangling link), and for a
  /// regular file its metadata.
  struct StatEntry {
    std::string name;
    Kind kind = Kind::kMissing;
    FileMetadata metadata;
  };
  /// Every entry of a directory (not `.` or `..`), each stat'ed, in no
  /// particular order: for comparing a directory of 10,000 migrations
  /// with a manifest. The default asks ListDirectoryEntries, Stat and
  /// StatMetadata, so fakes keep working.
  virtual bool ListDirectoryStat(const std::string& path, std::vector<StatEntry>* entries,
                                 std::string* err);
};

/// The real file system.
struct RealDiskInterface : public DiskInterface {
  Kind Stat(const std::string& path) override;
  bool IsSymlink(const std::string& path) override;
  bool ReadFile(const std::string& path, size_t limit, std::string* contents,
                std::string* err) override;
  bool WriteFileAtomically(const std::string& path, const std::string& contents,
                           int mode, std::string* err) override;
  bool MakeDirs(const std::string& path, std::string* err) override;
  bool Canonical(const std::string& path, std::string* out,
                 std::string* err) override;
  bool ListDirectory(const std::string& path, std::vector<std::string>* names,
                     std::string* err) override;
  /// From readdir's d_type: a release lists 10,000 migrations without a
  /// stat for each.
  bool ListDirectoryEntries(const std::string& path, std::vector<Entry>* entries,
                            std::string* err) override;
  std::vector<std::string> FindFiles(const std::string& root,
                                     const std::string& name) override;
  bool MakeTempDir(const std::string& prefix, std::string* path,
                   std::string* err) override;
  bool RemoveAll(const std::string& path, std::string* err) override;
  bool StatMetadata(const std::string& path, FileMetadata* metadata) override;
  /// readdir and one fstatat per entry relative to the directory, so no
  /// path is built or walked per file.
  bool ListDirectoryStat(const std::string& path, std::vector<StatEntry>* entries,
                         std::string* err) override;
};

#endif  // SLUGWRIGHT_BASE_DISK_INTERFACE_H_
