#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_STATUS_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_STATUS_H_

// `migrate status` as a value: every migration file and every history row
// without a file, in version order, each with its state, plus the counts
// and the integrity problems. The command line renders it as text or JSON
// (cli/output/migrate_status_output.h).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "migrate/migration.h"
#include "migrate/migration_history.h"
#include "migrate/migration_plan.h"

struct MigrationStatus {
  enum class State {
    kApplied,
    /// Applied, but the file's checksum is no longer the recorded one.
    kChanged,
    kPending,
    /// Pending, older than the newest applied migration.
    kPendingOutOfOrder,
    /// A transaction:false migration that started or failed midway.
    kUnfinished,
    /// Applied, and no file for it here (the database is ahead).
    kNoFile,
  };

  struct Entry {
    State state = State::kPending;
    int64_t version = 0;
    std::string name;
    /// The file's path, in_transaction and checksum (all but kNoFile).
    std::string file;
    bool in_transaction = true;
    /// The up section is blank (a `migrate new` template): pending, and
    /// `up` refuses it until it holds SQL.
    bool empty = false;
    std::string checksum;
    /// The history row (kApplied, kChanged, kUnfinished, kNoFile).
    HistoryRow row;
    /// `command:` mode: the migration as the tool names it (its history
    /// row or file name), shown instead of version_name.
    std::string tool_name;
  };

  std::string database;
  /// The history table; in `command:` mode the tool's table (`tool` is
  /// "sequelize", "knex", ... or "" for one named by `command_history:`,
  /// `table_column` the column that names each migration).
  std::string table;
  std::string tool;
  std::string table_column;
  std::string source;
  /// `command:` mode: the command that owns these migrations; entries then
  /// come from its history table and directory (tools/tool_history.h).
  std::string owner;
  std::vector<Entry> entries;
  size_t applied = 0;
  size_t pending = 0;
  /// False when pending migrations cannot be known (`command:` mode with
  /// no listable directory): `pending` is then only what could be seen.
  bool pending_known = true;
  size_t without_file = 0;
  std::vector<std::string> problems;

  /// With `exit_code_when_pending`: 6 (kExitPendingUnknown) when pending
  /// migrations cannot be known, 1 when any is pending; else 0.
  int ExitCode(bool exit_code_when_pending) const;
};

/// The status of `files` against `plan` (made from them); database, table
/// and source are left for the caller to name.
MigrationStatus MakeMigrationStatus(const std::vector<Migration>& files,
                                    const MigrationPlan& plan, bool allow_out_of_order);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_STATUS_H_
