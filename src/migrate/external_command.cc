#include "migrate/external_command.h"

#include <map>

#include "base/clock.h"
#include "base/console.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "migrate/hook_runner.h"
#include "migrate/migration_hooks.h"
#include "migrate/migration_lock.h"

namespace {

/// After `command` failed: the rollback_command (on_failure:
/// rollback-release, up only) and the on_failure hooks.
int HandleFailure(const MigratorContext& c, bool down, const std::string& command,
                  const ProcessResult& result, const std::map<std::string, std::string>& env,
                  RunOutcome* outcome) {
  const ReleaseSettings& s = c.settings();
  outcome->error = "`" + command + "` " +
                   (result.interrupted ? std::string("was stopped: slugwright received ") +
                                             SignalName(c.interrupt ? c.interrupt->signal() : 0)
                                       : "exited with status " + std::to_string(result.exit_code));
  c.console->Error(outcome->error);
  c.driver->RecordEvent("command_failed", 0, "", outcome->error, c.options->run);
  if (!down && s.on_failure == ReleaseSettings::OnFailure::kRollbackRelease &&
      !s.rollback_command.empty()) {
    c.console->Step("Running `" + s.rollback_command + "` (on_failure: rollback-release)");
    ProcessResult undo = c.runner->Run(s.rollback_command, env, 0, "[rollback] ", false);
    if (!undo.ok())
      c.console->Error("`" + s.rollback_command + "` exited with status " +
                       std::to_string(undo.exit_code));
  }
  if (!down)
    RunHooks(c, "on_failure", s.hooks.on_failure, nullptr, outcome, c.InterruptedOr(kExitFailed));
  return c.InterruptedOr(kExitFailed);
}

int RunUnderLock(const MigratorContext& c, bool down, int count, const std::string& command) {
  const ReleaseSettings& s = c.settings();
  c.driver->CreateHistoryTables();
  double start = c.clock->Now();
  c.console->Step("Running `" + command + "` under the migration lock on " +
                  c.driver->Describe());
  c.driver->RecordEvent("command_started", 0, "", command, c.options->run);
  RunOutcome outcome;
  if (!down && !RunHooks(c, "before", s.hooks.before, nullptr, nullptr, kExitOk)) {
    outcome.failed_in_hook = true;
    outcome.error = "a hooks.before command failed; the migration command did not run";
    RunHooks(c, "on_failure", s.hooks.on_failure, nullptr, &outcome, c.InterruptedOr(kExitFailed));
    return c.InterruptedOr(kExitFailed);
  }
  std::map<std::string, std::string> env = c.options->command_env;
  env["SLUGWRIGHT_RUN_ID"] = c.options->run.run_id;
  for (int i = 0; i < count; ++i) {
    ProcessResult result = c.runner->Run(command, env, 0, "[command] ", true);
    if (!result.ok()) return HandleFailure(c, down, command, result, env, &outcome);
  }
  c.driver->RecordEvent("command_succeeded", 0, "", command, c.options->run);
  if (!down && !RunHooks(c, "after", s.hooks.after, nullptr, &outcome, kExitOk)) {
    outcome.failed_in_hook = true;
    outcome.error = "a hooks.after command failed";
    RunHooks(c, "on_failure", s.hooks.on_failure, nullptr, &outcome, kExitFailed);
    return c.InterruptedOr(kExitFailed);
  }
  c.console->Step("`" + command + "` succeeded in " + FormatDuration(c.clock->Now() - start));
  return kExitOk;
}

}  // namespace

int RunExternalCommand(const MigratorContext& c, bool down, int count) {
  const ReleaseSettings& s = c.settings();
  const std::string& command = down ? s.rollback_command : s.command;
  if (command.empty())
    throw UserError(kExitUsage, "no rollback_command is configured to revert migrations "
                                "applied by `" + s.command + "`");
  try {
    ScopedMigrationLock lock(c.driver, c.clock, c.console, c.interrupt,
                             {s.lock_wait_seconds, c.options->seed,
                              c.options->allow_session_pooler});
    return RunUnderLock(c, down, count, command);
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(c.InterruptedOr(kExitFailed)), e.what());
  }
}
