#include "migrate/repair.h"

#include <algorithm>
#include <set>

#include "base/console.h"
#include "base/exit_codes.h"
#include "base/text.h"
#include "migrate/migration_lock.h"
#include "migrate/migration_plan.h"

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
    std::string label = std::to_string(r.version) + "_" + r.name;
    if (options.mark_applied.count(r.version)) {
      auto file = std::find_if(files.begin(), files.end(),
                               [&](const Migration& m) { return m.version == r.version; });
      c.driver->MarkApplied(r.version, file != files.end() ? file->checksum : r.checksum,
                            c.options->run);
      c.console->Detail("Marked " + label + " applied (completed by hand)");
    } else {
      c.driver->DeleteHistoryRow(r.version,
                                 std::string("removed ") + ToString(r.state) +
                                     " record (statement " +
                                     std::to_string(r.statements_done + 1) + " of " +
                                     std::to_string(r.statements_total) + ")",
                                 c.options->run);
      c.console->Detail("Removed the " + std::string(ToString(r.state)) + " record of " +
                        label + ": it is pending again and runs from its first statement");
    }
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
      c.console->Warning(m.file->up_path + " changed since it was applied; pass "
                         "--accept-checksums to record its new checksum");
      continue;
    }
    c.driver->UpdateChecksum(m.row.version, m.file->checksum, c.options->run);
    c.console->Detail("Recorded the new checksum of " + m.file->up_path + " (" +
                      m.row.checksum + " -> " + m.file->checksum + ")");
    ++changes;
  }
  return changes;
}

}  // namespace

int RepairHistory(const MigratorContext& c, const std::vector<Migration>& files,
                  const RepairOptions& options) {
  try {
    CancelOnInterrupt cancel(c.interrupt, c.driver);
    ScopedMigrationLock lock(c.driver, c.clock, c.console, c.interrupt,
                             {c.settings().lock_wait_seconds, c.options->seed,
                              c.options->allow_session_pooler});
    std::vector<HistoryRow> rows;
    c.driver->ReadHistory(&rows);
    MigrationPlan plan = MakePlan(files, rows);
    int changes = RepairUnfinished(c, files, plan, options);
    changes += RepairChecksums(c, plan, options);
    c.console->Step(changes ? "Repaired " + Plural(changes, "history record")
                            : std::string("Nothing to repair"));
    return kExitOk;
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(c.InterruptedOr(kExitFailed)), e.what());
  }
}
