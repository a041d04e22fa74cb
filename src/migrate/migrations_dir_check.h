#ifndef SLUGWRIGHT_MIGRATE_MIGRATIONS_DIR_CHECK_H_
#define SLUGWRIGHT_MIGRATE_MIGRATIONS_DIR_CHECK_H_

// The `migrations:` setting names a folder inside the app; `..` in it is
// refused when the settings are read (release_file.h). This check does the
// same for a symlink on the way that leads out of the app, once the folder
// is resolved against the app root.

#include <string>

struct DiskInterface;

/// Throws UserError(kExitUsage) when `dir` (the `migrations:` setting
/// `setting`, resolved against `app_root`; "" for the current directory)
/// resolves, through symlinks, to a place outside `app_root`. A folder that
/// does not exist is left to the migration source to report.
void RefuseMigrationsDirOutsideApp(DiskInterface* disk, const std::string& app_root,
                                   const std::string& setting, const std::string& dir);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATIONS_DIR_CHECK_H_
