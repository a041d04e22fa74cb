#include "tools/external_command.h"

#include <algorithm>
#include <map>

#include "base/clock.h"
#include "base/exit_codes.h"
#include "migrate/hook_runner.h"
#include "migrate/lock_timeout_retry.h"
#include "migrate/migration_hooks.h"
#include "migrate/migration_lock.h"
#include "tools/tool_history.h"

namespace {

/// Whether a failed tool run ended on PostgreSQL's lock_timeout (the
/// message every libpq-based tool passes on, or its SQLSTATE).
bool EndedOnLockTimeout(const ProcessResult& result) {
  for (const std::string& line : result.last_lines)
    if (line.find("lock timeout") != std::string::npos ||
        line.find("55P03") != std::string::npos)
      return true;
  return false;
}

/// One `command:` (or `rollback_command:`) run under the lock, reading the
/// tool's history table around it when slugwright knows which one it is.
class ExternalCommandRun {
 public:
  ExternalCommandRun(const MigratorContext& c, CommandObserver* events, DiskInterface* disk)
      : c_(c), s_(c.settings()), events_(events), disk_(disk) {
    knows_table_ = ResolveToolHistoryTable(s_, &table_);
    env_ = c.options->command_env;
    env_["SLUGWRIGHT_RUN_ID"] = c.options->run.run_id;
  }

  int Up();
  int Down(int count);

 private:
  ToolHistorySnapshot Snapshot() const {
    return knows_table_ ? ReadToolHistory(c_.driver, table_) : ToolHistorySnapshot();
  }
  ProcessResult RunWithLockRetries(const std::string& command);
  int Failed(const std::string& command, const ProcessResult& result, RunOutcome* outcome);
  /// hooks.after, and what after_hook_failure says of a failing one; false
  /// when the release fails.
  bool AfterHooks(RunOutcome* outcome);
  /// True when the tool need not start (CheckNothingPending), saying so.
  bool SkippedAsNothingIsPending();
  void SayWhatTheRunApplied(const std::vector<std::string>& applied) const;
  bool RevertThisRun(ToolHistorySnapshot current, RunOutcome* outcome);
  bool UndoNewest(const std::string& expected, ToolHistorySnapshot* current);
  std::string ErrorOf(const std::string& command, const ProcessResult& result) const;

