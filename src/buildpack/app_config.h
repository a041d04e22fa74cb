#ifndef SLUGWRIGHT_BUILDPACK_APP_CONFIG_H_
#define SLUGWRIGHT_BUILDPACK_APP_CONFIG_H_

#include <string>
#include <vector>

#include "migrate/release_settings.h"

/// One entry of `apps:` in slugwright.yml: which Procfile an app uses and how
/// its release phase runs.
struct AppMapping {
  /// An app name or a glob (`commonwealth-*`), matched with fnmatch(3).
  std::string match;
  /// The Procfile, relative to the app root.
  std::string procfile;
  /// Top-level `release:` defaults overlaid with this entry's `release:`.
  ReleaseSettings release;
  /// Where the entry starts in slugwright.yml (1-based).
  int line = 0;
};

/// slugwright.yml: the mapping committed in the app repo.
struct AppConfig {
  /// Applies to apps that no entry maps.
  ReleaseSettings release_defaults;
  std::vector<AppMapping> apps;

  /// The first entry whose `match` fits `app_name`, or nullptr.
  const AppMapping* Find(const std::string& app_name) const;
};

/// The name of the mapping file at the app root.
extern const char kAppConfigFile[];

/// Parses slugwright.yml. Unknown keys, wrong types, bad values, and
/// documents nested deeper than a config needs are rejected with
/// UserError(kExitUsage) naming the file, line and column.
AppConfig ParseAppConfig(const std::string& contents,
                         const std::string& file_name);

#endif  // SLUGWRIGHT_BUILDPACK_APP_CONFIG_H_
