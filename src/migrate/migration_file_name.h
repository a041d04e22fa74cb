#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_FILE_NAME_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_FILE_NAME_H_

// A migration file's name taken apart: which format it is in, its version
// and its name (`20240101120000_create_users.sql`, `.up.sql`, `.down.sql`).

#include <cstdint>
#include <string>
#include <string_view>

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

/// ParseMigrationFileName without throwing: false with the reason (naming
/// the file) in *err for a malformed name.
bool TryParseMigrationFileName(const std::string& path, MigrationFileName* out,
                               std::string* err);

/// The path of `file_name` in the migrations directory `dir` as given
/// ("migrations" or "migrations/"): "migrations/<file_name>"; `file_name`
/// alone for an empty `dir`.
std::string MigrationFilePath(const std::string& dir, const std::string& file_name);

/// ".sql", ".up.sql" or ".down.sql".
const char* MigrationFileExtension(MigrationFileKind kind);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_FILE_NAME_H_
