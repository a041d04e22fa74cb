#include "tools/tool_history.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "base/disk_interface.h"

namespace {

/// What slugwright knows of a tool that keeps one row per migration.
struct KnownTool {
  const char* name;
  /// Any of these in a word of the command names the tool.
  std::vector<std::string> words;
  const char* table;
  const char* column;
  /// The flags that name its migrations directory, and its default.
  std::vector<std::string> dir_flags;
  const char* default_dir;
  /// The words that make it apply every pending migration.
  std::vector<std::string> migrate_verbs;
  /// Files in its working directory, and variables, that may move its
  /// migrations directory or history table away from what the command
  /// line says (then only an explicit directory is trusted).
  std::vector<std::string> config_files;
  std::vector<std::string> config_flags;
};

const std::vector<KnownTool>& KnownTools() {
  static const std::vector<KnownTool> tools = {
      {"sequelize", {"sequelize"}, "SequelizeMeta", "name", {"--migrations-path"}, "migrations",
       {"db:migrate"}, {".sequelizerc"}, {"--options-path", "--config"}},
      {"knex", {"knex"}, "knex_migrations", "name", {"--migrations-directory"}, "migrations",
       {"migrate:latest"},
       {"knexfile.js", "knexfile.cjs", "knexfile.mjs", "knexfile.ts", "knexfile.coffee"},
       {"--knexfile", "--cwd"}},
      {"node-pg-migrate", {"node-pg-migrate"}, "pgmigrations", "name",
       {"-m", "--migrations-dir"}, "migrations", {"up"}, {},
       {"--config-file", "--migrations-table", "-t", "--migrations-schema"}},
      {"dbmate", {"dbmate"}, "schema_migrations", "version", {"-d", "--migrations-dir"},
       "db/migrations", {"up", "migrate"}, {".env"}, {"--env-file", "--migrations-table"}},
      {"rails", {"rails", "rake"}, "schema_migrations", "version", {}, "db/migrate",
       {"db:migrate"}, {}, {}},
  };
  return tools;
}

/// The command's words, quotes removed (a shell line; good enough to spot
/// a tool and its directory flag).
std::vector<std::string> Words(const std::string& command) {
  std::vector<std::string> words;
  std::istringstream in(command);
  std::string word;
  while (in >> word) {
    word.erase(std::remove_if(word.begin(), word.end(),
                              [](char c) { return c == '\'' || c == '"'; }),
               word.end());
    words.push_back(word);
  }
  return words;
}

/// The shell's `&&`, `||` and `;` between commands, as their own words
/// or stuck to one (`a;`), split off so each command's words stand apart.
std::vector<std::vector<std::string>> Commands(const std::vector<std::string>& words) {
  std::vector<std::vector<std::string>> commands(1);
  for (std::string word : words) {
    bool ends = false;
    for (const char* op : {"&&", "||", ";"}) {
      const std::string o = op;
      if (word == o) { ends = true; word.clear(); break; }
      if (word.size() > o.size() && word.compare(word.size() - o.size(), o.size(), o) == 0) {
        word.resize(word.size() - o.size());
        ends = true;
        break;
      }
    }
    if (!word.empty()) commands.back().push_back(word);
    if (ends) commands.emplace_back();
  }
  return commands;
}

/// `dir` as seen from `base` (both relative to the app root unless
/// absolute): `packages/api` + `migrations` -> `packages/api/migrations`.
std::string Under(const std::string& base, const std::string& dir) {
  if (base.empty() || base == "." || dir.empty() || dir[0] == '/') return dir;
  return base + "/" + dir;
}

const KnownTool* ToolOf(const std::vector<std::string>& words) {
  for (const std::string& word : words)
    for (const KnownTool& tool : KnownTools())
      for (const std::string& w : tool.words)
        if (word.find(w) != std::string::npos) return &tool;
  return nullptr;
}

/// The value of one of `flags` in `words` (`--flag X` or `--flag=X`).
std::string FlagValue(const std::vector<std::string>& words, const std::vector<std::string>& flags) {
  for (size_t i = 0; i < words.size(); ++i)
    for (const std::string& flag : flags) {
      if (words[i] == flag && i + 1 < words.size()) return words[i + 1];
      if (words[i].compare(0, flag.size() + 1, flag + "=") == 0)
        return words[i].substr(flag.size() + 1);
    }
  return "";
}

std::string Stem(const std::string& file) {
  size_t dot = file.rfind('.');
  return dot == std::string::npos || dot == 0 ? file : file.substr(0, dot);
}

/// "20240101000001" of "20240101000001_create.sql"; "" without digits.
std::string LeadingDigits(const std::string& file) {
  size_t digits = 0;
  while (digits < file.size() && std::isdigit(static_cast<unsigned char>(file[digits]))) ++digits;
  return file.substr(0, digits);
}

}  // namespace

