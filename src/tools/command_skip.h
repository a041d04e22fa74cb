#ifndef SLUGWRIGHT_TOOLS_COMMAND_SKIP_H_
#define SLUGWRIGHT_TOOLS_COMMAND_SKIP_H_

// `command:` mode's fast path: most releases apply nothing, yet starting
// Node and sequelize-cli to learn that costs a second or more. When the
// tool's history table records every file of its migrations directory by
// the tool's own naming rule, the tool has nothing to do, and the release
// need not start it. Whether to skip is decided here, from facts; the
// command line words them (cli/output/command_output.h).

#include <cstddef>
#include <string>

#include "migrate/foreign_tables.h"
#include "migrate/release_settings.h"
#include "tools/tool_history.h"

struct DiskInterface;

/// Whether every migration of the tool is recorded, and if not, why the
/// tool must start.
struct NothingPendingCheck {
  enum class Result {
    /// Every file is recorded: the tool need not start.
    kNothingPending,
    /// skip_command_when_nothing_pending: false.
    kNotAsked,
    /// The command runs more than the tool's migrate verb (a compound
    /// command, another subcommand), and the setting does not say to skip.
    kNotAPlainMigrate,
    /// No known tool or table.
    kNoTable,
    /// A config file or flag may point the tool at another directory or
    /// table, and neither the command nor command_history names the
    /// directory.
    kMayBeConfiguredElsewhere,
    /// The directory cannot be listed, or holds no migration file.
    kNoFiles,
    /// The tool's table does not exist yet.
    kNoTableYet,
    /// At least one file is not recorded: it is pending.
    kPending,
  };
  Result result = Result::kNotAsked;
  ToolHistoryTable table;
  /// The directory listed (relative to the working directory).
  std::string dir;
  size_t files = 0;
  size_t recorded = 0;
  /// kPending: the first file no row records; kMayBeConfiguredElsewhere:
  /// the config file, flag or variable.
  std::string detail;
  /// kMayBeConfiguredElsewhere: which of the three `detail` is.
  enum class MovedBy { kConfigFile, kFlag, kVariable };
  MovedBy moved_by = MovedBy::kConfigFile;
};

/// Reads the tool's table and lists its directory (relative to the
/// working directory, where the command runs). Throws DatabaseError.
NothingPendingCheck CheckNothingPending(ForeignTables* tables, DiskInterface* disk,
                                        const ReleaseSettings& settings);

#endif  // SLUGWRIGHT_TOOLS_COMMAND_SKIP_H_
