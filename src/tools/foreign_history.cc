#include "tools/foreign_history.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "base/exit_codes.h"
#include "sql/splitter.h"
#include "sql/statement_classifier.h"

namespace {

const char kRailsMetadata[] = "ar_internal_metadata";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool AllDigits(const std::string& text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

/// The leading digits of a name ("20240101120000-create-users.js"); false
/// when it has none.
bool LeadingVersion(const std::string& name, int64_t* version) {
  size_t digits = 0;
  while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits])))
    ++digits;
  if (!AllDigits(name.substr(0, digits))) return false;
  *version = std::stoll(name.substr(0, digits));
  return true;
}

bool HasColumn(const std::vector<std::string>& columns, const std::string& name) {
  return std::find(columns.begin(), columns.end(), name) != columns.end();
}

std::string Quoted(const std::string& text) { return "'" + text + "'"; }

/// How a file covered by an "up to" row is mapped, for messages.
std::string UpToLabel(const ForeignHistory& h) {
  return h.up_to_row + (h.up_to_is_a_row ? " (every migration up to it)" : "");
}

/// Flyway: successful versioned rows; BASELINE is "up to"; DELETE and
/// UNDO_SQL rows (repair, undo) cancel the version's earlier row.
void ParseFlywayRows(const std::vector<std::vector<std::string>>& rows, ForeignHistory* h) {
  std::map<std::string, ForeignHistory::Entry> applied;
  for (const auto& row : rows) {
    const std::string& version = row[0];
    const std::string& type = row[1];
    if (version.empty() || row[3] != "true") continue;  // repeatable or failed
    std::string label = "version " + Quoted(version) + " (" + row[2] + ")";
    if (type == "DELETE" || type == "UNDO_SQL") {
      applied.erase(version);
    } else if (!AllDigits(version)) {
      h->unmatchable.push_back(label);
    } else if (type == "BASELINE") {
      h->has_up_to = true;
      h->up_to = std::max(h->up_to, static_cast<int64_t>(std::stoll(version)));
      h->up_to_row = "baseline " + Quoted(version);
      h->up_to_is_a_row = true;
    } else {
      applied[version] = {std::stoll(version), label};
    }
  }
  for (const auto& [v, entry] : applied) h->entries.push_back(entry);
}

}  // namespace

const std::vector<ForeignToolInfo>& KnownForeignTools() {
  static const std::vector<ForeignToolInfo> tools = {
      {ForeignTool::kDbmate, "dbmate", "schema_migrations", {"version"}},
      {ForeignTool::kGolangMigrate, "golang-migrate", "schema_migrations", {"version", "dirty"}},
      {ForeignTool::kFlyway, "flyway", "flyway_schema_history",
       {"version", "type", "script", "success"}},
      {ForeignTool::kNodePgMigrate, "node-pg-migrate", "pgmigrations", {"name"}},
      {ForeignTool::kRails, "rails", "schema_migrations", {"version"}},
      {ForeignTool::kSequelize, "sequelize", "SequelizeMeta", {"name"}},
      {ForeignTool::kKnex, "knex", "knex_migrations", {"name"}},
  };
  return tools;
}

const ForeignToolInfo& InfoFor(ForeignTool tool) {
  for (const auto& info : KnownForeignTools())
    if (info.tool == tool) return info;
  return KnownForeignTools().front();
}

bool ParseForeignTool(const std::string& name, ForeignTool* tool) {
  std::string wanted = Lower(name);
  if (wanted == "migrate" || wanted == "golang_migrate") wanted = "golang-migrate";
  if (wanted == "sequelize-cli") wanted = "sequelize";
  for (const auto& info : KnownForeignTools()) {
    if (wanted != info.name) continue;
    *tool = info.tool;
    return true;
  }
  return false;
}

std::string ForeignToolNames() {
  std::string names;
  for (const auto& info : KnownForeignTools())
    names += (names.empty() ? "" : ", ") + std::string(info.name);
  return names;
}