ToolCommandShape ReadToolCommand(const ReleaseSettings& s) {
  ToolCommandShape shape;
  std::vector<std::string> words = Words(s.command);
  const KnownTool* tool = ToolOf(words);
  if (!tool) return shape;
  shape.tool = tool->name;
  for (const char* metachar : {"|", ">", "<", "`", "$(", "&"})
    for (const std::string& w : words)
      if (w.find(metachar) != std::string::npos && w != "&&") return shape;
  std::vector<std::vector<std::string>> commands = Commands(words);
  std::vector<std::vector<std::string>> rest;
  for (const std::vector<std::string>& c : commands) {
    if (c.empty()) continue;
    if (c.size() == 2 && c[0] == "cd") {
      shape.working_dir = c[1][0] == '/' ? c[1] : Under(shape.working_dir, c[1]);
      continue;
    }
    rest.push_back(c);
  }
  for (const std::string& file : tool->config_files)
    shape.config_files.push_back(Under(shape.working_dir, file));
  if (rest.size() != 1) return shape;
  // npx / yarn / pnpm [exec|run] / bundle exec, VAR=value, the tool, its
  // migrate verb, and flags with their values: nothing else runs.
  static const std::set<std::string> kRunners = {"npx", "yarn", "pnpm", "exec", "bundle", "run"};
  bool verb = false, flag_value = false;
  for (const std::string& w : rest[0]) {
    // The program itself: `sequelize`, `sequelize-cli`, `node_modules/.bin/knex`.
    const std::string program = w.substr(w.rfind('/') == std::string::npos ? 0 : w.rfind('/') + 1);
    bool names_tool = false;
    for (const std::string& t : tool->words) names_tool |= program == t || program == t + "-cli";
    if (std::find(tool->config_flags.begin(), tool->config_flags.end(),
                  w.substr(0, w.find('='))) != tool->config_flags.end()) {
      shape.configured_elsewhere = true;
      shape.config_flag = w.substr(0, w.find('='));
    }
    if (std::find(tool->migrate_verbs.begin(), tool->migrate_verbs.end(), w) !=
        tool->migrate_verbs.end()) {
      verb = true;
    } else if (!w.empty() && w[0] == '-') {
      flag_value = w.find('=') == std::string::npos;
      continue;
    } else if (!(flag_value || names_tool || kRunners.count(w) ||
                 (w.find('=') != std::string::npos && w[0] != '='))) {
      return shape;  // a word of some other program or subcommand
    }
    flag_value = false;
  }
  shape.explicit_dir = !FlagValue(rest[0], tool->dir_flags).empty();
  shape.plain_migrate = verb;
  return shape;
}

bool RecordsFileByToolRule(const std::string& tool, const std::set<std::string>& rows,
                           const std::string& file) {
  if (tool == "sequelize" || tool == "knex") return rows.count(file) > 0;
  if (tool == "node-pg-migrate") return rows.count(Stem(file)) > 0;
  if (tool == "dbmate" || tool == "rails") {
    const std::string version = LeadingDigits(file);
    return !version.empty() && rows.count(version) > 0;
  }
  const std::string version = LeadingDigits(file);
  return rows.count(file) || rows.count(Stem(file)) || (!version.empty() && rows.count(version));
}

std::string ToolHistoryTable::Describe() const {
  if (!tool.empty()) return tool + "'s `" + table + "`";
  return "`" + table + "`.`" + column + "`";
}

bool ResolveToolHistoryTable(const ReleaseSettings& s, ToolHistoryTable* out) {
  std::vector<std::string> words = Words(s.command);
  const KnownTool* tool = ToolOf(words);
  const CommandHistorySettings& named = s.command_history;
  ToolHistoryTable t;
  if (!named.table.empty()) {
    t.table = named.table;
    t.column = named.column.empty() ? "name" : named.column;
    t.migrations_dir = named.migrations;
    *out = t;
    return true;
  }
  if (!tool) return false;
  t.tool = tool->name;
  t.table = tool->table;
  t.column = named.column.empty() ? tool->column : named.column;
  // The tool reads its directory from where it runs: after `cd packages/api
  // &&` (a monorepo's usual line), `migrations` is packages/api/migrations.
  std::string working_dir;
  std::vector<std::string> tool_words = words;
  for (const std::vector<std::string>& command : Commands(words)) {
    if (command.size() == 2 && command[0] == "cd") {
      working_dir = command[1][0] == '/' ? command[1] : Under(working_dir, command[1]);
      continue;
    }
    if (ToolOf(command) == tool) {
      tool_words = command;
      break;
    }
  }
  std::string dir = FlagValue(tool_words, tool->dir_flags);
  t.migrations_dir = !named.migrations.empty() ? named.migrations
                     : !dir.empty()            ? Under(working_dir, dir)
                                               : Under(working_dir, tool->default_dir);
  *out = t;
  return true;
}

ToolHistorySnapshot ReadToolHistory(ForeignTables* tables, const ToolHistoryTable& table) {
  ToolHistorySnapshot snapshot;
  auto columns = tables->ForeignTableColumns({table.table});
  auto found = columns.find(table.table);
  if (found == columns.end()) return snapshot;
  const std::vector<std::string>& have = found->second;
  if (std::find(have.begin(), have.end(), table.column) == have.end())
    throw DatabaseError(table.Describe() + " has no column `" + table.column +
                        "` (it has " + std::to_string(have.size()) +
                        "); name the column that holds each migration's name with "
                        "command_history.column",
                        "", false);
  snapshot.exists = true;
  for (const auto& row : tables->ReadForeignTable(table.table, {table.column}))
    if (!row.empty()) snapshot.names.push_back(row[0]);
  std::sort(snapshot.names.begin(), snapshot.names.end(), ToolHistoryOrder);
  return snapshot;
}

