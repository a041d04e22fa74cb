#ifndef SLUGWRIGHT_CLI_SETTINGS_FLAGS_H_
#define SLUGWRIGHT_CLI_SETTINGS_FLAGS_H_

#include <string>

#include "migrate/release_settings.h"

namespace CLI {
class App;
}

/// The command-line overrides of the release settings that `release`,
/// `migrate ...` and `rehearse` share. Empty (or -1) means "as the
/// settings say".
struct SettingsFlags {
  std::string settings_file;
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

/// Adds the flags to a command; `with_lock_wait` adds --lock-wait, which
/// only commands that take the migration lock have.
void AddSettingsFlags(CLI::App* cmd, SettingsFlags* flags, bool with_lock_wait);

/// Overlays the flags on `settings`; throws UserError(kExitUsage) for a
/// malformed duration, naming the flag.
void ApplySettingsFlags(const SettingsFlags& flags, ReleaseSettings* settings);

/// The value of an environment variable, "" when unset.
std::string Getenv(const std::string& name);
/// The working directory, "." when it cannot be read.
std::string CurrentDirectory();

#endif  // SLUGWRIGHT_CLI_SETTINGS_FLAGS_H_
