#include "cli/settings_flags.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <random>

#include "base/duration.h"
#include "base/exit_codes.h"
#include "base/self_exe.h"
#include "buildpack/simulate.h"

namespace {

double DurationFlag(const std::string& flag, const std::string& text) {
  double seconds = 0;
  std::string err;
  if (!ParseDuration(text, &seconds, &err))
    throw UserError(kExitUsage, flag + " " + text + ": " + err);
  return seconds;
}

}  // namespace

void AddSettingsFlags(CLI::App* cmd, SettingsFlags* f, unsigned groups) {
  if (groups & kSettingsFileFlags) {
    cmd->add_option("--settings", f->settings_file,
                    "Release settings: a .slugwright/release.json or a slugwright.yml "
                    "(default: .slugwright/release.json in the current directory or beside "
                    "the binary, else slugwright.yml from here upward)");
    cmd->add_option("--app", f->app,
                    "The app releasing, for its slugwright.yml entry (default: "
                    "SLUGWRIGHT_APP, then HEROKU_APP_NAME)");
    cmd->add_option("--env-file", f->env_file,
                    "Read KEY=VALUE lines (e.g. DATABASE_URL) from this file first; the "
                    "environment wins");
  }
  if (groups & kDirFlag)
    cmd->add_option("--dir,-d", f->dir,
                    "Directory of migration files (default: the settings' `migrations`, "
                    "relative to the app root; `migrations`)");
  if (groups & kDatabaseFlags) {
    cmd->add_option("--database-url,--url,-u", f->database_url,
                    "Database URL (default: the variable named by --database-url-env); "
                    "prefer the environment, command lines are visible to other users");
    cmd->add_option("--database-url-env", f->database_url_env,
                    "Variable holding the database URL (default: database_url_env, "
                    "DATABASE_URL)");
  }
  if (groups & kTableFlag)
    cmd->add_option("--table", f->table,
                    "History table, schema-qualified (default: public.slugwright_migrations)");
  if (groups & kLockWaitFlag)
    cmd->add_option("--lock-wait", f->lock_wait,
                    "How long to wait for the migration lock, e.g. 30s, 10m; 0 fails at "
                    "once (default: 10m)");
  if (groups & kStatementFlags) {
    cmd->add_option("--lock-timeout", f->lock_timeout,
                    "PostgreSQL lock_timeout for migration statements (default: 5s)");
    cmd->add_option("--statement-timeout", f->statement_timeout,
                    "PostgreSQL statement_timeout for migration statements; 0 is none "
                    "(default: 0)");
    cmd->add_option("--lock-retries", f->lock_retries,
                    "Retries of a migration that hit lock_timeout (default: 3)");
  }
  if (groups & kApplyPolicyFlags) {
    cmd->add_option("--transaction", f->transaction,
                    "per-migration (default) or all (one transaction for the whole batch)")
        ->check(CLI::IsMember({"per-migration", "all"}));
    cmd->add_option("--on-failure", f->on_failure,
                    "stop (default) or rollback-release (revert what this run applied)")
        ->check(CLI::IsMember({"stop", "rollback-release"}));
  }
  if (groups & kOutOfOrderFlag)
    cmd->add_flag("--allow-out-of-order", f->allow_out_of_order,
                  "Apply pending migrations older than the newest applied one");
}

void ApplySettingsFlags(const SettingsFlags& f, ReleaseSettings* s) {
  if (!f.database_url_env.empty()) s->database_url_env = f.database_url_env;
  if (!f.table.empty()) s->table = f.table;
  if (!f.lock_wait.empty()) s->lock_wait_seconds = DurationFlag("--lock-wait", f.lock_wait);
  if (!f.lock_timeout.empty())
    s->lock_timeout_seconds = DurationFlag("--lock-timeout", f.lock_timeout);
  if (!f.statement_timeout.empty())
    s->statement_timeout_seconds = DurationFlag("--statement-timeout", f.statement_timeout);
  if (f.lock_retries >= 0) s->lock_retries = f.lock_retries;
  if (!f.transaction.empty())
    s->transaction = f.transaction == "all" ? ReleaseSettings::TransactionMode::kAll
                                            : ReleaseSettings::TransactionMode::kPerMigration;
  if (!f.on_failure.empty())
    s->on_failure = f.on_failure == "rollback-release"
                        ? ReleaseSettings::OnFailure::kRollbackRelease
                        : ReleaseSettings::OnFailure::kStop;
  if (f.allow_out_of_order) s->allow_out_of_order = true;
}

std::string RunningApp(const SettingsFlags& f, std::string* source) {
  if (!f.app.empty()) return *source = "--app", f.app;
  for (const char* name : {"SLUGWRIGHT_APP", "HEROKU_APP_NAME"}) {
    std::string value = Getenv(name);
    if (!value.empty()) return *source = name, value;
  }
  source->clear();
  return "";
}

AppReleaseSettings ResolveReleaseSettingsFromFlags(const SettingsFlags& f, DiskInterface* disk,
                                                   const std::string& cwd) {
  if (!f.env_file.empty()) LoadEnvFile(f.env_file);
  std::string app_source;
  std::string app = RunningApp(f, &app_source);
  return ResolveAppReleaseSettings(disk, f.settings_file, cwd, SelfExecutablePath(), app,
                                   app_source,
                                   ParsePromotedProcfilePolicy(Getenv("SLUGWRIGHT_PROMOTED_PROCFILE")));
}

void LoadEnvFile(const std::string& path) {
  for (const auto& [name, value] : ReadEnvFile(path))
    ::setenv(name.c_str(), value.c_str(), /*overwrite=*/0);
}

std::string Getenv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? value : "";
}

std::string CurrentDirectory() {
  char buffer[4096];
  return ::getcwd(buffer, sizeof buffer) ? buffer : ".";
}

