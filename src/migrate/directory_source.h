#ifndef SLUGWRIGHT_MIGRATE_DIRECTORY_SOURCE_H_
#define SLUGWRIGHT_MIGRATE_DIRECTORY_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/migration.h"

struct DiskInterface;

/// The largest migration file slugwright reads.
constexpr size_t kMaxMigrationFileBytes = 16 * 1024 * 1024;

/// The ways a migration file can be named.
enum class MigrationFileKind {
  /// `<version>_<name>.sql`, holding a `-- migrate:up` section and an
  /// optional `-- migrate:down` section (as dbmate writes them).
  kDbmate,
  /// `<version>_<name>.up.sql`: plain SQL (as golang-migrate writes them).
  kUp,
  /// `<version>_<name>.down.sql`: plain SQL undoing the `.up.sql` beside it.
  kDown,
};

/// A migration file's name taken apart.
struct MigrationFileName {
  MigrationFileKind kind = MigrationFileKind::kDbmate;
  /// The leading digits (at most 18; leading zeros allowed).
  int64_t version = 0;
  /// What follows the version and `_`, without the extension.
  std::string name;
  /// The file name without `.sql`, `.up.sql` or `.down.sql`: a down file
  /// belongs to the up file with the same stem.
  std::string stem;
};

/// True for the directory entries DirectorySource reads: names ending in
/// `.sql` (in any case) that do not start with `.`. Everything else in a
/// migrations directory is ignored.
bool IsMigrationFileName(std::string_view file_name);

/// Takes apart the last component of `path`, which IsMigrationFileName
/// accepts. Throws UserError(kExitUsage) naming the file unless it is
/// `<digits>_<name>.sql`, `.up.sql` or `.down.sql` with at most 18 digits
/// and a non-empty name without control characters.
MigrationFileName ParseMigrationFileName(const std::string& path);

/// Parses the migration file at `path` whose bytes are `contents`: the part
/// of DirectorySource that needs no disk. The name says the format:
///  - dbmate style fills the whole Migration;
///  - `.up.sql` fills all but the down fields;
///  - `.down.sql` fills version, name and the down fields only, for
///    DirectorySource to merge with its `.up.sql`.
/// A down section or file holding no statement means there is no down
/// migration (has_down false). Throws UserError(kExitUsage) naming the file
/// (and line) for: more than kMaxMigrationFileBytes, an empty file, a NUL
/// byte, invalid UTF-8, a missing or misplaced marker, SQL before
/// `-- migrate:up`, an unknown option, an up section without SQL, or an
/// unterminated string, dollar-quoted body or comment. The SQL is lexed as
/// `options` say (standard_conforming_strings).
Migration ParseMigrationFile(const std::string& path,
                             std::string_view contents,
                             const SqlSplitOptions& options = {});

/// Migrations read from a directory of `.sql` files. Hidden files, other
/// files and subdirectories are ignored. ReadAll reads and checks every
/// file, so a broken migration is reported before any database work;
/// ReadIndex reads every file but only lays it out and hashes it, for a
/// run that checks in full (ReadChecked) only what it will apply.
class DirectorySource : public MigrationSource {
 public:
  /// `dir` is used as given in paths and messages (e.g. "migrations").
  DirectorySource(DiskInterface* disk, std::string dir);

  /// Besides ParseMigrationFile's checks, throws UserError(kExitUsage) for a
  /// missing directory, an unreadable file, two migrations with the same
  /// version (`001_a` and `1_b` are the same), a `.down.sql` without its
  /// `.up.sql`, or a dbmate file and a pair with the same version.
  std::vector<Migration> ReadAll() override;
  /// Like ReadAll, but each file is only split at its markers (`--
  /// migrate:up`/`down`, `-- slugwright:`) and its up section hashed: the
  /// SQL is not lexed, so an unterminated string, invalid UTF-8 or a
  /// refused statement is not reported here. Names, duplicates, pairs,
  /// markers, options, empty files and blank up sections are, with
  /// ReadAll's messages. The migrations have sql_checked false, no SQL, and
  /// down_path set to the file holding a down section or `.down.sql` file
  /// if there is one (has_down is only known after ReadChecked).
  std::vector<Migration> ReadIndex() override;
  /// Reads `indexed`'s file(s) again and parses them as ReadAll does, lexed
  /// with split_options() as they are now.
  Migration ReadChecked(const Migration& indexed) override;
  /// The directory with a trailing slash: "migrations/".
  std::string Describe() const override;

 private:
  /// A file read, with what its name says.
  struct File {
    std::string path;
    MigrationFileName name;
    Migration migration;
  };
  /// Every migration file, parsed (`check`) or indexed, sorted by version.
  std::vector<File> ReadFiles(bool check);
  std::vector<Migration> Read(bool check);
  /// The migration of files [begin, end) of `all`, which share a version.
  static Migration Assemble(std::vector<File>* all, size_t begin, size_t end);
  /// Takes the down fields of the parsed `.down.sql` `d` into *m.
  static void MergeDown(const Migration& d, Migration* m);
  std::string ReadFileOrFail(const std::string& path);

  DiskInterface* disk_;
  std::string dir_;
};

/// `migrate new NAME`: creates `<dir>/<YYYYMMDDHHMMSS>_<name>.sql` (the UTC
/// time `now`) holding an empty `-- migrate:up` / `-- migrate:down`
/// template, creating `dir` if needed, and returns its path. Throws
/// UserError(kExitUsage) for a name other than letters, digits, `_` and
/// `-`, when a migration with that version already exists, or when the
/// file cannot be written.
std::string CreateMigrationFile(DiskInterface* disk, const std::string& dir,
                                const std::string& name, std::time_t now);

#endif  // SLUGWRIGHT_MIGRATE_DIRECTORY_SOURCE_H_
