#ifndef SLUGWRIGHT_CLI_SETTINGS_FLAGS_H_
#define SLUGWRIGHT_CLI_SETTINGS_FLAGS_H_

#include <string>

#include "buildpack/app_release_settings.h"
#include "migrate/release_settings.h"

namespace CLI {
class App;
}

/// The command-line overrides of the release settings that `release`,
/// `migrate ...` and `rehearse` share. Empty (or -1) means "as the
/// settings say".
struct SettingsFlags {
  std::string settings_file;
  /// The app releasing (--app), else SLUGWRIGHT_APP, else HEROKU_APP_NAME.
  std::string app;
  /// KEY=VALUE lines read into the environment first (--env-file).
  std::string env_file;
  std::string dir;
  std::string database_url;
  std::string database_url_env;
  std::string table;
  std::string lock_wait;
  std::string lock_timeout;
  std::string statement_timeout;
  int lock_retries = -1;
  std::string transaction;
  std::string on_failure;
  bool allow_out_of_order = false;
};

/// Which of the flags a command reads, so its --help lists only those.
enum SettingsFlagGroup : unsigned {
  /// --settings, --app, --env-file: which settings, and the environment.
  kSettingsFileFlags = 1u << 0,
  /// --database-url, --database-url-env.
  kDatabaseFlags = 1u << 1,
  /// --lock-wait: commands that take the migration lock.
  kLockWaitFlag = 1u << 2,
  /// --lock-timeout, --statement-timeout, --lock-retries: commands that
  /// run migration statements.
  kStatementFlags = 1u << 3,
  /// --transaction, --on-failure: how `up` applies and fails.
  kApplyPolicyFlags = 1u << 4,
  /// --allow-out-of-order: `up` and the commands that check the plan.
  kOutOfOrderFlag = 1u << 5,
  /// --dir: where the migration files are.
  kDirFlag = 1u << 6,
  /// --table: the history table.
  kTableFlag = 1u << 7,
  kAllSettingsFlags = (1u << 8) - 1,
};

/// Adds the flags of `groups` (SettingsFlagGroup bits) to a command.
void AddSettingsFlags(CLI::App* cmd, SettingsFlags* flags, unsigned groups);

/// Overlays the flags on `settings`; throws UserError(kExitUsage) for a
/// malformed duration, naming the flag.
void ApplySettingsFlags(const SettingsFlags& flags, ReleaseSettings* settings);

/// The app name from --app, SLUGWRIGHT_APP or HEROKU_APP_NAME (in that
/// order) and where it came from; "" when none says.
std::string RunningApp(const SettingsFlags& flags, std::string* source);

/// The release settings the command runs with: --env-file loaded, the app
/// from RunningApp(), resolved by ResolveAppReleaseSettings (the slug's
/// release.json, a promoted slug's slugwright.yml entry, or slugwright.yml
/// from `cwd` upward), SLUGWRIGHT_PROMOTED_PROCFILE honoured.
AppReleaseSettings ResolveReleaseSettingsFromFlags(const SettingsFlags& flags, DiskInterface* disk,
                                                   const std::string& cwd);

/// Reads `path` with ReadEnvFile (buildpack/simulate.h: KEY=VALUE lines,
/// `#` comments, optional `export ` and quotes, as dotenv and `heroku
/// local` write them) into the environment; variables already set win, as
/// with dbmate. Throws UserError(kExitUsage) naming the file and line.
void LoadEnvFile(const std::string& path);

/// The value of an environment variable, "" when unset.
std::string Getenv(const std::string& name);
/// The working directory, "." when it cannot be read.
std::string CurrentDirectory();

#endif  // SLUGWRIGHT_CLI_SETTINGS_FLAGS_H_
