#ifndef SLUGWRIGHT_BUILDPACK_CNB_BUILD_H_
#define SLUGWRIGHT_BUILDPACK_CNB_BUILD_H_

// The Cloud Native Buildpack side of the buildpack (Buildpack API 0.10, as
// Heroku Fir's heroku/builder:24 runs it): bin/detect in CNB mode and
// bin/build are thin scripts around CnbBuildpack. It selects and validates
// the Procfile exactly as bin/compile does (buildpack/buildpack.h) and
// turns the result into layers and launch.toml instead of a slug.

#include <ostream>
#include <string>

#include "buildpack/procfile.h"

struct DiskInterface;

/// The CNB detect exit codes (spec: 0 pass, 100 fail, anything else error).
constexpr int kCnbDetectPass = 0;
constexpr int kCnbDetectFail = 100;

/// The layer names bin/build writes under CNB_LAYERS_DIR.
extern const char kCnbRunnerLayer[];  ///< launch: bin/slugwright on PATH
extern const char kCnbCacheLayer[];   ///< cache: the last build's process types

/// What the lifecycle hands bin/build (CNB_* variables or positional args).
struct CnbBuildContext {
  std::string app_dir;       ///< CNB_APP_DIR or the working directory
  std::string layers_dir;    ///< CNB_LAYERS_DIR: this buildpack's layers
  std::string platform_dir;  ///< CNB_PLATFORM_DIR: config vars in env/
  std::string target_arch;   ///< CNB_TARGET_ARCH; empty: not checked
  std::string runner_binary; ///< the slugwright binary to install
};

class CnbBuildpack {
 public:
  CnbBuildpack(DiskInterface* disk, std::ostream& out, std::ostream& err)
      : disk_(disk), out_(out), err_(err) {}

  /// kCnbDetectPass when the app has something to select (as classic
  /// detect) or the platform sets PROCFILE; kCnbDetectFail otherwise; 1
  /// when the app directory is missing. Writes no build plan.
  int Detect(const std::string& app_dir, const std::string& platform_dir);

  /// Selects and validates the Procfile with the config vars in
  /// platform_dir/env, then writes the app's Procfile and
  /// .slugwright/release.json, the runner's launch layer, launch.toml and
  /// the cache layer. Throws UserError, having written nothing, on bad input
  /// or a target architecture this binary is not built for.
  int Build(const CnbBuildContext& context);

 private:
  void Write(const std::string& path, const std::string& contents, int mode);
  void ReportChangesSinceLastBuild(const std::string& layers_dir, const Procfile& now);

  DiskInterface* disk_;
  std::ostream& out_;
  std::ostream& err_;
};

/// The CNB architecture name of this binary ("amd64", "arm64"), from the
/// compiler's target.
const char* CnbCompiledArch();

/// launch.toml for a Procfile: one [[processes]] per type in file order,
/// command = ["bash", "-c", COMMAND]; `web` is the default, or the only
/// process (as heroku/procfile does).
std::string CnbLaunchToml(const Procfile& procfile, const std::string& procfile_name);

/// A TOML basic string (quoted, with `"`, `\` and control characters
/// escaped).
std::string TomlQuote(const std::string& text);

#endif  // SLUGWRIGHT_BUILDPACK_CNB_BUILD_H_