std::vector<std::string> ForeignTablesToLookFor() {
  std::set<std::string> tables = {kRailsMetadata};
  for (const auto& info : KnownForeignTools()) tables.insert(info.table);
  return {tables.begin(), tables.end()};
}

std::vector<ForeignTool> DetectForeignTools(
    const std::map<std::string, std::vector<std::string>>& tables) {
  std::vector<ForeignTool> found;
  auto schema_migrations = tables.find("schema_migrations");
  if (schema_migrations != tables.end()) {
    if (HasColumn(schema_migrations->second, "dirty"))
      found.push_back(ForeignTool::kGolangMigrate);
    else if (tables.count(kRailsMetadata))
      found.push_back(ForeignTool::kRails);
    else
      found.push_back(ForeignTool::kDbmate);
  }
  for (ForeignTool tool : {ForeignTool::kFlyway, ForeignTool::kNodePgMigrate,
                           ForeignTool::kSequelize, ForeignTool::kKnex})
    if (tables.count(InfoFor(tool).table)) found.push_back(tool);
  return found;
}

ForeignHistory ParseForeignRows(ForeignTool tool,
                                const std::vector<std::vector<std::string>>& rows) {
  ForeignHistory h;
  h.tool = tool;
  const ForeignToolInfo& info = InfoFor(tool);
  for (const auto& row : rows)
    if (row.size() < info.columns.size()) return h;
  if (tool == ForeignTool::kFlyway) {
    ParseFlywayRows(rows, &h);
    return h;
  }
  for (const auto& row : rows) {
    const std::string& value = row[0];
    std::string label = info.columns[0] + " " + Quoted(value);
    int64_t version = 0;
    bool by_name = info.columns[0] == "name";
    if (by_name ? !LeadingVersion(value, &version) : !AllDigits(value)) {
      h.unmatchable.push_back(label);
      continue;
    }
    if (!by_name) version = std::stoll(value);
    if (tool == ForeignTool::kGolangMigrate) {
      // One row: everything up to it is applied (unless dirty).
      h.has_up_to = true;
      h.up_to = version;
      h.up_to_row = label + (row[1] == "true" ? ", dirty" : "");
      h.dirty = row[1] == "true";
      h.up_to_is_a_row = true;
      continue;
    }
    h.entries.push_back({version, label});
  }
  return h;
}

ForeignHistory UpToVersion(int64_t version) {
  ForeignHistory h;
  h.has_up_to = true;
  h.up_to = version;
  h.up_to_row = "--version " + std::to_string(version);
  return h;
}

ForeignHistory ReadForeignHistory(ForeignTables* tables, ForeignTool tool) {
  const ForeignToolInfo& info = InfoFor(tool);
  return ParseForeignRows(tool, tables->ReadForeignTable(info.table, info.columns));
}

AdoptionPlan MatchForeignHistory(const std::vector<Migration>& files,
                                 const ForeignHistory& history,
                                 const std::vector<HistoryRow>& own_rows) {
  std::set<int64_t> own;
  for (const HistoryRow& r : own_rows) own.insert(r.version);
  std::map<int64_t, std::string> applied;
  for (const auto& e : history.entries) applied.emplace(e.version, e.row);
  std::set<int64_t> with_file;
  AdoptionPlan plan;
  for (const Migration& m : files) {
    auto it = applied.find(m.version);
    bool by_up_to = history.has_up_to && m.version <= history.up_to;
    if (it == applied.end() && !by_up_to) {
      if (own.count(m.version))
        plan.already.push_back(&m);
      else
        plan.pending.push_back(&m);
      continue;
    }
    with_file.insert(m.version);
    if (own.count(m.version))
      plan.already.push_back(&m);
    else
      plan.adopt.push_back({&m, it != applied.end() ? it->second : UpToLabel(history)});
  }
  for (const auto& [version, row] : applied)
    if (!with_file.count(version)) plan.without_file.push_back(row);
  if (history.up_to_is_a_row && !with_file.count(history.up_to))
    plan.without_file.push_back(history.up_to_row);
  for (const auto& row : history.unmatchable) plan.without_file.push_back(row);
  return plan;
}

