#ifndef SLUGWRIGHT_MIGRATE_REPAIR_H_
#define SLUGWRIGHT_MIGRATE_REPAIR_H_

// `migrate repair`: under the lock, clears the rows of unfinished
// transaction:false migrations (so they run again from their first
// statement) or marks them applied, records changed checksums, and moves
// the rows of renamed migrations (--renamed OLD:NEW) to their new version.

#include <vector>

#include "migrate/migration.h"
#include "migrate/migrator_context.h"

/// Repairs the history against `files`; returns the exit status, throws
/// UserError for refusals (an --mark-applied version that is not
/// unfinished, the lock, an unreachable database).
int RepairHistory(const MigratorContext& context, const std::vector<Migration>& files,
                  const RepairOptions& options);

#endif  // SLUGWRIGHT_MIGRATE_REPAIR_H_
