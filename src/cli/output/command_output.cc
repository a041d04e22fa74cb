#include "cli/output/command_output.h"

#include <algorithm>

#include "base/console.h"
#include "base/duration.h"
#include "base/text.h"

void ConsoleCommandOutput::CommandOutputLine(const std::string& prefix, const std::string& line) {
  console_->ProcessLine(prefix, line);
}

void ConsoleCommandOutput::CommandNotStarted(const std::string& prefix, const std::string& error) {
  console_->Error(prefix + "could not start /bin/sh: " + error);
}

void ConsoleCommandObserver::CommandStarting(const std::string& command,
                                             const std::string& database) {
  console_->Step("Running `" + command + "` under the migration lock on " + database);
}

void ConsoleCommandObserver::CommandDownStarting(const std::string& rollback_command, int count,
                                                 const std::string& database) {
  console_->Step("Running `" + rollback_command + "` " + Plural(count, "time", "times") +
                 " under the migration lock on " + database);
}

void ConsoleCommandObserver::CommandNotRetried(const std::string& command) {
  console_->Warning("`" + command + "` failed on lock_timeout; not retried "
                    "(lock_retries), since slugwright cannot read that tool's history "
                    "to see that a rerun continues where it stopped: name its table "
                    "with `command_history:`");
}

void ConsoleCommandObserver::CommandApplied(const std::string& command,
                                            const ToolHistoryTable* table,
                                            const std::vector<std::string>& applied) {
  if (!table) {
    console_->Detail("slugwright cannot see which migrations `" + command +
                     "` applied (its history table is not known; name it with "
                     "`command_history:`)");
    return;
  }
  if (applied.empty())
    console_->Step("`" + command + "` applied no migration (" + table->Describe() +
                   " has no new row)");
  else
    console_->Step("`" + command + "` applied " +
                   Plural(applied.size(), "migration", "migrations") + " (new rows in " +
                   table->Describe() + "): " + Join(applied, ", "));
}

void ConsoleCommandObserver::CommandFailed(const std::string& error) { console_->Error(error); }

void ConsoleCommandObserver::CommandSucceeded(const std::string& command, double seconds) {
  console_->Step("`" + command + "` succeeded in " + FormatDuration(seconds));
}

void ConsoleCommandObserver::CommandSkipped(const std::string& command,
                                            const NothingPendingCheck& check) {
  console_->Event("command_skipped", {{"command", command},
                                      {"tool", check.table.tool},
                                      {"table", check.table.table},
                                      {"directory", check.dir},
                                      {"files", check.files},
                                      {"recorded", check.recorded}});
  console_->Step("Nothing pending for " +
                 (check.table.tool.empty() ? "`" + command + "`" : check.table.tool) + ": " +
                 std::to_string(check.recorded) + " of " + Plural(check.files, "file") + " in " +
                 check.dir + " recorded in " + check.table.table + "; `" + command +
                 "` not started");
}

void ConsoleCommandObserver::CommandNotSkipped(const std::string& command,
                                               const NothingPendingCheck& check) {
  using Result = NothingPendingCheck::Result;
  std::string why;
  switch (check.result) {
    case Result::kPending: why = check.detail + " is not recorded in " + check.table.table; break;
    case Result::kNoTable: why = "slugwright does not know which table it records them in"; break;
    case Result::kMayBeConfiguredElsewhere:
      switch (check.moved_by) {
        case NothingPendingCheck::MovedBy::kFlag:
          why = check.detail + " may point it at another directory or table; name both with "
                               "command_history.migrations and command_history.table in "
                               "slugwright.yml to let slugwright skip it when nothing is pending";
          break;
        case NothingPendingCheck::MovedBy::kConfigFile:
          why = check.detail + " may point it at another directory; name the directory with "
                               "command_history.migrations in slugwright.yml to let slugwright "
                               "skip it when nothing is pending";
          break;
        case NothingPendingCheck::MovedBy::kVariable:
          why = check.detail + " is set, which moves its directory or table, so slugwright "
                               "cannot tell what is pending";
          break;
      }
      break;
    case Result::kNoFiles: why = "no migration file is listed in " + check.dir; break;
    case Result::kNoTableYet: why = check.table.table + " does not exist yet"; break;
    case Result::kNotAsked:
    case Result::kNotAPlainMigrate:
    case Result::kNothingPending: return;
  }
  console_->Detail("Starting `" + command + "`: " + why);
}

