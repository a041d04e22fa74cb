#ifndef SLUGWRIGHT_MIGRATE_DIRECTORY_SOURCE_H_
#define SLUGWRIGHT_MIGRATE_DIRECTORY_SOURCE_H_

// The migrations directory: its listing, each file read in whichever
// format its name says (migrate/migration_file.h), and the files of one
// version assembled into one Migration.

#include <cstddef>
#include <string>
#include <vector>

#include "migrate/migration.h"
// What callers of DirectorySource use with it: file names, one file's
// parsing, and `migrate new`.
#include "migrate/migration_file.h"
#include "migrate/migration_file_name.h"
#include "migrate/new_migration.h"

struct DiskInterface;

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

#endif  // SLUGWRIGHT_MIGRATE_DIRECTORY_SOURCE_H_
