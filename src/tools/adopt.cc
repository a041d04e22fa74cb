#include "tools/adopt.h"

#include <algorithm>
#include <memory>

#include "base/exit_codes.h"
#include "base/text.h"
#include "migrate/migration_checks.h"
#include "migrate/migration_lock.h"
#include "tools/foreign_history.h"

namespace {

/// The tool whose history to adopt: --from, or the only one that exists.
ForeignTool ChooseTool(DatabaseDriver* driver, const std::string& from) {
  auto tables = driver->ForeignTableColumns(ForeignTablesToLookFor());
  std::vector<ForeignTool> found = DetectForeignTools(tables);
  if (!from.empty()) {
    ForeignTool tool;
    if (!ParseForeignTool(from, &tool))
      throw UserError(kExitUsage, "--from " + from + ": not a tool slugwright knows; use one "
                                  "of " + ForeignToolNames());
    if (!tables.count(InfoFor(tool).table))
      throw UserError(kExitUsage, "--from " + from + ": " + driver->Describe() +
                                      " has no `" + InfoFor(tool).table + "` table");
    return tool;
  }
  if (found.empty())
    throw UserError(kExitUsage,
                    "no other tool's history table on " + driver->Describe() + " (looked for " +
                        ForeignToolNames() + "). On a schema made by hand, pass --version V "
                        "to mark every migration up to V applied");
  if (found.size() > 1) {
    std::string names;
    for (ForeignTool t : found)
      names += "\n  " + DescribeForeignTable(t) + ": --from " + InfoFor(t).name;
    throw UserError(kExitUsage, "several tools' history tables exist; choose one with --from:" +
                                    names);
  }
  return found.front();
}

void RefuseIfDirty(const ForeignHistory& h) {
  if (!h.dirty) return;
  std::string v = std::to_string(h.up_to);
  throw UserError(kExitIntegrity,
                  "refusing to adopt: golang-migrate's `schema_migrations` says version " + v +
                      " is dirty (its migration failed halfway). Fix the schema by hand, then "
                      "`migrate force " + v + "` (or the version before it, if " + v +
                      " did not complete), and run adopt again");
}

/// Writes the plan in one transaction (creating the history tables first
/// if needed).
void Record(const MigratorContext& c, const AdoptionPlan& plan, bool tables_exist,
            const std::string& source) {
  c.driver->Begin();
  try {
    if (!tables_exist) c.driver->CreateHistoryTables();
    for (const auto& m : plan.adopt)
      c.driver->RecordAdopted(*m.file, "from " + source + " " + m.row, c.options->run);
    c.driver->RecordEvent("adopted", 0, "",
                          Plural(plan.adopt.size(), "migration") + " from " + source,
                          c.options->run);
    c.driver->Commit();
  } catch (const DatabaseError& e) {
    if (!e.connection_lost()) c.driver->Rollback();
    throw;
  }
}

}  // namespace

int AdoptForeignHistory(const MigratorContext& c, AdoptObserver* events,
                        const std::vector<Migration>& files, const AdoptOptions& options) {
  try {
    CancelOnInterrupt cancel(c.interrupt, c.driver);
    std::unique_ptr<ScopedMigrationLock> lock;
    if (options.dry_run)
      ConnectOrThrow(c.driver);
    else
      lock = std::make_unique<ScopedMigrationLock>(
          c.driver, c.driver, c.clock, c.events(), c.interrupt,
          MigrationLockOptions{c.settings().lock_wait_seconds, c.options->seed,
                               c.options->allow_session_pooler});
    std::vector<HistoryRow> rows;
    bool tables_exist = c.driver->ReadHistory(&rows);
    ForeignHistory history;
    std::string source = "--version";
    if (options.has_version) {
      history = UpToVersion(options.version);
    } else {
      ForeignTool tool = ChooseTool(c.driver, options.from);
      history = ReadForeignHistory(c.driver, tool);
      source = DescribeForeignTable(tool);
    }
    RefuseIfDirty(history);
    AdoptionPlan plan = MatchForeignHistory(files, history, rows);
    events->AdoptPlanned(plan, source, c.driver->Describe(), c.settings().table, options.dry_run);
    if (options.dry_run) return kExitOk;
    if (plan.adopt.empty() && tables_exist) {
      events->NothingToAdopt(source);
      return kExitOk;
    }
    Record(c, plan, tables_exist, source);
    events->Adopted(plan, source);
    return kExitOk;
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(c.InterruptedOr(kExitFailed)), e.what());
  }
}