  const MigratorContext& c_;
  const ReleaseSettings& s_;
  CommandObserver* events_;
  DiskInterface* disk_;
  bool knows_table_ = false;
  ToolHistoryTable table_;
  std::map<std::string, std::string> env_;
};

std::string ExternalCommandRun::ErrorOf(const std::string& command,
                                        const ProcessResult& result) const {
  std::string error =
      "`" + command + "` " +
      (result.interrupted ? std::string("was stopped: slugwright received ") +
                                SignalName(c_.interrupt ? c_.interrupt->signal() : 0)
                          : "exited with status " + std::to_string(result.exit_code));
  // What the tool said last is what the hooks (SLUGWRIGHT_ERROR) and the
  // log need, not only its status.
  std::string said;
  for (const std::string& line : result.last_lines) said += (said.empty() ? "" : "\n") + line;
  return c_.Scrub(said.empty() ? error : error + ":\n" + said);
}

/// Runs `command`; when it failed on lock_timeout and the tool's table shows
/// where it stands (so a rerun continues, never repeats), runs it again up
/// to lock_retries times, as slugwright's own runner does.
ProcessResult ExternalCommandRun::RunWithLockRetries(const std::string& command) {
  LockTimeoutRetry retry(s_.lock_timeout_seconds, s_.lock_retries, c_.options->seed, c_.clock,
                         c_.events(), c_.interrupt);
  for (int attempt = 1;; ++attempt) {
    ProcessResult result = c_.runner->Run(command, env_, 0, "[command] ", true);
    if (result.ok() || !EndedOnLockTimeout(result)) return result;
    if (!knows_table_) {
      if (s_.lock_retries > 0) events_->CommandNotRetried(command);
      return result;
    }
    DatabaseError lock_timeout(ErrorOf(command, result), "55P03", false);
    RetrySubject what;
    what.kind = RetrySubject::Kind::kCommand;
    what.command = command;
    if (!retry.WaitToRetry(lock_timeout, attempt, what)) return result;
  }
}

void ExternalCommandRun::SayWhatTheRunApplied(const std::vector<std::string>& applied) const {
  events_->CommandApplied(s_.command, knows_table_ ? &table_ : nullptr, applied);
}

int ExternalCommandRun::Up() {
  RunOutcome outcome;
  double start = c_.clock->Now();
  // Messages in the order things happen: the before hooks first.
  if (!RunHooks(c_, "before", s_.hooks.before, nullptr, nullptr, kExitOk)) {
    outcome.failed_in_hook = true;
    outcome.error = "a hooks.before command failed; the migration command did not run";
    RunHooks(c_, "on_failure", s_.hooks.on_failure, nullptr, &outcome,
             c_.InterruptedOr(kExitFailed));
    return c_.InterruptedOr(kExitFailed);
  }
  if (SkippedAsNothingIsPending())
    return AfterHooks(&outcome) ? kExitOk : c_.InterruptedOr(kExitFailed);
  ToolHistorySnapshot before = Snapshot();
  events_->CommandStarting(s_.command, c_.driver->Describe());
  c_.driver->RecordEvent("command_started", 0, "", s_.command, c_.options->run);
  ProcessResult result = RunWithLockRetries(s_.command);
  ToolHistorySnapshot after = Snapshot();
  outcome.tool_applied = NewlyApplied(before, after);
  SayWhatTheRunApplied(outcome.tool_applied);
  if (!result.ok()) {
    int code = Failed(s_.command, result, &outcome);
    if (s_.on_failure == ReleaseSettings::OnFailure::kRollbackRelease &&
        !RevertThisRun(after, &outcome))
      code = c_.InterruptedOr(kExitFailed);
    RunHooks(c_, "on_failure", s_.hooks.on_failure, nullptr, &outcome, code);
    return code;
  }
  c_.driver->RecordEvent("command_succeeded", 0, "", s_.command, c_.options->run);
  if (!AfterHooks(&outcome)) return c_.InterruptedOr(kExitFailed);
  events_->CommandSucceeded(s_.command, c_.clock->Now() - start);
  return kExitOk;
}

bool ExternalCommandRun::AfterHooks(RunOutcome* outcome) {
  if (RunHooks(c_, "after", s_.hooks.after, nullptr, outcome, kExitOk)) return true;
  const bool fails =
      s_.after_hook_failure == ReleaseSettings::AfterHookFailure::kFail || c_.interrupted();
  c_.events()->AfterHookFailedAfterCommit(outcome->tool_applied.size(), fails);
  if (!fails) return true;
  outcome->failed_in_hook = true;
  outcome->error = "a hooks.after command failed after the command succeeded";
  RunHooks(c_, "on_failure", s_.hooks.on_failure, nullptr, outcome, kExitFailed);
  return false;
}

bool ExternalCommandRun::SkippedAsNothingIsPending() {
  if (!disk_) return false;
  NothingPendingCheck check = CheckNothingPending(c_.driver, disk_, s_);
  if (check.result != NothingPendingCheck::Result::kNothingPending) {
    // Said when asked to skip, or when only the tool's configuration keeps
    // a plain migrate from being skipped (the user can name it).
    if (s_.skip_command_when_nothing_pending == ReleaseSettings::SkipCommand::kAlways ||
        check.result == NothingPendingCheck::Result::kMayBeConfiguredElsewhere)
      events_->CommandNotSkipped(s_.command, check);
    return false;
  }
  events_->CommandSkipped(s_.command, check);
  c_.driver->RecordEvent("command_skipped", 0, "",
                         s_.command + ": " + std::to_string(check.recorded) + " of " +
                             std::to_string(check.files) + " files recorded",
                         c_.options->run);
  return true;
}

/// After `command` failed: the error with the tool's last lines and the
/// event. The caller reverts (rollback-release) and runs on_failure.
int ExternalCommandRun::Failed(const std::string& command, const ProcessResult& result,
                               RunOutcome* outcome) {
  outcome->error = ErrorOf(command, result);
  events_->CommandFailed(outcome->error);
  c_.driver->RecordEvent("command_failed", 0, "", outcome->error, c_.options->run);
  return c_.InterruptedOr(kExitFailed);
}

/// on_failure: rollback-release: one `rollback_command` per migration this
/// run applied, newest first, each checked against the tool's table before
/// (the newest row must be the one to revert) and after (exactly that row
/// gone). Stops at the first surprise; true when everything was reverted.
bool ExternalCommandRun::RevertThisRun(ToolHistorySnapshot current, RunOutcome* outcome) {
  const std::vector<std::string>& applied = outcome->tool_applied;
  if (applied.empty()) {
    events_->NothingToUndo(table_);
    return true;
  }
  events_->Undoing(applied.size(), s_.rollback_command);
  for (auto it = applied.rbegin(); it != applied.rend(); ++it) {
    if (c_.interrupted()) break;
    if (!UndoNewest(*it, &current)) break;
    outcome->tool_reverted.push_back(*it);
  }
  if (outcome->tool_reverted.size() == applied.size()) {
    events_->UndoFinished(table_, outcome->tool_reverted);
    std::string names;
    for (const std::string& n : outcome->tool_reverted) names += (names.empty() ? "" : ", ") + n;
    c_.driver->RecordEvent("command_reverted", 0, "", names, c_.options->run);
    return true;
  }
  std::vector<std::string> left(applied.begin(),
                                applied.end() - static_cast<long>(outcome->tool_reverted.size()));
  events_->UndoStopped(outcome->tool_reverted, left);
  return false;
}

/// Runs `rollback_command` once, when `expected` is the tool's newest row;
/// false (saying what it saw) when it is not, the command fails, or the
/// table changed otherwise than by removing exactly that row.
bool ExternalCommandRun::UndoNewest(const std::string& expected, ToolHistorySnapshot* current) {
  if (current->names.empty() || current->names.back() != expected) {
    events_->UndoRefused(s_.rollback_command, table_,
                         current->names.empty() ? "" : current->names.back(), expected);
    return false;
  }
  ProcessResult result = c_.runner->Run(s_.rollback_command, env_, 0, "[rollback] ", true);
  if (!result.ok()) {
    events_->UndoFailed(ErrorOf(s_.rollback_command, result));
    return false;
  }
  ToolHistorySnapshot next = Snapshot();
  std::vector<std::string> removed = Removed(*current, next);
  std::vector<std::string> added = NewlyApplied(*current, next);
  if (removed != std::vector<std::string>{expected} || !added.empty()) {
    events_->UndoChangedOtherRows(s_.rollback_command, expected, table_, removed, added);
    return false;
  }
  events_->Undone(expected);
  *current = next;
  return true;
}

/// `migrate down N`: `rollback_command` N times, each checked to remove one
/// row when the tool's table is known.
int ExternalCommandRun::Down(int count) {
  ToolHistorySnapshot current = Snapshot();
  events_->CommandDownStarting(s_.rollback_command, count, c_.driver->Describe());
  c_.driver->RecordEvent("command_started", 0, "", s_.rollback_command, c_.options->run);
  for (int i = 0; i < count; ++i) {
    if (knows_table_) {
      if (current.names.empty()) {
        events_->NoRowLeftToUndo(table_);
        break;
      }
      if (!UndoNewest(current.names.back(), &current)) return c_.InterruptedOr(kExitFailed);
      continue;
    }
    ProcessResult result = c_.runner->Run(s_.rollback_command, env_, 0, "[command] ", true);
    if (!result.ok()) {
      RunOutcome outcome;
      return Failed(s_.rollback_command, result, &outcome);
    }
  }
  c_.driver->RecordEvent("command_succeeded", 0, "", s_.rollback_command, c_.options->run);
  return kExitOk;
}

}  // namespace

