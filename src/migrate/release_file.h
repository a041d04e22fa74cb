#ifndef SLUGWRIGHT_MIGRATE_RELEASE_FILE_H_
#define SLUGWRIGHT_MIGRATE_RELEASE_FILE_H_

#include <string>

#include "migrate/release_settings.h"

struct DiskInterface;

/// The release settings `slugwright release` runs with, and where they
/// came from.
struct LoadedReleaseSettings {
  ReleaseSettings settings;
  /// The file read; empty when none was found (defaults).
  std::string file;
  /// The slug root the settings' paths are relative to: the directory
  /// holding `.slugwright/`, or the current directory without a file.
  std::string app_root;
  /// The app name bin/compile selected for, from the file ("" if none).
  std::string app;
  /// The Procfile bin/compile selected, relative to the app root ("" if
  /// none recorded).
  std::string procfile;
  /// The commit bin/compile built (Heroku's SOURCE_VERSION; "" if none
  /// recorded), which `release` may coordinate by (ledger/release_key.h).
  std::string commit;
};

/// Finds and reads `.slugwright/release.json` (written by bin/compile):
/// `explicit_path` when given (a missing file is then an error), else
/// `<cwd>/.slugwright/release.json` (Heroku runs the release phase in
/// /app), else the one beside the binary (`<slug>/.slugwright/bin/
/// slugwright` -> `<slug>/.slugwright/release.json`). No file: defaults.
/// Throws UserError(kExitUsage) for an unreadable or malformed file.
LoadedReleaseSettings LoadReleaseSettings(DiskInterface* disk,
                                          const std::string& explicit_path,
                                          const std::string& cwd,
                                          const std::string& self_exe);

/// `root`/`relative`, or `relative` alone when `root` is "." or empty, so
/// messages show the short form when run from the app root.
std::string JoinAppPath(const std::string& root, const std::string& relative);

#endif  // SLUGWRIGHT_MIGRATE_RELEASE_FILE_H_
