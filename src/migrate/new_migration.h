#ifndef SLUGWRIGHT_MIGRATE_NEW_MIGRATION_H_
#define SLUGWRIGHT_MIGRATE_NEW_MIGRATION_H_

// `migrate new NAME`: a fresh dbmate-style migration file from a template.

#include <ctime>
#include <string>

struct DiskInterface;

/// `migrate new NAME`: creates `<dir>/<YYYYMMDDHHMMSS>_<name>.sql` (the UTC
/// time `now`) holding an empty `-- migrate:up` / `-- migrate:down`
/// template, creating `dir` if needed, and returns its path. Throws
/// UserError(kExitUsage) for a name other than letters, digits, `_` and
/// `-`, when a migration with that version already exists, or when the
/// file cannot be written.
std::string CreateMigrationFile(DiskInterface* disk, const std::string& dir,
                                const std::string& name, std::time_t now);

#endif  // SLUGWRIGHT_MIGRATE_NEW_MIGRATION_H_
