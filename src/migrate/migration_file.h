#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_FILE_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_FILE_H_

// One migration file read from its bytes, in whichever format its name
// says (migrate/migration_file_name.h): parsed and checked in full, or only
// indexed (laid out at its markers and hashed). The part of
// DirectorySource that needs no disk.

#include <cstddef>
#include <string>
#include <string_view>

#include "migrate/migration.h"
#include "migrate/migration_file_name.h"
#include "sql/splitter.h"

/// The largest migration file slugwright reads.
constexpr size_t kMaxMigrationFileBytes = 16 * 1024 * 1024;

/// Parses the migration file at `path` whose bytes are `contents`. The name
/// says the format:
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

/// What DirectorySource::ReadIndex keeps of the file at `path` named
/// `file_name`: its layout and the checksum of its up section, its SQL
/// neither split nor checked (sql_checked false, no SQL; down_path set when
/// it holds a down section or is a `.down.sql` file). Throws as
/// ParseMigrationFile does for an empty file and for misplaced or
/// misspelled markers and options.
Migration IndexMigrationFile(const std::string& path, std::string_view contents,
                             const MigrationFileName& file_name);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_FILE_H_
