#ifndef SLUGWRIGHT_BUILDPACK_RELEASE_PHASE_CHECK_H_
#define SLUGWRIGHT_BUILDPACK_RELEASE_PHASE_CHECK_H_

// What a build can know about the app's release phase without a database:
// what the Procfile's `release:` runs, and, when it runs slugwright on its
// own migrations, whether those pass the checks `slugwright migrate
// validate --offline` makes, so a migration that would fail the release
// fails the build instead, with the same message.

#include <cstddef>
#include <string>

#include "buildpack/procfile.h"
#include "migrate/release_settings.h"

struct DiskInterface;

/// What the Procfile's `release` process type runs.
enum class ReleaseRunner {
  kNone,        ///< no `release` process type: Heroku runs no release phase
  kSlugwright,  ///< a command that runs `slugwright` (release or migrate)
  kOther,       ///< a command of the app's own (e.g. `npx sequelize db:migrate`)
};

/// The facts a build reports about the release phase.
struct ReleasePhaseFacts {
  ReleaseRunner runner = ReleaseRunner::kNone;
  /// The Procfile's `release` command; empty for kNone.
  std::string release_command;
  /// slugwright's migrations folder, relative to the app root.
  std::string migrations_dir;
  /// .sql files in that folder (0 when it does not exist).
  size_t sql_files = 0;
  /// True when slugwright's migrations were read and checked offline (the
  /// release runs slugwright on them, not a `command:` of its own).
  bool migrations_checked = false;
  /// Migrations checked, when migrations_checked.
  size_t migrations = 0;
  /// When migrations_checked: the migrations manifest the slug carries
  /// (migrate/migrations_manifest.h), so the release reads no file that
  /// did not change since this build.
  std::string manifest_text;
  /// `command:` mode: the tool's migrations directory as slugwright infers
  /// it (tools/tool_history.h; "" when it cannot), and whether it is
  /// missing from the slug, so `migrate status` could not know which
  /// migrations are pending (it says "unknown" and `--exit-code` exits 6).
  std::string command_migrations_dir;
  bool command_pending_unknown = false;
};

/// What `procfile` says the release phase runs.
ReleaseRunner ClassifyReleaseRunner(const Procfile& procfile, std::string* release_command);

/// Gathers the facts for the app in `app_dir`. When the release runs
/// slugwright on its own migrations (`release.command` empty), reads them
/// as the release would (paths relative to the app root, so messages name
/// the files as the release does) and checks them as `migrate validate
/// --offline` does: throws that UserError (exit 2) for a migration the
/// release would refuse, or for a migrations folder that is missing or
/// leads out of the app.
ReleasePhaseFacts CheckReleasePhase(DiskInterface* disk, const std::string& app_dir,
                                    const Procfile& procfile, const ReleaseSettings& release);

#endif  // SLUGWRIGHT_BUILDPACK_RELEASE_PHASE_CHECK_H_