int RunExternalCommand(const MigratorContext& c, CommandObserver* events, bool down,
                       int count, DiskInterface* disk) {
  const ReleaseSettings& s = c.settings();
  if (down && s.rollback_command.empty())
    throw UserError(kExitUsage, "no rollback_command is configured to revert migrations "
                                "applied by `" + s.command + "`");
  std::string unsafe = CheckReleaseSettings(s);
  if (!down && !unsafe.empty()) throw UserError(kExitUsage, unsafe);
  try {
    ScopedMigrationLock lock(c.driver, c.driver, c.clock, c.events(), c.interrupt,
                             {s.lock_wait_seconds, c.options->seed,
                              c.options->allow_session_pooler});
    c.driver->CreateHistoryTables();
    ExternalCommandRun run(c, events, disk);
    return down ? run.Down(count) : run.Up();
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(c.InterruptedOr(kExitFailed)), e.what());
  }
}

std::string CheckReleaseSettings(const ReleaseSettings& s) {
  if (s.command.empty() || s.on_failure != ReleaseSettings::OnFailure::kRollbackRelease)
    return "";
  if (s.rollback_command.empty())
    return "`on_failure: rollback-release` with `command: " + s.command +
           "` needs `rollback_command:`, the tool's command that reverts its newest "
           "migration (e.g. `npx sequelize-cli db:migrate:undo`)";
  ToolHistoryTable table;
  if (!ResolveToolHistoryTable(s, &table))
    return "`on_failure: rollback-release` with `command: " + s.command +
           "`: slugwright cannot tell which history table that tool writes, so it could "
           "not know which migrations this run applied, and running `rollback_command` "
           "could revert an earlier release's migration (or too few of this one's). Name "
           "the table with `command_history: {table: ..., column: ...}` (one row per "
           "applied migration), or use `on_failure: stop`";
  return "";
}

std::string ExternalCommandPgOptions(const ReleaseSettings& s, const std::string& user_pgoptions) {
  return (user_pgoptions.empty() ? "" : user_pgoptions + " ") + "-c lock_timeout=" +
         std::to_string(static_cast<long long>(s.lock_timeout_seconds * 1000)) +
         " -c statement_timeout=" +
         std::to_string(static_cast<long long>(s.statement_timeout_seconds * 1000));
}
