#ifndef SLUGWRIGHT_LEDGER_RELEASE_KEY_H_
#define SLUGWRIGHT_LEDGER_RELEASE_KEY_H_

// Which release a run belongs to and who runs it: the release key (the
// commit and the attempt) and the service name, from the flags or the
// platform's variables, and whether the run coordinates through the ledger
// at all. Heroku keeps one release phase per release: there, only
// `coordinate: commit` (apps sharing one database) coordinates by commit.

#include <functional>
#include <string>

#include "ledger/release_ledger.h"
#include "migrate/release_settings.h"

/// What the run was told.
struct ReleaseKeyInputs {
  /// --commit, --attempt, --service ("" when not given).
  std::string commit_flag;
  std::string attempt_flag;
  std::string service_flag;
  /// --app.
  std::string app_flag;
  /// The app bin/compile built the slug for, from release.json ("" none).
  std::string build_app;
  /// The commit bin/compile saw (SOURCE_VERSION), from release.json.
  std::string build_commit;
  ReleaseSettings::Coordinate coordinate = ReleaseSettings::Coordinate::kAuto;
};

/// The run's place in the ledger.
struct ReleaseIdentity {
  /// False: the run applies its release on its own, as without a ledger.
  bool coordinated = false;
  /// Why not, for the log ("no commit is known", ...).
  std::string not_coordinated_because;
  ReleaseKey key;
  /// Where the commit, the attempt and the service came from: a flag or
  /// the variable's name.
  std::string commit_origin;
  std::string attempt_origin;
  std::string service;
  std::string service_origin;
};

/// Looks up an environment variable; "" when unset.
using EnvLookup = std::function<std::string(const std::string& name)>;

/// The commit comes from --commit, SLUGWRIGHT_COMMIT, RAILWAY_GIT_COMMIT_SHA,
/// RENDER_GIT_COMMIT, GITHUB_SHA, HEROKU_SLUG_COMMIT or the build's
/// SOURCE_VERSION, the first that is set; the attempt from --attempt or
/// SLUGWRIGHT_ATTEMPT (default 1); the service from --service, --app,
/// SLUGWRIGHT_APP, HEROKU_APP_NAME, RAILWAY_SERVICE_NAME,
/// RENDER_SERVICE_NAME, FLY_APP_NAME, the build's app, else the host name.
/// With `coordinate: auto` a commit known only from Heroku (its slug
/// commit) does not coordinate. Throws UserError(kExitUsage) for a commit
/// or attempt that is not one, naming where it came from.
ReleaseIdentity ResolveReleaseIdentity(const ReleaseKeyInputs& inputs, const EnvLookup& env);

/// "abc1234def" for a 40-digit SHA (its first 10 characters), else the
/// commit as given, plus " attempt N" after the first.
std::string DescribeReleaseKey(const ReleaseKey& key);

#endif  // SLUGWRIGHT_LEDGER_RELEASE_KEY_H_