std::string DescribeForeignTable(ForeignTool tool) {
  const ForeignToolInfo& info = InfoFor(tool);
  return std::string(info.name) + "'s `" + info.table + "`";
}

std::string ForeignHistoryFound(ForeignTables* tables) {
  std::vector<ForeignTool> tools =
      DetectForeignTools(tables->ForeignTableColumns(ForeignTablesToLookFor()));
  if (tools.empty()) return "";
  std::string found, commands;
  for (ForeignTool tool : tools) {
    found += (found.empty() ? "" : " and ") + DescribeForeignTable(tool);
    commands += std::string("\n  slugwright migrate adopt") +
                (tools.size() > 1 ? std::string(" --from ") + InfoFor(tool).name : "");
  }
  return "slugwright's history table does not exist yet, but " + found + " does, so "
         "running every migration from the first would re-apply what that tool already "
         "applied. Import its history first (add --dry-run to see the mapping), with the "
         "same --dir and database flags as this command:" + commands;
}

void RefuseIfForeignHistory(ForeignTables* tables) {
  std::string found = ForeignHistoryFound(tables);
  if (!found.empty())
    throw UserError(kExitIntegrity, "refusing to migrate; nothing was applied: " + found);
}

std::vector<std::string> TablesCreatedBy(const std::string& sql) {
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  std::vector<std::string> tables;
  if (!SplitSql(sql, 1, &statements, &error)) return tables;
  for (const SqlStatement& st : statements) {
    // A temporary table ends with the session that made it.
    ClassifiedStatement s = ClassifyStatement(st.text);
    if (s.kind == StatementKind::kCreateTable && !s.temporary && !s.name.name.empty())
      tables.push_back(s.name.name);  // folded as PostgreSQL folds it
  }
  return tables;
}

void RefuseIfSchemaAlreadyExists(ForeignTables* tables, const std::vector<Migration>& files) {
  if (files.empty()) return;
  const Migration& first = files.front();
  std::vector<std::string> created = TablesCreatedBy(first.up_sql);
  if (created.empty()) return;
  auto existing = tables->ForeignTableColumns(created);
  if (existing.empty()) return;
  std::vector<std::string> others = tables->OtherHistoryTables();
  if (!others.empty())
    throw UserError(kExitIntegrity,
                    "refusing to migrate; nothing was applied: this history table does not "
                    "exist yet, but slugwright's history table " + others.front() +
                    " does, and the table `" + existing.begin()->first + "` that the first "
                    "migration (" + first.up_path + ") creates already exists: another "
                    "runner with a different `table:` / --table migrated this database. Use "
                    "the same table setting as that runner");
  throw UserError(kExitIntegrity,
                  "refusing to migrate; nothing was applied: slugwright's history table does "
                  "not exist yet, but the table `" + existing.begin()->first + "` that the "
                  "first migration (" + first.up_path + ") creates already does, so this "
                  "schema was migrated before, by hand or by another tool. Record what is "
                  "already applied first (add --dry-run to see the mapping), with the same "
                  "--dir and database flags as this command:\n  slugwright migrate adopt "
                  "--version V   (V: the newest migration this schema already has)");
}

void RefuseForeignHistoryTableName(const std::string& table) {
  std::string wanted = Lower(table);
  std::string owners;
  if (wanted == "schema_migrations") owners = "dbmate's/golang-migrate's/Rails'";
  if (wanted == kRailsMetadata) owners = "Rails'";
  for (const auto& info : KnownForeignTools())
    if (owners.empty() && wanted == Lower(info.table))
      owners = std::string(info.name) + "'s";
  if (owners.empty()) return;
  throw UserError(kExitUsage, "the history table `" + table + "` is " + owners +
                                  " history table; slugwright keeps its own: run `slugwright "
                                  "migrate adopt` to import that tool's history, and leave "
                                  "--table / table: unset (slugwright_migrations)");
}