bool ToolHistoryOrder(const std::string& a, const std::string& b) {
  int64_t va = ToolMigrationVersion(a), vb = ToolMigrationVersion(b);
  if (va != vb) return va < vb;
  return a < b;
}

std::vector<std::string> NewlyApplied(const ToolHistorySnapshot& before,
                                      const ToolHistorySnapshot& after) {
  std::set<std::string> old(before.names.begin(), before.names.end());
  std::vector<std::string> applied;
  for (const std::string& name : after.names)
    if (!old.count(name)) applied.push_back(name);
  return applied;
}

std::vector<std::string> Removed(const ToolHistorySnapshot& before,
                                 const ToolHistorySnapshot& after) {
  return NewlyApplied(after, before);
}

bool RecordsFile(const std::string& name, const std::string& file) {
  return !name.empty() && (name == file || name == Stem(file) || name == LeadingDigits(file));
}

bool ToolPendingFiles(DiskInterface* disk, const std::string& dir,
                      const ToolHistorySnapshot& history, std::vector<std::string>* pending,
                      std::string* error, std::map<std::string, std::string>* file_of_row) {
  std::vector<std::string> files;
  if (!disk->ListDirectory(dir, &files, error)) return false;
  std::set<std::string> names(history.names.begin(), history.names.end());
  for (const std::string& file : files) {
    if (file.empty() || file[0] == '.' ||
        disk->Stat(dir + "/" + file) != DiskInterface::Kind::kFile)
      continue;
    // The row that records this file, by the tools' naming rules.
    std::string row;
    for (const std::string& name : {file, Stem(file), LeadingDigits(file)})
      if (!name.empty() && names.count(name)) {
        row = name;
        break;
      }
    if (row.empty())
      pending->push_back(file);
    else if (file_of_row)
      (*file_of_row)[row] = dir + "/" + file;
  }
  std::sort(pending->begin(), pending->end(), ToolHistoryOrder);
  return true;
}

namespace {

MigrationStatus::Entry ToolEntry(MigrationStatus::State state, const std::string& name,
                                 const std::string& file) {
  MigrationStatus::Entry e;
  e.state = state;
  e.version = ToolMigrationVersion(name);
  e.name = name;
  e.tool_name = name;
  e.file = file;
  return e;
}

}  // namespace

MigrationStatus ToolMigrationStatus(ForeignTables* tables, const std::string& database,
                                    DiskInterface* disk,
                                    const ReleaseSettings& settings,
                                    const std::string& app_root) {
  MigrationStatus status;
  status.owner = settings.command;
  status.database = database;
  status.pending_known = false;
  ToolHistoryTable table;
  if (!ResolveToolHistoryTable(settings, &table)) {
    status.source = "`" + settings.command + "`";
    status.problems.push_back(
        "`" + settings.command + "` owns these migrations, and slugwright does not know "
        "which table it records them in: ask the tool for its status, or name the table with "
        "`command_history: {table: ..., column: ..., migrations: ...}`");
    return status;
  }
  status.tool = table.tool;
  status.table = table.table;
  status.table_column = table.column;
  ToolHistorySnapshot history = ReadToolHistory(tables, table);
  std::string dir = table.migrations_dir.empty() || app_root.empty() ||
                            table.migrations_dir[0] == '/'
                        ? table.migrations_dir
                        : app_root + "/" + table.migrations_dir;
  std::vector<std::string> pending;
  std::map<std::string, std::string> file_of_row;
  std::string error;
  status.pending_known =
      !dir.empty() && ToolPendingFiles(disk, dir, history, &pending, &error, &file_of_row);
  status.source = status.pending_known ? dir : table.Describe();
  if (dir.empty())
    status.problems.push_back("the tool's migrations directory is not known: pending ones are "
                              "unknown; set command_history.migrations");
  else if (!status.pending_known)
    status.problems.push_back("cannot list the tool's migrations in " + dir + " (" + error +
                              "): pending ones are unknown; set command_history.migrations");
  if (!history.exists)
    status.problems.push_back(table.Describe() + " does not exist yet: `" + settings.command +
                              "` has not run on this database");
  for (const std::string& name : history.names) {
    auto file = file_of_row.find(name);
    status.entries.push_back(ToolEntry(MigrationStatus::State::kApplied, name,
                                       file == file_of_row.end() ? "" : file->second));
  }
  for (const std::string& file : pending)
    status.entries.push_back(
        ToolEntry(MigrationStatus::State::kPending, file, dir + "/" + file));
  std::stable_sort(status.entries.begin(), status.entries.end(),
                   [](const auto& a, const auto& b) { return ToolHistoryOrder(a.name, b.name); });
  status.applied = history.names.size();
  status.pending = pending.size();
  return status;
}
