#include "migrate/validate.h"

#include "base/console.h"
#include "base/exit_codes.h"
#include "base/text.h"
#include "migrate/migration_checks.h"
#include "migrate/migration_lock.h"
#include "migrate/migration_plan.h"

namespace {

void ValidateHistory(const MigratorContext& c, const std::vector<Migration>& files) {
  ConnectOrThrow(c.driver);
  std::vector<HistoryRow> rows;
  c.driver->ReadHistory(&rows);
  MigrationPlan plan = MakePlan(files, rows);
  std::string future = FutureWarning(plan);
  if (!future.empty()) c.console->Warning(future);
  ThrowIfProblems(IntegrityProblems(plan, c.settings().allow_out_of_order),
                  "the history of " + c.driver->Describe() + " does not match:");
  c.console->Detail("History of " + c.driver->Describe() + " matches: " +
                    std::to_string(plan.applied.size()) + " applied, " +
                    std::to_string(plan.pending.size()) + " pending");
}

}  // namespace

int ValidateMigrations(const MigratorContext& c, const std::vector<Migration>& files,
                       bool use_database) {
  std::vector<const Migration*> all, with_down;
  for (const Migration& m : files) {
    all.push_back(&m);
    if (m.has_down) with_down.push_back(&m);
  }
  // Like up, but every file; transaction: all only concerns pending files.
  CheckRunnable(all, false, /*all_in_one_transaction=*/false);
  CheckRunnable(with_down, true, /*all_in_one_transaction=*/false);
  c.console->Step(Plural(files.size(), "migration file") + " in " + c.source->Describe() +
                  " are valid");
  if (!use_database) {
    c.console->Detail("No database URL: the history was not checked");
    return kExitOk;
  }
  try {
    ValidateHistory(c, files);
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
  return kExitOk;
}
