#include "migrate/migration_hooks.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "base/duration.h"
#include "migrate/hook_runner.h"
#include "migrate/run_observer.h"

namespace {

HookContext MakeHookContext(const MigratorContext& c, const std::string& hook,
                            const MigrationPlan* plan, const RunOutcome* outcome,
                            int exit_code) {
  HookContext context;
  context.hook = hook;
  context.outcome = hook == "before"      ? "pending"
                    : hook == "after"     ? "success"
                    : c.interrupted()     ? "interrupted"
                                          : "failure";
  context.exit_code = exit_code;
  context.release = c.options->run.release;
  context.app = c.options->run.app;
  context.run_id = c.options->run.run_id;
  context.database = c.driver->Describe();
  context.table = c.settings().table;
  if (plan) {
    for (const Migration* m : plan->pending) {
      bool committed = outcome && std::find(outcome->committed.begin(),
                                            outcome->committed.end(),
                                            m) != outcome->committed.end();
      if (!committed) context.pending.push_back(m->version);
    }
  }
  if (outcome) {
    for (const Migration* m : outcome->committed) context.applied.push_back(m->version);
    context.reverted = outcome->reverted;
    for (const std::string& name : outcome->tool_applied) {
      context.applied.push_back(ToolMigrationVersion(name));
      context.applied_names.push_back(name);
    }
    for (const std::string& name : outcome->tool_reverted) {
      context.reverted.push_back(ToolMigrationVersion(name));
      context.reverted_names.push_back(name);
    }
    if (outcome->failed) {
      context.failed_version = outcome->failed->version;
      context.failed_name = outcome->failed->name;
    }
    context.error = c.Scrub(outcome->error);
  }
  return context;
}

}  // namespace

bool RunHooks(const MigratorContext& c, const std::string& hook,
              const std::vector<std::string>& commands, const MigrationPlan* plan,
              const RunOutcome* outcome, int exit_code) {
  if (commands.empty()) return true;
  std::map<std::string, std::string> env = c.options->command_env;
  for (const auto& [k, v] : HookEnvironment(MakeHookContext(c, hook, plan, outcome, exit_code)))
    env[k] = v;
  double timeout = c.settings().hooks.timeout_seconds;
  for (const std::string& command : commands) {
    c.events()->HookCommandStarted(hook, command);
    ProcessResult result =
        c.runner->Run(command, env, timeout, "[" + hook + "] ", hook != "on_failure");
    if (result.ok()) continue;
    c.events()->HookCommandFailed(
        {hook, command, result.timed_out, result.interrupted, result.exit_code, timeout});
    // The history's event log keeps why, as the hooks' own record.
    std::string why = result.timed_out     ? "timed out after " + FormatDuration(timeout)
                      : result.interrupted ? "stopped: slugwright was interrupted"
                                           : "exited with status " +
                                                 std::to_string(result.exit_code);
    c.driver->RecordEvent("hook_failed", 0, "", hook + ": " + command + ": " + why,
                          c.options->run);
    return false;
  }
  return true;
}

int64_t ToolMigrationVersion(const std::string& name) {
  size_t digits = 0;
  while (digits < name.size() && digits < 18 &&
         std::isdigit(static_cast<unsigned char>(name[digits])))
    ++digits;
  return digits ? std::stoll(name.substr(0, digits)) : 0;
}
