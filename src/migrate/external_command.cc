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

/// After `command` failed: the error with the tool's last lines, the event,
/// and the on_failure hooks (up only). Nothing is undone: slugwright cannot
/// tell what the tool applied (CheckReleaseSettings).
int HandleFailure(const MigratorContext& c, bool down, const std::string& command,
                  const ProcessResult& result, RunOutcome* outcome) {
  const ReleaseSettings& s = c.settings();
  outcome->error = "`" + command + "` " +
                   (result.interrupted ? std::string("was stopped: slugwright received ") +
                                             SignalName(c.interrupt ? c.interrupt->signal() : 0)
                                       : "exited with status " + std::to_string(result.exit_code));
  // What the tool said last is what the hooks (SLUGWRIGHT_ERROR) and the
  // log need, not only its status.
  std::string said;
  for (const std::string& line : result.last_lines) said += (said.empty() ? "" : "\n") + line;
  if (!said.empty()) outcome->error = c.console->Scrub(outcome->error + ":\n" + said);
  c.console->Error(outcome->error);
  c.driver->RecordEvent("command_failed", 0, "", outcome->error, c.options->run);
  if (!down)
    RunHooks(c, "on_failure", s.hooks.on_failure, nullptr, outcome, c.InterruptedOr(kExitFailed));
  return c.InterruptedOr(kExitFailed);
}

int RunUnderLock(const MigratorContext& c, bool down, int count, const std::string& command) {
  const ReleaseSettings& s = c.settings();
  c.driver->CreateHistoryTables();
  double start = c.clock->Now();
  RunOutcome outcome;
  // Messages in the order things happen: the before hooks first.
  if (!down && !RunHooks(c, "before", s.hooks.before, nullptr, nullptr, kExitOk)) {
    outcome.failed_in_hook = true;
    outcome.error = "a hooks.before command failed; the migration command did not run";
    RunHooks(c, "on_failure", s.hooks.on_failure, nullptr, &outcome, c.InterruptedOr(kExitFailed));
    return c.InterruptedOr(kExitFailed);
  }
  c.console->Step("Running `" + command + "` under the migration lock on " +
                  c.driver->Describe());
  c.driver->RecordEvent("command_started", 0, "", command, c.options->run);
  std::map<std::string, std::string> env = c.options->command_env;
  env["SLUGWRIGHT_RUN_ID"] = c.options->run.run_id;
  for (int i = 0; i < count; ++i) {
    ProcessResult result = c.runner->Run(command, env, 0, "[command] ", true);
    if (!result.ok()) return HandleFailure(c, down, command, result, &outcome);
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
  std::string unsafe = CheckReleaseSettings(s);
  if (!down && !unsafe.empty()) throw UserError(kExitUsage, unsafe);
  if (!down && s.lock_retries > 0)
    c.console->Detail("lock_retries applies to slugwright's own runner; `" + command +
                      "` runs once, and its failure is final");
  try {
    ScopedMigrationLock lock(c.driver, c.clock, c.console, c.interrupt,
                             {s.lock_wait_seconds, c.options->seed,
                              c.options->allow_session_pooler});
    return RunUnderLock(c, down, count, command);
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(c.InterruptedOr(kExitFailed)), e.what());
  }
}

std::string ExternalCommandPgOptions(const ReleaseSettings& s, const std::string& user_pgoptions) {
  return (user_pgoptions.empty() ? "" : user_pgoptions + " ") + "-c lock_timeout=" +
         std::to_string(static_cast<long long>(s.lock_timeout_seconds * 1000)) +
         " -c statement_timeout=" +
         std::to_string(static_cast<long long>(s.statement_timeout_seconds * 1000));
}
