#include "migrate/repair.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "base/exit_codes.h"
#include "migrate/migration_lock.h"
#include "migrate/migration_plan.h"
#include "migrate/run_observer.h"

namespace {

/// Marks applied or removes each unfinished row; returns how many.
int RepairUnfinished(const MigratorContext& c, const std::vector<Migration>& files,
                     const MigrationPlan& plan, const RepairOptions& options) {
  std::set<int64_t> unfinished;
  for (const HistoryRow& r : plan.unfinished) unfinished.insert(r.version);
  for (int64_t v : options.mark_applied)
    if (!unfinished.count(v))
      throw UserError(kExitUsage, "--mark-applied " + std::to_string(v) +
                                      ": that version is not an unfinished migration");
  int changes = 0;
  for (const HistoryRow& r : plan.unfinished) {
    if (options.mark_applied.count(r.version)) {
      auto file = std::find_if(files.begin(), files.end(),
                               [&](const Migration& m) { return m.version == r.version; });
      c.driver->MarkApplied(r.version, file != files.end() ? file->checksum : r.checksum,
                            c.options->run);
      c.events()->RepairMarkedApplied(r);
    } else {
      c.driver->DeleteHistoryRow(r.version,
                                 std::string("removed ") + ToString(r.state) +
                                     " record (statement " +
                                     std::to_string(r.statements_done + 1) + " of " +
                                     std::to_string(r.statements_total) + ")",
                                 c.options->run);
      c.events()->RepairRemovedUnfinished(r);
    }
    ++changes;
  }
  return changes;
}

/// Moves the history rows of renamed migrations (--renamed OLD:NEW) to
/// their new version; returns how many.
int RepairRenames(const MigratorContext& c, const MigrationPlan& plan,
                  const RepairOptions& options) {
  int changes = 0;
  for (const std::string& spec : options.renamed) {
    size_t colon = spec.find(':');
    int64_t old_version = 0, new_version = 0;
    try {
      if (colon == std::string::npos) throw std::invalid_argument(spec);
      old_version = std::stoll(spec.substr(0, colon));
      new_version = std::stoll(spec.substr(colon + 1));
    } catch (const std::exception&) {
      throw UserError(kExitUsage, "--renamed " + spec + ": expected OLD:NEW versions, e.g. "
                                  "--renamed 20240101:20240102");
    }
    auto row = std::find_if(plan.future.begin(), plan.future.end(),
                            [&](const HistoryRow& r) { return r.version == old_version; });
    if (row == plan.future.end())
      throw UserError(kExitUsage, "--renamed " + spec + ": " + std::to_string(old_version) +
                                      " is not an applied migration whose file is gone");
    auto file = std::find_if(plan.pending.begin(), plan.pending.end(),
                             [&](const Migration* m) { return m->version == new_version; });
    if (file == plan.pending.end())
      throw UserError(kExitUsage, "--renamed " + spec + ": " + std::to_string(new_version) +
                                      " is not a pending migration file");
    if ((*file)->checksum != row->checksum)
      throw UserError(kExitUsage,
                      "--renamed " + spec + ": " + (*file)->up_path +
                          " differs from what was applied as " + std::to_string(old_version) +
                          " (checksum " + (*file)->checksum + ", recorded " + row->checksum +
                          "), so it is not only a rename: restore its SQL first");
    c.driver->RecordRename(old_version, **file, c.options->run);
    c.events()->RepairRecordedRename(*row, **file);
    ++changes;
  }
  return changes;
}

/// Records the new checksum of changed files (with accept_checksums, else
/// warns); returns how many.
int RepairChecksums(const MigratorContext& c, const MigrationPlan& plan,
                    const RepairOptions& options) {
  int changes = 0;
  for (const auto& m : plan.checksum_mismatches) {
    if (!options.accept_checksums) {
      c.events()->RepairChecksumChanged(*m.file, m.row, false);
      continue;
    }
    c.driver->UpdateChecksum(m.row.version, m.file->checksum, c.options->run);
    c.events()->RepairChecksumChanged(*m.file, m.row, true);
    ++changes;
  }
  return changes;
}

}  // namespace

int RepairHistory(const MigratorContext& c, const std::vector<Migration>& files,
                  const RepairOptions& options) {
  try {
    CancelOnInterrupt cancel(c.interrupt, c.driver);
    ScopedMigrationLock lock(c.driver, c.driver, c.clock, c.events(), c.interrupt,
                             {c.settings().lock_wait_seconds, c.options->seed,
                              c.options->allow_session_pooler});
    std::vector<HistoryRow> rows;
    c.driver->ReadHistory(&rows);
    MigrationPlan plan = MakePlan(files, rows);
    int changes = RepairRenames(c, plan, options);
    changes += RepairUnfinished(c, files, plan, options);
    changes += RepairChecksums(c, plan, options);
    c.events()->RepairFinished(changes);
    return kExitOk;
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(c.InterruptedOr(kExitFailed)), e.what());
  }
}
