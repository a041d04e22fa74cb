#include "tools/command_skip.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <vector>

#include "base/disk_interface.h"

namespace {

using Result = NothingPendingCheck::Result;

/// A variable of the release's environment that moves the tool's
/// directory or table (dbmate reads them), "" when none is set.
std::string VariableThatMovesIt(const std::string& tool) {
  if (tool != "dbmate") return "";
  for (const char* name : {"DBMATE_MIGRATIONS_DIR", "DBMATE_MIGRATIONS_TABLE"}) {
    const char* value = std::getenv(name);
    if (value && *value) return name;
  }
  return "";
}

}  // namespace

NothingPendingCheck CheckNothingPending(ForeignTables* tables, DiskInterface* disk,
                                        const ReleaseSettings& s) {
  NothingPendingCheck check;
  if (s.skip_command_when_nothing_pending == ReleaseSettings::SkipCommand::kNever) return check;
  ToolCommandShape shape = ReadToolCommand(s);
  if (s.skip_command_when_nothing_pending == ReleaseSettings::SkipCommand::kAuto &&
      !shape.plain_migrate) {
    check.result = Result::kNotAPlainMigrate;
    return check;
  }
  if (!ResolveToolHistoryTable(s, &check.table)) {
    check.result = Result::kNoTable;
    return check;
  }
  check.dir = check.table.migrations_dir;
  const bool dir_named = shape.explicit_dir || !s.command_history.migrations.empty();
  using MovedBy = NothingPendingCheck::MovedBy;
  std::string moved_by = VariableThatMovesIt(check.table.tool);
  if (!moved_by.empty()) check.moved_by = MovedBy::kVariable;
  if (shape.configured_elsewhere && s.command_history.table.empty()) {
    moved_by = "`" + shape.config_flag + "`";
    check.moved_by = MovedBy::kFlag;
  }
  if (moved_by.empty() && !dir_named)
    for (const std::string& file : shape.config_files)
      if (disk->Stat(file) != DiskInterface::Kind::kMissing) {
        moved_by = file;
        check.moved_by = MovedBy::kConfigFile;
      }
  if (!moved_by.empty()) {
    check.result = Result::kMayBeConfiguredElsewhere;
    check.detail = moved_by;
    return check;
  }
  std::vector<std::string> names;
  std::string error;
  if (check.dir.empty() || !disk->ListDirectory(check.dir, &names, &error)) {
    check.result = Result::kNoFiles;
    return check;
  }
  ToolHistorySnapshot history = ReadToolHistory(tables, check.table);
  if (!history.exists) {
    check.result = Result::kNoTableYet;
    return check;
  }
  const std::set<std::string> rows(history.names.begin(), history.names.end());
  std::vector<std::string> unrecorded;
  for (const std::string& name : names) {
    if (name.empty() || name[0] == '.' ||
        disk->Stat(check.dir + "/" + name) != DiskInterface::Kind::kFile)
      continue;
    ++check.files;
    if (RecordsFileByToolRule(check.table.tool, rows, name))
      ++check.recorded;
    else
      unrecorded.push_back(name);
  }
  if (check.files == 0) {
    check.result = Result::kNoFiles;
    return check;
  }
  if (!unrecorded.empty()) {
    std::sort(unrecorded.begin(), unrecorded.end(), ToolHistoryOrder);
    check.result = Result::kPending;
    check.detail = unrecorded.front();
    return check;
  }
  check.result = Result::kNothingPending;
  return check;
}
