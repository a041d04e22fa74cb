#ifndef SLUGWRIGHT_TOOLS_TOOL_HISTORY_H_
#define SLUGWRIGHT_TOOLS_TOOL_HISTORY_H_

// `command:` mode: where the team's own migration tool (sequelize-cli,
// knex, node-pg-migrate, dbmate, Rails, or a table named in
// `command_history:`) records what it applied, and what that table says
// before and after a run. From the difference slugwright knows exactly
// which migrations this run applied: for the hooks
// (SLUGWRIGHT_VERSIONS_APPLIED), for `on_failure: rollback-release` (one
// undo per migration this run applied, newest first, each checked against
// the table), and for `migrate status` (the tool's applied and pending
// migrations). Reading goes through the driver's ForeignTables role;
// everything else is pure.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "migrate/database_driver.h"
#include "migrate/foreign_tables.h"
#include "migrate/migration_hooks.h"
#include "migrate/migration_status.h"
#include "migrate/release_settings.h"

struct DiskInterface;

/// What a `command:` line runs, read for skipping it when nothing is
/// pending (tools/command_skip.h).
struct ToolCommandShape {
  /// The known tool it names ("sequelize", ...), "" for none.
  std::string tool;
  /// Where it runs: the `cd DIR &&` before it, relative to the app root.
  std::string working_dir;
  /// Only `cd DIR &&`, then one invocation of the tool's migrate verb
  /// (through npx, yarn, pnpm or bundle exec, with flags): nothing else
  /// of the app's runs, so not starting it loses nothing.
  bool plain_migrate = false;
  /// The command line names the migrations directory (e.g.
  /// `--migrations-path`).
  bool explicit_dir = false;
  /// A flag that points the tool at a config file or another table
  /// (`--knexfile`, `--migrations-table`, ...).
  bool configured_elsewhere = false;
  /// That flag, as written (`--knexfile`); "" when none.
  std::string config_flag;
  /// The tool's config files in its working directory that may name
  /// another directory (`.sequelizerc`, `knexfile.js`, dbmate's `.env`).
  std::vector<std::string> config_files;
};

/// Reads `settings.command` as ToolCommandShape says.
ToolCommandShape ReadToolCommand(const ReleaseSettings& settings);

/// Whether one of `rows` records `file` by `tool`'s own naming rule:
/// sequelize and knex record the file name, node-pg-migrate the name
/// without extension, dbmate and Rails the leading version; a table named
/// by `command_history:` (tool "") any of the three, as RecordsFile.
bool RecordsFileByToolRule(const std::string& tool, const std::set<std::string>& rows,
                           const std::string& file);

/// The table a tool keeps one row per applied migration in.
struct ToolHistoryTable {
  /// "sequelize", "knex", ...; "" for a table named by `command_history:`.
  std::string tool;
  /// In the connection's current schema, as the tool creates it.
  std::string table;
  /// The column that names each applied migration.
  std::string column;
  /// The tool's migration files, relative to the app root; "" when not
  /// known (then status lists only what the table says).
  std::string migrations_dir;

  /// "sequelize's `SequelizeMeta`", or "`my_history`.`name`".
  std::string Describe() const;
};

/// The tool's table for these settings: `command_history:` fields first,
/// the rest inferred from `command:` (e.g. `npx sequelize-cli db:migrate
/// --migrations-path db/m` -> `SequelizeMeta`.`name`, directory db/m).
/// False when neither names a table (golang-migrate and Flyway keep no
/// row per migration slugwright could undo by; name one to use them).
bool ResolveToolHistoryTable(const ReleaseSettings& settings, ToolHistoryTable* table);

/// What the table holds at one moment.
struct ToolHistorySnapshot {
  bool exists = false;
  /// Every row's name, oldest first (ToolHistoryOrder).
  std::vector<std::string> names;
};

/// Reads the table; a missing table is `exists = false`. Throws
/// DatabaseError.
ToolHistorySnapshot ReadToolHistory(ForeignTables* tables, const ToolHistoryTable& table);

/// Whether `a` was applied before `b` by the tools' own rule: by leading
/// version number, then by name (the file name order they all apply in).
bool ToolHistoryOrder(const std::string& a, const std::string& b);

/// Names in `after` but not in `before`, oldest first: what one run applied.
std::vector<std::string> NewlyApplied(const ToolHistorySnapshot& before,
                                      const ToolHistorySnapshot& after);
/// Names in `before` but not in `after`: what an undo removed.
std::vector<std::string> Removed(const ToolHistorySnapshot& before,
                                 const ToolHistorySnapshot& after);

/// Whether history row `name` records file `file`: equal to the file name,
/// to its name without extension (node-pg-migrate), or to its leading
/// version (dbmate, Rails).
bool RecordsFile(const std::string& name, const std::string& file);

/// The migration files of the tool's directory (hidden files and
/// directories skipped) that no row records, in the tool's order; false
/// with `error` when the directory cannot be listed. `file_of_row`, when
/// given, receives the file each recorded row names.
bool ToolPendingFiles(DiskInterface* disk, const std::string& dir,
                      const ToolHistorySnapshot& history, std::vector<std::string>* pending,
                      std::string* error,
                      std::map<std::string, std::string>* file_of_row = nullptr);

/// `migrate status` in `command:` mode: the tool's applied rows and, when
/// its directory is known (relative to `app_root`, "" for the working
/// directory), its pending files, as a MigrationStatus whose `owner` is the
/// command and whose `database` is `database` (Session::Describe). Without
/// a known table, an empty status that says the tool owns it (`problems`).
/// `pending_known` is false unless the directory could be listed: then
/// pending migrations cannot be known, and `--exit-code` says so.
/// Throws DatabaseError.
MigrationStatus ToolMigrationStatus(ForeignTables* tables, const std::string& database,
                                    DiskInterface* disk,
                                    const ReleaseSettings& settings,
                                    const std::string& app_root);

#endif  // SLUGWRIGHT_TOOLS_TOOL_HISTORY_H_
