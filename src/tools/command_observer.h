#ifndef SLUGWRIGHT_TOOLS_COMMAND_OBSERVER_H_
#define SLUGWRIGHT_TOOLS_COMMAND_OBSERVER_H_

// What a `command:` release reports while the team's own tool runs under
// slugwright's lock, as events with facts: what the tool's history table
// says it applied, the undo steps of rollback-release and `migrate down`.
// The command line words them (cli/output/command_output.h).

#include <string>
#include <vector>

#include "tools/command_skip.h"
#include "tools/tool_history.h"

class CommandObserver {
 public:
  virtual ~CommandObserver() = default;

  /// `command` (or `rollback_command` `count` times, for `down`) starts
  /// under the lock on `database`.
  virtual void CommandStarting(const std::string& command, const std::string& database) = 0;
  virtual void CommandDownStarting(const std::string& rollback_command, int count,
                                   const std::string& database) = 0;
  /// `command` failed on lock_timeout and is not run again: the tool's
  /// table is not known, so a rerun might repeat what it applied.
  virtual void CommandNotRetried(const std::string& command) = 0;
  /// The rows `table` gained while `command` ran; `table` null when not known.
  virtual void CommandApplied(const std::string& command, const ToolHistoryTable* table,
                              const std::vector<std::string>& applied) = 0;
  /// The tool failed: `error` as the hooks and the event log get it.
  virtual void CommandFailed(const std::string& error) = 0;
  virtual void CommandSucceeded(const std::string& command, double seconds) = 0;
  /// `command` was not started: `check` found every migration recorded.
  virtual void CommandSkipped(const std::string& command, const NothingPendingCheck& check) = 0;
  /// `command` starts although skipping was asked for: `check` says why.
  virtual void CommandNotSkipped(const std::string& command, const NothingPendingCheck& check) = 0;

  // on_failure: rollback-release and `down`, one `rollback_command` per row.
  virtual void NothingToUndo(const ToolHistoryTable& table) = 0;
  virtual void Undoing(size_t count, const std::string& rollback_command) = 0;
  virtual void UndoFinished(const ToolHistoryTable& table,
                            const std::vector<std::string>& reverted) = 0;
  /// rollback-release stopped: `reverted` are undone, `left` still applied.
  virtual void UndoStopped(const std::vector<std::string>& reverted,
                           const std::vector<std::string>& left) = 0;
  /// Not run: the newest row of `table` is `newest`, not `expected`.
  virtual void UndoRefused(const std::string& rollback_command, const ToolHistoryTable& table,
                           const std::string& newest, const std::string& expected) = 0;
  /// `rollback_command` failed with `error`.
  virtual void UndoFailed(const std::string& error) = 0;
  /// `rollback_command` was to remove `expected` but `table` lost `removed`
  /// and gained `added`.
  virtual void UndoChangedOtherRows(const std::string& rollback_command,
                                    const std::string& expected, const ToolHistoryTable& table,
                                    const std::vector<std::string>& removed,
                                    const std::vector<std::string>& added) = 0;
  virtual void Undone(const std::string& name) = 0;
  /// `down`: `table` has no row left.
  virtual void NoRowLeftToUndo(const ToolHistoryTable& table) = 0;
};

#endif  // SLUGWRIGHT_TOOLS_COMMAND_OBSERVER_H_
