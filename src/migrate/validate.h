#ifndef SLUGWRIGHT_MIGRATE_VALIDATE_H_
#define SLUGWRIGHT_MIGRATE_VALIDATE_H_

// `migrate validate`: every migration file's up and down SQL must split
// and run as marked; with a database, the history must pass the policies
// `up` enforces (checksums, order, unfinished). Takes no lock, writes
// nothing.

#include <vector>

#include "migrate/migration.h"
#include "migrate/migrator_context.h"

/// The file checks of `migrate validate --offline`: every file's up
/// section, and down section where it has one, splits and runs as marked.
/// Throws UserError (exit 2) naming the first file that does not.
void CheckEveryFile(const std::vector<Migration>& files);

/// Checks `files` (and, with `use_database`, the history); returns the
/// exit status, throws UserError for invalid files (2), a history that
/// does not match (4) or an unreachable database (1).
int ValidateMigrations(const MigratorContext& context, const std::vector<Migration>& files,
                       bool use_database);

#endif  // SLUGWRIGHT_MIGRATE_VALIDATE_H_