void ConsoleCommandObserver::NothingToUndo(const ToolHistoryTable& table) {
  console_->Step("Nothing to revert: this run applied no migration (" + table.Describe() +
                 " is as before the run)");
}

void ConsoleCommandObserver::Undoing(size_t count, const std::string& rollback_command) {
  console_->Step("Reverting the " + Plural(count, "migration", "migrations") +
                 " this run applied, newest first, with `" + rollback_command + "`");
}

void ConsoleCommandObserver::UndoFinished(const ToolHistoryTable& table,
                                          const std::vector<std::string>& reverted) {
  console_->Step("Reverted " + Plural(reverted.size(), "migration", "migrations") + " (" +
                 table.Describe() + " is as before the run): " + Join(reverted, ", "));
}

void ConsoleCommandObserver::UndoStopped(const std::vector<std::string>& reverted,
                                         const std::vector<std::string>& left) {
  console_->Error("rollback-release stopped: " +
                  Plural(reverted.size(), "migration", "migrations") +
                  " of this run reverted, still applied: " + Join(left, ", ") +
                  (on_copy_ ? " (on the copy, which is removed)"
                            : "; revert them with the tool by hand"));
}

void ConsoleCommandObserver::UndoRefused(const std::string& rollback_command,
                                         const ToolHistoryTable& table,
                                         const std::string& newest,
                                         const std::string& expected) {
  console_->Error("not running `" + rollback_command + "`: it reverts the newest row of " +
                  table.Describe() + ", which is `" +
                  (newest.empty() ? std::string("(none)") : newest) + "`, not `" + expected +
                  "` of this run");
}

void ConsoleCommandObserver::UndoFailed(const std::string& error) { console_->Error(error); }

void ConsoleCommandObserver::UndoChangedOtherRows(const std::string& rollback_command,
                                                  const std::string& expected,
                                                  const ToolHistoryTable& table,
                                                  const std::vector<std::string>& removed,
                                                  const std::vector<std::string>& added) {
  console_->Error("`" + rollback_command + "` was to revert `" + expected + "`, but " +
                  table.Describe() + " lost [" + Join(removed, ", ") + "] and gained [" +
                  Join(added, ", ") + "]; stopping");
}

void ConsoleCommandObserver::Undone(const std::string& name) {
  console_->Detail("Reverted " + name);
}

void ConsoleCommandObserver::NoRowLeftToUndo(const ToolHistoryTable& table) {
  console_->Step(table.Describe() + " has no row left to revert");
}

// ---------------------------------------------------------------------------
// migrate adopt

void ConsoleAdoptObserver::AdoptPlanned(const AdoptionPlan& plan, const std::string& source,
                                        const std::string& database, const std::string& table,
                                        bool dry_run) {
  console_->Step(std::string(dry_run ? "Dry run: " : "") + "Adopting " + source + " on " +
                 database + " into " + table);
  for (const auto& m : plan.adopt)
    console_->Detail(m.file->up_path + " -> " + source + " " + m.row);
  for (const Migration* m : plan.already)
    console_->Detail(m->up_path + ": already in slugwright's history");
  int64_t newest = 0;
  for (const auto& m : plan.adopt) newest = std::max(newest, m.file->version);
  for (const Migration* m : plan.pending)
    console_->Detail(m->up_path + ": pending (the next release applies it" +
                     (m->version < newest ? ", out of order" : "") + ")");
  for (const auto& row : plan.without_file)
    console_->Warning(source + " " + row + " matches no migration file: not recorded");
  if (dry_run)
    console_->Step("Dry run: would record " + Plural(plan.adopt.size(), "migration") +
                   " as applied; " + Plural(plan.pending.size(), "migration") +
                   " would stay pending. No lock taken, nothing written");
}

void ConsoleAdoptObserver::NothingToAdopt(const std::string& source) {
  console_->Step("Nothing to adopt: slugwright's history already has every migration " +
                 source + " applied");
}

void ConsoleAdoptObserver::Adopted(const AdoptionPlan& plan, const std::string& source) {
  console_->Step("Adopted " + Plural(plan.adopt.size(), "migration") + " from " + source +
                 "; " + Plural(plan.pending.size(), "migration") +
                 " pending for the next release");
}
