#ifndef SLUGWRIGHT_CLI_OUTPUT_MIGRATE_STATUS_OUTPUT_H_
#define SLUGWRIGHT_CLI_OUTPUT_MIGRATE_STATUS_OUTPUT_H_

// The two renderings of `migrate status` (migrate/migration_status.h): the
// Heroku-style listing and the --json document.

#include <string>

#include "migrate/migration_status.h"

class Console;

/// The listing: a step naming source, database and table, one line per
/// migration ([X] applied, [!] changed, [ ] pending, [~] unfinished, [?] no
/// file), the counts, and each problem as a warning.
void PrintMigrationStatus(const MigrationStatus& status, Console* console);

/// The JSON document (pretty-printed, with a final newline).
/// For `status --exit-code` as a post-deploy check: when migrations are
/// pending, says so and how to re-run the release phase of the live release
/// (`heroku releases:retry -a APP`; `app` empty: a placeholder). Empty when
/// nothing is pending.
std::string PendingOnLiveReleaseAdvice(const MigrationStatus& status, const std::string& app);

std::string MigrationStatusJson(const MigrationStatus& status);

#endif  // SLUGWRIGHT_CLI_OUTPUT_MIGRATE_STATUS_OUTPUT_H_
