#ifndef SLUGWRIGHT_TOOLS_FOREIGN_HISTORY_H_
#define SLUGWRIGHT_TOOLS_FOREIGN_HISTORY_H_

// The history tables of the migration tools a team may run before
// slugwright (dbmate, golang-migrate, Flyway, node-pg-migrate, Rails,
// sequelize, knex): which one a database has, what it says was applied,
// and how its rows map onto slugwright's migration files. `migrate adopt`
// imports that history; `up`/`release` refuse to start from nothing while
// such a table exists; `command:` mode can read the tool's table around a
// run. Database access goes through the driver's ForeignTables role
// (migrate/foreign_tables.h); everything else is pure and unit-tested.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "migrate/database_driver.h"
#include "migrate/foreign_history_guard.h"
#include "migrate/foreign_tables.h"
#include "migrate/migration.h"
#include "migrate/migration_history.h"

enum class ForeignTool {
  kDbmate,
  kGolangMigrate,
  kFlyway,
  kNodePgMigrate,
  kRails,
  kSequelize,
  kKnex,
};

/// How a tool keeps its history.
struct ForeignToolInfo {
  ForeignTool tool;
  /// "dbmate", "golang-migrate", ...: the --from value.
  const char* name;
  /// Its history table, as the tool creates it in the current schema.
  const char* table;
  /// The columns slugwright reads, in order.
  std::vector<std::string> columns;
};

const std::vector<ForeignToolInfo>& KnownForeignTools();
const ForeignToolInfo& InfoFor(ForeignTool tool);
/// Parses a --from value (case-insensitive); false for an unknown tool.
bool ParseForeignTool(const std::string& name, ForeignTool* tool);
/// "dbmate, golang-migrate, flyway, ...": for messages.
std::string ForeignToolNames();
/// Every table worth looking for (history tables and Rails'
/// ar_internal_metadata).
std::vector<std::string> ForeignTablesToLookFor();

/// Which tools' histories exist, from table name -> its columns (what
/// ForeignTables::ForeignTableColumns returns). `schema_migrations` is
/// golang-migrate's when it has a `dirty` column, Rails' when
/// ar_internal_metadata exists, else dbmate's.
std::vector<ForeignTool> DetectForeignTools(
    const std::map<std::string, std::vector<std::string>>& tables);

/// What a tool's table says is applied.
struct ForeignHistory {
  ForeignTool tool = ForeignTool::kDbmate;
  /// One applied migration as the tool recorded it.
  struct Entry {
    int64_t version = 0;
    /// The row, for messages: "version '20240101120000'".
    std::string row;
  };
  std::vector<Entry> entries;
  /// golang-migrate, a Flyway baseline or --version: every file up to
  /// `up_to` counts as applied.
  bool has_up_to = false;
  int64_t up_to = 0;
  std::string up_to_row;
  /// `up_to` is the version of one of the tool's rows (not --version), so
  /// a missing file for it is worth a warning.
  bool up_to_is_a_row = false;
  /// golang-migrate's dirty flag: its last migration failed halfway.
  bool dirty = false;
  /// Rows whose version is not a whole number (e.g. Flyway "1.1"), or names
  /// without leading digits: they cannot match a slugwright file.
  std::vector<std::string> unmatchable;
};

/// Interprets the rows of the tool's columns (InfoFor(tool).columns, as
/// text, booleans as "true"/"false"). Flyway: only successful versioned
/// rows, a BASELINE row counts as "up to", DELETE/UNDO rows cancel theirs.
ForeignHistory ParseForeignRows(ForeignTool tool,
                                const std::vector<std::vector<std::string>>& rows);
/// "Everything up to `version`", for `adopt --version V`.
ForeignHistory UpToVersion(int64_t version);
/// Reads the tool's table through `tables`. Throws DatabaseError.
ForeignHistory ReadForeignHistory(ForeignTables* tables, ForeignTool tool);

/// How the files relate to a foreign history and slugwright's own.
struct AdoptionPlan {
  struct Match {
    const Migration* file = nullptr;
    /// The foreign row that says it was applied.
    std::string row;
  };
  /// Applied per the tool, not yet in slugwright's history: to record.
  std::vector<Match> adopt;
  /// Already in slugwright's history (an earlier adopt or run).
  std::vector<const Migration*> already;
  /// Not applied by the tool: the next release applies them.
  std::vector<const Migration*> pending;
  /// Tool rows with no file (and unmatchable rows): not recorded.
  std::vector<std::string> without_file;
};
/// Matches by version (the leading digits of file and row names).
AdoptionPlan MatchForeignHistory(const std::vector<Migration>& files,
                                 const ForeignHistory& history,
                                 const std::vector<HistoryRow>& own_rows);

/// "dbmate's `schema_migrations`": for messages.
std::string DescribeForeignTable(ForeignTool tool);

/// When a known tool's history table exists: what it is and the exact
/// adopt command, for `migrate status` and the refusal below; else "".
/// Throws DatabaseError.
std::string ForeignHistoryFound(ForeignTables* tables);

/// For `up`/`release` when slugwright's history table does not exist yet:
/// throws UserError(kExitIntegrity) naming the tool's table and the exact
/// adopt command when a known tool's history table exists, so nothing the
/// tool applied runs again. Throws DatabaseError.
void RefuseIfForeignHistory(ForeignTables* tables);

/// The tables `sql` creates (`CREATE [UNLOGGED] TABLE [IF NOT EXISTS] name`,
/// not temporary ones), unqualified and unquoted, in order.
std::vector<std::string> TablesCreatedBy(const std::string& sql);

/// For `up`/`release` when slugwright's history table does not exist yet
/// and no tool's table does either: throws UserError(kExitIntegrity) when
/// the schema already has a table the first pending migration creates
/// (a schema made by hand or by an unknown tool), naming the table and the
/// `migrate adopt --version V` command, so nothing runs twice. Throws
/// DatabaseError.
void RefuseIfSchemaAlreadyExists(ForeignTables* tables, const std::vector<Migration>& files);

/// Throws UserError(kExitUsage) when the history table setting (--table /
/// `table:`) names another tool's history table.
void RefuseForeignHistoryTableName(const std::string& table);

/// The runner's ForeignHistoryGuard: RefuseIfForeignHistory and
/// RefuseIfSchemaAlreadyExists before a history starts, ForeignHistoryFound
/// for `migrate status`.
class KnownToolsHistoryGuard : public ForeignHistoryGuard {
 public:
  void RefuseToStartOver(DatabaseDriver* driver, const std::vector<Migration>& files) override {
    RefuseIfForeignHistory(driver);
    RefuseIfSchemaAlreadyExists(driver, files);
  }
  std::string Found(DatabaseDriver* driver) override { return ForeignHistoryFound(driver); }
};

#endif  // SLUGWRIGHT_TOOLS_FOREIGN_HISTORY_H_
