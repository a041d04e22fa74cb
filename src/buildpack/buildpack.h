#ifndef SLUGWRIGHT_BUILDPACK_BUILDPACK_H_
#define SLUGWRIGHT_BUILDPACK_BUILDPACK_H_

#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>

#include "buildpack/env_dir.h"
#include "buildpack/procfile.h"
#include "buildpack/procfile_selector.h"
#include "buildpack/release_phase_check.h"

class BuildOutput;
struct DiskInterface;

/// The classic Heroku buildpack API. bin/detect, bin/compile and bin/release
/// are thin scripts around these.
class Buildpack {
 public:
  Buildpack(DiskInterface* disk, std::ostream& out, std::ostream& err)
      : disk_(disk), out_(out), err_(err) {}

  /// Exit 0 and print the name when the app has something to select (a
  /// slugwright.yml, a procfiles/ directory, or a Procfile anywhere);
  /// otherwise exit 1 with a one-line reason.
  int Detect(const std::string& build_dir);

  /// Selects and validates the Procfile using the config vars in env_dir,
  /// writes it to build_dir/Procfile atomically, installs the runner
  /// (`runner_binary`) into the slug with its release settings, and records
  /// the build in cache_dir. Throws UserError on bad input, having written
  /// nothing.
  int Compile(const std::string& build_dir, const std::string& cache_dir,
              const std::string& env_dir, const std::string& runner_binary);

  /// Prints the release YAML built from the Procfile that compile wrote.
  int Release(const std::string& build_dir);

 private:
  void Write(const std::string& path, const std::string& contents, int mode);

  DiskInterface* disk_;
  std::ostream& out_;
  std::ostream& err_;
};

/// Where compile installs the runner and its settings, relative to the app.
extern const char kSlugRunnerPath[];
extern const char kSlugReleaseSettingsPath[];
/// The largest runner binary compile and build copy into the slug.
extern const size_t kMaxRunnerBytes;

// The steps bin/compile (classic) and bin/build (CNB, buildpack/cnb_build.h)
// share, so that both generations select and validate alike.

/// True when the app has something to select: a slugwright.yml, a
/// procfiles/ directory or a Procfile anywhere (what detect accepts).
bool AppHasProcfileToSelect(DiskInterface* disk, const std::string& app_dir);

/// A Procfile selected and validated for a build, the canonical text to
/// write as the app's Procfile, and what the release phase will run.
struct ValidatedProcfile {
  Selection selection;
  std::string procfile_text;
  /// Whose reading the Procfile was checked against.
  ProcfilePlatform platform = ProcfilePlatform::kCedar;
  ReleasePhaseFacts release_phase;
};

/// The config var that opts a build into checking the Procfile for both
/// platforms (`both`) instead of the one that builds.
extern const char kProcfileCheckVar[];

/// The reading a build on `building` (kCedar for bin/compile, kFir for
/// bin/build) checks the Procfile against: `building`, or kBoth when
/// SLUGWRIGHT_PROCFILE_CHECK is `both`. Throws UserError(kExitUsage) for
/// any other value than those two names.
ProcfilePlatform ProcfileCheckFor(const ConfigVars& vars, ProcfilePlatform building);

/// Selects the Procfile by the config vars and reads it as the platform
/// that builds (`building`, see ProcfileCheckFor), reports the rule, the
/// process types and warnings on `out`, checks that the platform's reader
/// reads the canonical text back as validated, and checks the release
/// phase's migrations offline (buildpack/release_phase_check.h). Reads
/// only; throws UserError.
ValidatedProcfile SelectAndValidateProcfile(DiskInterface* disk, const std::string& build_dir,
                                            const ConfigVars& vars, ProcfilePlatform building,
                                            BuildOutput& out);

/// The app's .slugwright/release.json contents.
nlohmann::json ReleaseSettingsJson(const Selection& s);

/// The build log's line on what the release phase will run: slugwright's
/// migrations (or `command:`) only when the Procfile's `release:` runs
/// slugwright.
std::string DescribeReleasePhase(const ReleasePhaseFacts& facts, const ReleaseSettings& release);

/// A warning for a release phase that will not apply the app's migrations
/// (.sql files in the migrations folder, and no `release:` in the
/// Procfile); "" when there is none.
std::string ReleasePhaseWarning(const ReleasePhaseFacts& facts, const std::string& procfile);

/// What a build keeps for the next one's change report:
/// {"app", "procfile", "process_types": {name: command}}.
nlohmann::json LastBuildRecord(const Selection& s);

/// "Since the last build: added x; removed y; changed z" (or unchanged),
/// comparing a LastBuildRecord() with the new process types.
std::string DescribeProcessTypeChanges(const nlohmann::json& last, const Procfile& now);

#endif  // SLUGWRIGHT_BUILDPACK_BUILDPACK_H_
