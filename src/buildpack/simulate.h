#ifndef SLUGWRIGHT_BUILDPACK_SIMULATE_H_
#define SLUGWRIGHT_BUILDPACK_SIMULATE_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

class ProcessSpawner;

/// What `bin/simulate` was asked to do.
struct SimulateOptions {
  std::string app_dir;
  /// The buildpack whose bin/detect, bin/compile and bin/release run.
  std::string buildpack_dir;
  /// The Heroku app being built (its cache, its name in messages); empty
  /// for none. Not a config var: a build selects by SLUGWRIGHT_APP or
  /// PROCFILE from config_vars.
  std::string app_name;
  /// Give the build and the release dyno HEROKU_APP_NAME=app_name, as
  /// dyno metadata (`heroku labs:enable runtime-dyno-metadata`) would.
  bool dyno_metadata = false;
  /// Config vars, from --env-file then --env (later wins).
  std::map<std::string, std::string> config_vars;
  /// Keep the temporary build directory (the slug) afterwards.
  bool keep = false;
  /// Run the release phase after the build.
  bool release = false;
  /// Release the slug on this app instead (a pipeline promotion: Heroku
  /// copies the slug to the next app without building it again); empty:
  /// the app it was built for.
  std::string promote_to;
  /// The database for the release phase; empty: a throwaway local cluster.
  std::string database_url;
  /// Play the Cloud Native Buildpack lifecycle (Heroku Fir: bin/detect,
  /// bin/build, launch.toml) instead of the classic one.
  bool cnb = false;
  /// With `cnb`: the CNB target architecture (amd64, arm64); empty: this
  /// machine's.
  std::string arch;
  /// With `cnb` and arch arm64 on another machine: the linux/arm64 binary
  /// to package (e.g. the cross build's BUILD_DIR/arm64/slugwright).
  std::string arm64_binary;
  /// Starts the buildpack scripts and the release command; null: the real
  /// spawner.
  ProcessSpawner* spawner = nullptr;
};

/// Reads an env file of `KEY=value` lines (`#` comments, blank lines, an
/// optional `export ` and matching quotes around the value). Values are
/// data, never evaluated. Throws UserError(kExitUsage) naming the line.
std::map<std::string, std::string> ReadEnvFile(const std::string& path);

/// Splits `KEY=VALUE` from --env; throws UserError(kExitUsage) when malformed.
std::pair<std::string, std::string> ParseEnvAssignment(const std::string& text);

/// With options.cnb: SimulateCnb. Otherwise runs detect, compile and
/// release on a copy of an app as Heroku would
/// (a fresh `build_<hex>` dir, a cache kept per app, config vars only in
/// ENV_DIR), then moves the slug to another path (`app/`, as Heroku runs
/// a slug in /app, not where it was built), optionally runs the release
/// phase there, and prints a summary. Returns the exit
/// status of the first step that failed, or 0.
int Simulate(const SimulateOptions& options, std::ostream& out);

/// The Cloud Native Buildpack lifecycle on a copy of an app, as Heroku Fir
/// builds it, with tests/cnb/lifecycle.sh of the buildpack checkout (the
/// CNB harness's own player): the buildpack packaged with this binary (and
/// the arm64 one), config vars as files in platform/env, bin/detect and
/// bin/build for the target, every TOML file checked; prints the
/// launch.toml processes and, with options.release, runs the `release`
/// process from the launch layer against the release database. Returns
/// the first failing step's status, or 0.
int SimulateCnb(const SimulateOptions& options, std::ostream& out);

#endif  // SLUGWRIGHT_BUILDPACK_SIMULATE_H_
