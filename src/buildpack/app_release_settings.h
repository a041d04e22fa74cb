#ifndef SLUGWRIGHT_BUILDPACK_APP_RELEASE_SETTINGS_H_
#define SLUGWRIGHT_BUILDPACK_APP_RELEASE_SETTINGS_H_

#include <string>
#include <vector>

#include "migrate/release_file.h"

struct DiskInterface;

/// Which release settings the app that is releasing now uses, wherever it
/// runs: in a slug built for it, in a slug promoted from another app of a
/// pipeline, or outside any slug (a container, CI, a laptop).
struct AppReleaseSettings {
  /// The settings, where they came from and the root their paths are
  /// relative to.
  LoadedReleaseSettings loaded;
  /// The app releasing now ("" when unknown) and where its name came from.
  std::string running_app;
  std::string running_app_source;
  /// True when the slug was built for another app (a pipeline promotion).
  bool promoted = false;
  /// One line for the log saying which settings are used and why.
  std::string origin;
  /// Things the user should know (a Procfile the promoted slug does not
  /// run, no app name to pick a mapping with, ...).
  std::vector<std::string> warnings;
};

/// What to do when a promoted slug runs a Procfile other than the one the
/// releasing app's own mapping chooses (Heroku keeps the slug's process
/// types). Set with the config var SLUGWRIGHT_PROMOTED_PROCFILE.
enum class PromotedProcfilePolicy { kWarn, kRefuse };

/// Resolves the settings:
///   1. `explicit_path` (--settings): a `.slugwright/release.json` or a
///      `slugwright.yml` (by its name ending in .yml or .yaml);
///   2. `.slugwright/release.json` in `cwd` or beside `self_exe` (a slug or
///      an image built by the buildpack). When `running_app` differs from
///      the app the slug was built for and the slug holds a slugwright.yml,
///      the running app's entry there decides (pipeline promotion);
///   3. otherwise the nearest slugwright.yml from `cwd` upward, with the
///      entry matching `running_app` (its top-level `release:` when no entry
///      matches or no app is known);
///   4. otherwise the defaults, with `origin` saying where it looked.
/// Throws UserError(kExitUsage) for unreadable or invalid files, and for a
/// promoted Procfile mismatch under PromotedProcfilePolicy::kRefuse.
AppReleaseSettings ResolveAppReleaseSettings(DiskInterface* disk, const std::string& explicit_path,
                                             const std::string& cwd, const std::string& self_exe,
                                             const std::string& running_app,
                                             const std::string& running_app_source,
                                             PromotedProcfilePolicy policy);

/// Parses SLUGWRIGHT_PROMOTED_PROCFILE: "" or "warn" -> kWarn, "refuse";
/// anything else is a UserError(kExitUsage).
PromotedProcfilePolicy ParsePromotedProcfilePolicy(const std::string& value);

#endif  // SLUGWRIGHT_BUILDPACK_APP_RELEASE_SETTINGS_H_
