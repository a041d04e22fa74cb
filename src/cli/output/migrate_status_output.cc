#include "cli/output/migrate_status_output.h"

#include <nlohmann/json.hpp>

#include "base/console.h"
#include "base/duration.h"
#include "base/text.h"

namespace {

using State = MigrationStatus::State;

std::string EntryLabel(const MigrationStatus::Entry& e) {
  return e.tool_name.empty() ? std::to_string(e.version) + "_" + e.name : e.tool_name;
}

std::string StatusLine(const MigrationStatus::Entry& e) {
  const HistoryRow& r = e.row;
  if (!e.tool_name.empty())  // command: mode: all the tool's table says
    return (e.state == State::kApplied ? "[X] " : "[ ] ") + e.tool_name +
           (e.state == State::kApplied ? "  applied" : "  pending");
  switch (e.state) {
    case State::kUnfinished:
      return "[~] " + EntryLabel(e) + "  " + ToString(r.state) + " at statement " +
             std::to_string(r.statements_done + 1) + " of " +
             std::to_string(r.statements_total) + " (needs `slugwright migrate repair`)";
    case State::kApplied:
    case State::kChanged: {
      bool changed = e.state == State::kChanged;
      return (changed ? "[!] " : "[X] ") + EntryLabel(e) + "  applied " + r.applied_at +
             (r.release.empty() ? "" : " (" + r.release + ")") + " in " +
             FormatDuration(r.execution_ms / 1000) +
             (changed ? "  CHANGED since (file " + e.checksum + ", recorded " + r.checksum + ")"
                      : "");
    }
    case State::kPending:
    case State::kPendingOutOfOrder:
      return "[ ] " + EntryLabel(e) + "  pending" +
             (e.state == State::kPendingOutOfOrder ? " (older than the newest applied)" : "") +
             (e.empty ? "  empty: write its SQL after `-- migrate:up`; `up` refuses it until then"
                      : "");
    case State::kNoFile:
      return "[?] " + EntryLabel(e) + "  applied " + r.applied_at +
             ", no file here (the database is ahead of this code)";
  }
  return "";
}

nlohmann::json RowJson(const HistoryRow& r) {
  return nlohmann::json{{"applied_at", r.applied_at}, {"execution_ms", r.execution_ms},
                        {"release", r.release},       {"app", r.app},
                        {"checksum", r.checksum},     {"out_of_order", r.out_of_order}};
}

/// A name, or null when it is not known.
nlohmann::json NameOrNull(const std::string& name) {
  return name.empty() ? nlohmann::json() : nlohmann::json(name);
}

nlohmann::json EntryJson(const MigrationStatus::Entry& e) {
  if (!e.tool_name.empty())
    return {{"version", e.version}, {"name", e.tool_name}, {"file", e.file},
            {"state", e.state == State::kApplied ? "applied" : "pending"}};
  if (e.state == State::kNoFile)
    return {{"version", e.version}, {"name", e.name}, {"state", "no_file"},
            {"history", RowJson(e.row)}};
  nlohmann::json j = {{"version", e.version}, {"name", e.name}, {"file", e.file},
                      {"in_transaction", e.in_transaction}, {"checksum", e.checksum}};
  switch (e.state) {
    case State::kUnfinished:
      j["state"] = ToString(e.row.state);
      j["statements_done"] = e.row.statements_done;
      j["statements_total"] = e.row.statements_total;
      j["error"] = e.row.error;
      break;
    case State::kApplied:
    case State::kChanged:
      j["state"] = e.state == State::kChanged ? "changed" : "applied";
      j["history"] = RowJson(e.row);
      break;
    default:
      j["state"] = e.state == State::kPendingOutOfOrder ? "pending_out_of_order" : "pending";
      j["empty"] = e.empty;
  }
  return j;
}

/// "public.slugwright_migrations"; in `command:` mode "sequelize's
/// `SequelizeMeta`", "`my_history`.`name`", or "(unknown)".
std::string HistoryTable(const MigrationStatus& status) {
  if (status.owner.empty()) return status.table;
  if (status.table.empty()) return "(unknown)";
  if (!status.tool.empty()) return status.tool + "'s `" + status.table + "`";
  return "`" + status.table + "`.`" + status.table_column + "`";
}

}  // namespace

void PrintMigrationStatus(const MigrationStatus& status, Console* console) {
  if (!status.owner.empty())
    console->Step("Migrations of `" + status.owner + "` in " + status.source + " for " +
                  status.database + " (history in " + HistoryTable(status) + ")");
  else
    console->Step("Migrations in " + status.source + " for " + status.database +
                  " (history in " + HistoryTable(status) + ")");
  for (const MigrationStatus::Entry& e : status.entries) console->Detail(StatusLine(e));
  console->Detail("Applied: " + std::to_string(status.applied) + ", pending: " +
                  (status.pending_known ? std::to_string(status.pending) : "unknown") +
                  (status.without_file == 0
                       ? ""
                       : ", without file: " + std::to_string(status.without_file)));
  for (const std::string& p : status.problems) console->Warning(p);
}

std::string PendingOnLiveReleaseAdvice(const MigrationStatus& status, const std::string& app) {
  if (!status.pending_known)
    return "pending migrations on " + status.database +
           " cannot be known (see above), so this check cannot pass: name the tool's "
           "migrations directory with command_history.migrations";
  if (status.pending == 0) return "";
  // A blank `migrate new` template is refused by every release until it
  // holds SQL, so re-running the release phase would only fail again.
  for (const MigrationStatus::Entry& e : status.entries)
    if (e.empty)
      return Plural(status.pending, "migration") + " pending on " + status.database + ", and " +
             e.file + " is an empty `migrate new` template that every release refuses: write "
             "its SQL after `-- migrate:up` (or delete the file), then deploy again";
  return Plural(status.pending, "migration") + " pending on " + status.database +
         ": the live release runs without them (its release phase did not apply "
         "them). Re-run the release phase of the current release, with no config "
         "change, with: heroku releases:retry -a " + (app.empty() ? "<app>" : app);
}

std::string MigrationStatusJson(const MigrationStatus& status) {
  nlohmann::json out = {{"database", status.database},
                        {"table", NameOrNull(status.table)},
                        {"source", status.source},
                        {"migrations", nlohmann::json::array()}};
  if (!status.owner.empty()) {
    out["command"] = status.owner;
    out["tool"] = NameOrNull(status.tool);
    out["column"] = NameOrNull(status.table_column);
  }
  for (const MigrationStatus::Entry& e : status.entries) out["migrations"].push_back(EntryJson(e));
  out["applied"] = status.applied;
  // "unknown" rather than a count nobody could see; `"pending" > 0` holds
  // for it in jq, so a script that checks for pending ones stops as well.
  if (status.pending_known)
    out["pending"] = status.pending;
  else
    out["pending"] = "unknown";
  out["pending_known"] = status.pending_known;
  out["problems"] = status.problems;
  return out.dump(2) + "\n";
}
