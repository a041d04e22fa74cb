#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_HOOKS_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_HOOKS_H_

// The outcome of an `up` run (or a `command:` run) so far, and the running
// of the hooks (before, after, on_failure) that are told about it.

#include <cstdint>
#include <string>
#include <vector>

#include "migrate/migration.h"
#include "migrate/migration_plan.h"
#include "migrate/migrator_context.h"
#include "migrate/run_observer.h"

/// The state of one `up` run, reported to hooks and in the summary: what
/// it committed and reverted, and (RunFailure) where it failed, if it did.
struct RunOutcome : RunFailure {
  std::vector<const Migration*> committed;
  std::vector<int64_t> reverted;
  /// `command:` mode: the rows the tool's history table gained in this run
  /// and those rollback-release removed again, oldest first / newest first.
  std::vector<std::string> tool_applied;
  std::vector<std::string> tool_reverted;
};

/// Runs the commands of hook `hook` (before, after, on_failure) with the
/// hook environment made from `plan` and `outcome` (either may be null);
/// false when one failed (the rest of that hook's commands are skipped).
bool RunHooks(const MigratorContext& context, const std::string& hook,
              const std::vector<std::string>& commands, const MigrationPlan* plan,
              const RunOutcome* outcome, int exit_code);

/// The leading digits of another tool's history name
/// ("20240101000001-create-users.js" -> 20240101000001); 0 when it has
/// none: the version `command:` mode gives hooks (SLUGWRIGHT_VERSIONS_APPLIED)
/// and orders the tool's rows by (tools/tool_history.h).
int64_t ToolMigrationVersion(const std::string& name);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_HOOKS_H_
