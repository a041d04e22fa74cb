#include "migrate/validate.h"

#include "base/exit_codes.h"
#include "migrate/migration_checks.h"
#include "migrate/migration_lock.h"
#include "migrate/migration_plan.h"
#include "migrate/run_observer.h"

namespace {

void ValidateHistory(const MigratorContext& c, const std::vector<Migration>& files) {
  ConnectOrThrow(c.driver);
  std::vector<HistoryRow> rows;
  c.driver->ReadHistory(&rows);
  MigrationPlan plan = MakePlan(files, rows);
  c.events()->DatabaseAhead(plan);
  ThrowIfProblems(IntegrityProblems(plan, c.settings().allow_out_of_order),
                  "the history of " + c.driver->Describe() + " does not match:");
  c.events()->HistoryMatches(c.driver->Describe(), plan.applied.size(), plan.pending.size());
}

}  // namespace

void CheckEveryFile(const std::vector<Migration>& files) {
  std::vector<const Migration*> all, with_down;
  for (const Migration& m : files) {
    all.push_back(&m);
    if (m.has_down) with_down.push_back(&m);
  }
  // Like up, but every file; transaction: all only concerns pending files.
  CheckRunnable(all, false, /*all_in_one_transaction=*/false);
  CheckRunnable(with_down, true, /*all_in_one_transaction=*/false);
}

int ValidateMigrations(const MigratorContext& c, const std::vector<Migration>& files,
                       bool use_database) {
  CheckEveryFile(files);
  c.events()->FilesValid(files.size(), c.source->Describe());
  if (!use_database) {
    c.events()->HistoryNotChecked();
    return kExitOk;
  }
  try {
    ValidateHistory(c, files);
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
  return kExitOk;
}
