#ifndef SLUGWRIGHT_BUILDPACK_PROCFILE_SELECTOR_H_
#define SLUGWRIGHT_BUILDPACK_PROCFILE_SELECTOR_H_

#include <string>
#include <vector>

#include "buildpack/env_dir.h"
#include "buildpack/procfile.h"
#include "migrate/release_settings.h"

struct AppConfig;
struct DiskInterface;

/// Which Procfile an app gets, why, and the text to write as its Procfile.
struct Selection {
  /// The precedence rule that decided, in order.
  enum class Rule {
    kProcfileVar = 1,    ///< the PROCFILE config var
    kMapping = 2,        ///< an entry of slugwright.yml
    kConvention = 3,     ///< procfiles/<app>.Procfile
    kRootProcfile = 4,   ///< the app's own Procfile
  };
  Rule rule = Rule::kRootProcfile;
  /// The app name used for rules 2 and 3; empty when none is known.
  std::string app_name;
  /// Where the app name came from ("--app", "SLUGWRIGHT_APP", ...).
  std::string app_name_source;
  /// The chosen Procfile, relative to the app root.
  std::string procfile;
  /// PROCFILE_APPEND files, relative to the app root, in order.
  std::vector<std::string> appended;
  /// An app.json beside a PROCFILE-chosen Procfile, copied to the root.
  std::string app_json;
  /// One sentence: which rule, which file, and why earlier rules did not
  /// apply.
  std::string reason;
  /// Notes worth showing (a mapping overridden by PROCFILE, ...).
  std::vector<std::string> notes;
  /// The Procfile text to write at the app root, and its parsed form.
  std::string contents;
  Procfile parsed;
  /// The release phase settings for this app (slugwright.yml or defaults).
  ReleaseSettings release;
};

const char* RuleName(Selection::Rule rule);

/// Every file under `app_dir` that slugwright (or heroku-buildpack-multi-
/// procfile, through PROCFILE) can select: named `Procfile`, `*.Procfile`,
/// `Procfile.*` or `*.procfile` (any case), relative to `app_dir`, sorted.
/// Skips `.git`, `node_modules`, `.slugwright` and symlinked directories,
/// and stops 8 directories deep.
std::vector<std::string> FindProcfileCandidates(DiskInterface* disk, const std::string& app_dir);

/// Picks and validates the Procfile of one app of a monorepo:
///   1. PROCFILE (as heroku-buildpack-multi-procfile, with PROCFILE_APPEND
///      and app.json), 2. slugwright.yml, 3. procfiles/<app>.Procfile,
///   4. the root Procfile. Reads only; throws UserError(kExitUsage) with
///   the file, line and reason, or the list of Procfiles found when no
///   rule applies.
class ProcfileSelector {
 public:
  /// Procfiles are read as `platform` reads them (buildpack/procfile.h).
  ProcfileSelector(DiskInterface* disk, const std::string& app_dir,
                   ProcfilePlatform platform = ProcfilePlatform::kCedar)
      : disk_(disk), app_dir_(app_dir), platform_(platform) {}

  /// `app_override` (from --app) takes precedence over the config vars
  /// SLUGWRIGHT_APP and HEROKU_APP_NAME.
  Selection Select(const ConfigVars& vars, const std::string& app_override);

 private:
  /// The app name from --app, else SLUGWRIGHT_APP, else HEROKU_APP_NAME
  /// (dyno metadata, which a build may not have: a note says so); throws
  /// for one that is not a Heroku app name.
  void SetAppName(const ConfigVars& vars, const std::string& app_override, Selection* s);
  /// Reads slugwright.yml into *config; false when the app has none.
  bool LoadAppConfig(AppConfig* config);
  /// The apps of `config` and procfiles/<app>.Procfile closest to `app`,
  /// for "did you mean".
  std::vector<std::string> ClosestAppNames(const std::string& app, const AppConfig& config);
  /// Checks that `relative` names a regular file inside the app, following
  /// symlinks; `what` describes it in errors. Returns the path to open.
  std::string ResolveInsideApp(const std::string& relative,
                               const std::string& what);
  std::string ReadChecked(const std::string& relative, const std::string& what,
                          Procfile* parsed);
  void SelectByProcfileVar(const ConfigVars& vars, Selection* s);
  /// The app names `config` and procfiles/ spell out (no globs), in order.
  std::vector<std::string> KnownAppNames(const AppConfig& config);
  /// Throws the error for an app no rule gives a Procfile, with the
  /// Procfiles found and what to set: the app name (SLUGWRIGHT_APP) where
  /// a mapping or procfiles/ decides, else PROCFILE.
  [[noreturn]] void FailNothingSelected(const Selection& s, const std::string& trail,
                                        const AppConfig& config);

  DiskInterface* disk_;
  std::string app_dir_;
  ProcfilePlatform platform_;
  std::string app_dir_canonical_;
};

#endif  // SLUGWRIGHT_BUILDPACK_PROCFILE_SELECTOR_H_
