#ifndef SLUGWRIGHT_CLI_RELEASE_CONTEXT_H_
#define SLUGWRIGHT_CLI_RELEASE_CONTEXT_H_

#include <functional>
#include <string>

#include "base/redactor.h"
#include "buildpack/app_release_settings.h"
#include "cli/settings_flags.h"
#include "migrate/database_driver.h"
#include "migrate/release_settings.h"

struct DiskInterface;

/// What every release command (`release`, `migrate ...`, `rehearse`,
/// `migrate lint`) resolves before it does anything, built once by
/// ResolveReleaseContext so that the commands cannot drift apart: the
/// release settings chosen for the app with the flags laid over them, the
/// app and where its name came from, the migrations directory, the
/// database URL and where it came from, who runs (RunInfo), and the
/// Redactor that knows every secret of the URL.
struct ReleaseContext {
  /// The settings as the app's files chose them, with their origin and
  /// warnings (before the flags).
  AppReleaseSettings resolved;
  /// resolved.loaded.settings with the command-line flags applied.
  ReleaseSettings settings;
  /// The app releasing: --app, SLUGWRIGHT_APP, HEROKU_APP_NAME, else the
  /// app the release settings were chosen for; "" when nothing says.
  std::string app;
  /// The app root that settings paths are relative to; "" when it is the
  /// directory the command runs in.
  std::string app_root;
  /// --dir (relative to where the command runs), else the settings'
  /// `migrations` relative to the app root.
  std::string migrations_dir;
  /// --database-url, else the variable the settings name
  /// (database_url_env); "" when neither is set.
  std::string database_url;
  /// "--database-url" or the name of the variable the URL was read from.
  std::string database_url_origin;
  /// The run id, release, app and runner recorded in the history.
  RunInfo run;
  /// Knows the URL and its password once they are set (AddDatabaseUrl).
  Redactor redactor;

  /// True when the URL came from --database-url rather than the
  /// environment.
  bool url_from_flag() const { return database_url_origin == "--database-url"; }
  /// Registers `url` (and its password, in every form it can be written)
  /// as secrets. Safe on malformed URLs.
  void AddDatabaseUrl(const std::string& url);
};

/// Builds the context for `command` ("release", "migrate up", "rehearse",
/// ...): --env-file loaded, the settings resolved for the app
/// (ResolveReleaseSettingsFromFlags) and the flags applied
/// (ApplySettingsFlags), the run id drawn, the URL looked up and
/// registered as a secret. `release` names the run's release
/// (HEROKU_RELEASE_VERSION when empty). Throws UserError(kExitUsage) for
/// invalid settings or flags.
ReleaseContext ResolveReleaseContext(const SettingsFlags& flags, DiskInterface* disk,
                                     const std::string& command, const std::string& release = "");

/// "slugwright migrate up v41 my-app pid 123", at most 63 bytes: what
/// pg_stat_activity (and a waiting runner) shows for a session of
/// `command` in `run`.
std::string ApplicationName(const std::string& command, const RunInfo& run);

/// Runs `body` and returns its exit status; an error escaping it leaves
/// as a UserError (its own exit code, kExitFailed for any other
/// exception) whose text `redactor` has scrubbed of every secret.
int RunScrubbed(const Redactor& redactor, const std::function<int()>& body);

#endif  // SLUGWRIGHT_CLI_RELEASE_CONTEXT_H_
