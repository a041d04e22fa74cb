#ifndef SLUGWRIGHT_BUILDPACK_SIMULATE_STEPS_H_
#define SLUGWRIGHT_BUILDPACK_SIMULATE_STEPS_H_

// The steps `slugwright simulate` shares between its Heroku Cedar run
// (simulate.cc: detect, compile, release) and its Cloud Native Buildpack
// run (simulate_cnb.cc: the lifecycle of tests/cnb/lifecycle.sh): the
// temporary directory, the app copy, running a child as a build does, and
// the database of the release phase.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "buildpack/simulate.h"

class BuildOutput;
class LocalPostgres;
class LocalPostgresGuard;
class ProcessSpawner;

namespace simulate_steps {

/// A fresh directory under $TMPDIR, removed at the end unless kept (and by
/// a guard process if this one dies first).
class TempBuild {
 public:
  TempBuild();
  ~TempBuild();
  TempBuild(const TempBuild&) = delete;
  TempBuild& operator=(const TempBuild&) = delete;
  const std::string& dir() const { return dir_; }
  void Keep();

 private:
  std::string dir_;
  bool keep_ = false;
  std::unique_ptr<LocalPostgresGuard> guard_;
};

/// Copies the app as Heroku checks it out: without .git, symlinks as links.
void CopyApp(const std::string& from, const std::string& to);

/// Runs a program as a build does: stdin and stderr (and stdout unless
/// `captured` is given) are the terminal's, and it stays in slugwright's
/// process group so Ctrl-C reaches it. Returns its exit status as a shell
/// gives it.
int RunInBuild(ProcessSpawner* spawner, std::vector<std::string> argv,
               const std::map<std::string, std::string>& env, const std::string& working_dir,
               std::string* captured);

/// The database a simulated release phase migrates: --database-url, the
/// DATABASE_URL config var, or a throwaway local cluster started here and
/// removed with this object.
class ReleaseDatabase {
 public:
  ReleaseDatabase(const SimulateOptions& options,
                  const std::map<std::string, std::string>& vars, BuildOutput& out);
  ~ReleaseDatabase();
  /// Empty when the DATABASE_URL config var is to be used as it is.
  const std::string& url() const { return url_; }

 private:
  std::unique_ptr<LocalPostgres> db_;
  std::string url_;
};

/// The config vars a build sees in ENV_DIR (or platform/env): the app's
/// config vars only, as on Heroku, where the app's name is dyno metadata
/// that a build is not documented to get; with options.dyno_metadata also
/// HEROKU_APP_NAME. Says on `out` when --app names an app that nothing in
/// them names for the build.
std::map<std::string, std::string> BuildConfigVars(const SimulateOptions& options,
                                                   BuildOutput& out);

/// The config vars of a release-phase dyno: `vars`, the app promoted to
/// (in HEROKU_APP_NAME when it is there, as dyno metadata, and in
/// SLUGWRIGHT_APP when it is set), DATABASE_URL, HEROKU_RELEASE_VERSION
/// (v1 unless given) and DYNO.
std::map<std::string, std::string> ReleaseConfigVars(
    const SimulateOptions& options, const std::map<std::string, std::string>& vars,
    const std::string& database_url, BuildOutput& out);

}  // namespace simulate_steps

#endif  // SLUGWRIGHT_BUILDPACK_SIMULATE_STEPS_H_
