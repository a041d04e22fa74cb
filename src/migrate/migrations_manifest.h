#ifndef SLUGWRIGHT_MIGRATE_MIGRATIONS_MANIFEST_H_
#define SLUGWRIGHT_MIGRATE_MIGRATIONS_MANIFEST_H_

// The migrations manifest (`.slugwright/migrations.manifest`): what
// DirectorySource::ReadIndex keeps of each migration file, with the file's
// size and modification time when it was recorded. bin/compile and
// bin/build write it into the slug, `slugwright migrate manifest` into an
// image; a release then reads no file whose listing entry and metadata
// still match it. The format is text, one file a line, with tabs between
// the fields (a name holding a tab or newline is left out: that file is
// read), so a release parses 10,000 lines without building a document:
//
//   # slugwright-migrations-manifest 1
//   # directory: migrations
//   # name<TAB>size<TAB>mtime<TAB>mtime_ns<TAB>up<TAB>down<TAB>up_in_transaction
//     <TAB>down_in_transaction<TAB>up_first_line<TAB>up_blank<TAB>checksum
//   20240101_a.sql<TAB>120<TAB>1704067200<TAB>5000<TAB>1<TAB>1<TAB>1<TAB>1<TAB>2<TAB>0
//     <TAB>sha256:...
//
// (each file on one line; 0 and 1 for false and true; the checksum is
// empty for a `.down.sql` file).

#include <string>
#include <string_view>
#include <vector>

#include "base/disk_interface.h"
#include "migrate/migration.h"
#include "migrate/migration_file_name.h"

/// The path of the manifest relative to the app root.
constexpr char kMigrationsManifestPath[] = ".slugwright/migrations.manifest";

/// One migration file as the manifest records it.
struct MigrationsManifestFile {
  /// The file's name within the directory.
  std::string name;
  DiskInterface::FileMetadata metadata;
  /// What IndexMigrationFile made of the file, but for version and name,
  /// which the file name says: whether it holds the up and the down
  /// section, and the fields it sets.
  bool holds_up = false;
  bool holds_down = false;
  std::string checksum;
  bool up_in_transaction = true;
  bool down_in_transaction = true;
  int up_first_line = 1;
  bool up_blank = false;
};

/// A directory's manifest: its files sorted by name.
struct MigrationsManifest {
  /// The migrations directory as the settings (or --dir) name it, e.g.
  /// "migrations": a manifest of another directory is not used.
  std::string directory;
  std::vector<MigrationsManifestFile> files;

  /// The entry for `name`, or null.
  const MigrationsManifestFile* Find(const std::string& name) const;
};

/// The record of the file `name` whose metadata is `metadata` and which
/// IndexMigrationFile read as `indexed` from `path`.
MigrationsManifestFile RecordManifestFile(const std::string& name, const std::string& path,
                                          const DiskInterface::FileMetadata& metadata,
                                          const Migration& indexed);

/// What IndexMigrationFile would make of `path` (named `file_name`) if it
/// still holds what `recorded` says: the same Migration, field by field.
Migration IndexedFromManifest(const MigrationsManifestFile& recorded, const std::string& path,
                              const MigrationFileName& file_name);

/// Whether a file whose stat says `now` is still the file recorded as
/// `recorded`: same size and modification time. Nanoseconds of 0 now match
/// any recorded nanoseconds, since an archive (Heroku's slug tarball) keeps
/// whole seconds.
bool ManifestMetadataMatches(const DiskInterface::FileMetadata& recorded,
                             const DiskInterface::FileMetadata& now);

/// The manifest as text, ending in a newline.
std::string FormatMigrationsManifest(const MigrationsManifest& manifest);

/// Parses manifest text. False, with `problem` saying what is wrong (e.g.
/// "line 7, size: expected an integer, not `12x`"), for anything that is
/// not a manifest this version writes; *manifest is then unspecified.
bool ParseMigrationsManifest(std::string_view text, MigrationsManifest* manifest,
                             std::string* problem);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATIONS_MANIFEST_H_
