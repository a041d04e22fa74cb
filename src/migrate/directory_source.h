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
#include "migrate/migrations_manifest.h"
#include "migrate/new_migration.h"

struct DiskInterface;

/// Migrations read from a directory of `.sql` files. Hidden files, other
/// files and subdirectories are ignored. ReadAll reads and checks every
/// file, so a broken migration is reported before any database work;
/// ReadIndex reads every file but only lays it out and hashes it, for a
/// run that checks in full (ReadChecked) only what it will apply; given a
/// manifest (UseManifest), it reads only the files that changed since.
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
  /// From the manifest alone (UseManifest) when the directory lists
  /// exactly the files it records, each a regular file whose size and
  /// modification time still match. That manifest was written only after
  /// the same files passed ReadIndex's checks (RecordManifest), so their
  /// names, pairs and versions are as good as then; a blank up section, a
  /// version listed twice or any difference makes it false. Lists the
  /// directory with one stat per entry; reads no file.
  bool ReadRecordedIndex(std::vector<RecordedMigration>* migrations) override;
  /// The directory with a trailing slash: "migrations/".
  std::string Describe() const override;

  /// What UseManifest found at its path.
  struct ManifestLoad {
    enum class State {
      kUsed,            // ReadIndex takes what it can from it
      kMissing,         // no file: every file is read, as without one
      kRejected,        // unreadable or malformed: `problem` says how
      kOtherDirectory,  // of `recorded_directory`, not this one
    };
    State state = State::kMissing;
    std::string path;
    std::string problem;
    std::string recorded_directory;
  };
  /// From now on ReadIndex takes each file whose name, size and
  /// modification time match the manifest at `path` from it, unread, if
  /// that manifest is of `directory` (the directory as the settings or
  /// --dir name it). Any other manifest is not used; nothing here throws.
  ManifestLoad UseManifest(const std::string& path, const std::string& directory);
  /// Every file indexed as ReadIndex does (and with its errors), recorded
  /// with its metadata as a manifest of `directory`. Reads every file; a
  /// file whose metadata the disk does not tell is left out.
  MigrationsManifest RecordManifest(const std::string& directory);

 private:
  /// A file read, with what its name says.
  struct File {
    std::string path;
    MigrationFileName name;
    Migration migration;
  };
  /// Every migration file, parsed (`check`) or indexed, sorted by version;
  /// when indexing, each file the manifest still describes is not read.
  /// With `record`, every file is read (the manifest is not used) and
  /// recorded into it.
  std::vector<File> ReadFiles(bool check, MigrationsManifest* record = nullptr);
  /// The index of `path` from the manifest, if its metadata still matches.
  bool IndexFromManifest(const std::string& path, const std::string& file_name,
                         const MigrationFileName& name, Migration* migration);
  std::vector<Migration> Read(bool check);
  /// ReadRecordedIndex's work; *migrations is partial when false.
  bool ProvenByManifest(std::vector<RecordedMigration>* migrations);
  /// The migrations of `files`, which share versions as ReadFiles sorts them.
  static std::vector<Migration> AssembleAll(std::vector<File>* files);
  /// The migration of files [begin, end) of `all`, which share a version.
  static Migration Assemble(std::vector<File>* all, size_t begin, size_t end);
  /// Takes the down fields of the parsed `.down.sql` `d` into *m.
  static void MergeDown(const Migration& d, Migration* m);
  std::string ReadFileOrFail(const std::string& path);

  DiskInterface* disk_;
  std::string dir_;
  /// The manifest UseManifest accepted; empty files when none.
  MigrationsManifest manifest_;
};

#endif  // SLUGWRIGHT_MIGRATE_DIRECTORY_SOURCE_H_
