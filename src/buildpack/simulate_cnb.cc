// `slugwright simulate --cnb` (bin/simulate --cnb): a Heroku Fir build of a
// user's app, played by tests/cnb/lifecycle.sh, the same lifecycle player
// the CNB harness (tests/cnb/) uses, so both run one implementation of the
// spec's steps. This file only prepares its input (the app copy, the config
// vars as platform/env files, the buildpack packaged with this binary),
// reports, and provides the release phase's database.
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "base/build_output.h"
#include "base/child_environment.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/self_exe.h"
#include "base/subprocess.h"
#include "base/text.h"
#include "buildpack/cnb_build.h"
#include "buildpack/simulate.h"
#include "buildpack/simulate_steps.h"

namespace fs = std::filesystem;

namespace {

const char kLifecyclePath[] = "tests/cnb/lifecycle.sh";

/// One simulated Fir build: where its layout is and how to run its steps.
struct CnbRun {
  ProcessSpawner* spawner = nullptr;
  std::string lifecycle;  ///< tests/cnb/lifecycle.sh of the checkout
  std::string layout;     ///< T: app/, platform/env/, layers/, buildpack
  std::string arch;       ///< the CNB target
  std::map<std::string, std::string> env;

  /// `lifecycle.sh STEP ARGS...`; its stdout goes to `captured` when given.
  int Step(const std::string& step, const std::vector<std::string>& args,
           std::string* captured = nullptr) const {
    std::vector<std::string> argv = {lifecycle, step};
    argv.insert(argv.end(), args.begin(), args.end());
    return simulate_steps::RunInBuild(spawner, std::move(argv), env, "", captured);
  }
};

void CheckCnbInputs(const SimulateOptions& options, const std::string& arch) {
  RealDiskInterface disk;
  if (disk.Stat(options.app_dir) != DiskInterface::Kind::kDirectory)
    throw UserError(kExitUsage, "APP_DIR " + options.app_dir + " is not a directory");
  for (const char* script : {"bin/detect", "bin/build"})
    if (access((options.buildpack_dir + "/" + script).c_str(), X_OK) != 0)
      throw UserError(kExitUsage, "no executable buildpack script " + options.buildpack_dir +
                                      "/" + script + "; pass --buildpack DIR");
  if (access((options.buildpack_dir + "/" + kLifecyclePath).c_str(), X_OK) != 0)
    throw UserError(kExitUsage, "--cnb needs a checkout of slugwright as --buildpack: no " +
                                    options.buildpack_dir + "/" + kLifecyclePath);
  if (arch != "amd64" && arch != "arm64")
    throw UserError(kExitUsage, "--arch " + arch + ": expected amd64 or arm64");
  if (arch != CnbCompiledArch() && arch == "arm64" && options.arm64_binary.empty())
    throw UserError(kExitUsage, "--arch arm64 on this linux/" + std::string(CnbCompiledArch()) +
                                    " machine needs --arm64-binary PATH (the cross build's "
                                    "slugwright: tools/build-arm64 writes build/arm64/slugwright)");
}

/// T/app (a copy of the app) and T/platform/env (one file per config var).
void WriteAppAndPlatform(const SimulateOptions& options,
                         const std::map<std::string, std::string>& vars, const std::string& t) {
  RealDiskInterface disk;
  try {
    simulate_steps::CopyApp(options.app_dir, t + "/app");
    fs::create_directories(t + "/platform/env");
  } catch (const fs::filesystem_error& e) {
    throw UserError(kExitFailed, std::string("cannot prepare the build: ") + e.what());
  }
  std::string err;
  for (const auto& [name, value] : vars)
    if (!disk.WriteFileAtomically(t + "/platform/env/" + name, value, 0600, &err))
      throw UserError(kExitFailed, err);
}

/// Packages the buildpack with this binary (and the arm64 one) and
/// completes the layout. Returns 0 or the failing step's status.
int PackageAndLayout(const CnbRun& run, const SimulateOptions& options,
                     const std::string& package_dir, BuildOutput& out) {
  std::string self = SelfExecutablePath();
  if (self.empty()) throw UserError(kExitFailed, "cannot find the running slugwright binary");
  std::vector<std::string> args = {package_dir, options.buildpack_dir,
                                   std::string(CnbCompiledArch()) + "=" + self};
  if (!options.arm64_binary.empty()) args.push_back("arm64=" + options.arm64_binary);
  int rc = run.Step("package", args);
  if (rc == 0) rc = run.Step("layout", {run.layout, package_dir});
  if (rc != 0) out.Error("preparing the lifecycle layout failed (exit " + std::to_string(rc) + ")");
  return rc;
}

/// bin/detect and bin/build, then the launch.toml processes into
/// *processes (`TYPE: COMMAND` lines). Returns 0 or the failing status.
int DetectAndBuild(const CnbRun& run, BuildOutput& out, std::string* processes) {
  int rc = run.Step("detect", {run.layout, run.arch});
  if (rc != kCnbDetectPass) {
    out.Error("bin/detect declined the app (exit " + std::to_string(rc) + ")");
    return rc;
  }
  out.Step("bin/detect passed");
  rc = run.Step("build", {run.layout, run.arch});
  if (rc != 0) {
    out.Error("bin/build failed (exit " + std::to_string(rc) + ")");
    return rc;
  }
  rc = run.Step("processes", {run.layout}, processes);
  if (rc != 0) {
    out.Error("no valid launch.toml (exit " + std::to_string(rc) + ")");
    return rc;
  }
  *processes = TrimRight(*processes);
  return kExitOk;
}

/// The `release` process from the launch layer, as Fir's release phase
/// runs it: config vars plus the release dyno's variables.
int RunCnbRelease(CnbRun run, const SimulateOptions& options,
                  const std::map<std::string, std::string>& vars, const std::string& processes,
                  BuildOutput& out) {
  out.Step("Running the release phase (the `release` process)");
  if (("\n" + processes).find("\nrelease: ") == std::string::npos) {
    out.Detail("launch.toml has no `release` process; nothing to run");
    return kExitOk;
  }
  simulate_steps::ReleaseDatabase db(options, vars, out);
  std::map<std::string, std::string> release_vars =
      simulate_steps::ReleaseConfigVars(options, vars, db.url(), out);
  // Handed over by name through the environment, not on a command line.
  std::vector<std::string> args = {run.layout, run.arch, "release"};
  for (const auto& [name, value] : release_vars) args.push_back(name);
  run.env = ChildEnvironmentVariables(release_vars);
  int rc = run.Step("launch", args);
  if (rc != 0)
    out.Error("The release process failed (exit " + std::to_string(rc) +
              "); Fir would not deploy this release");
  else
    out.Detail("Release phase succeeded");
  return rc;
}

}  // namespace

int SimulateCnb(const SimulateOptions& options, std::ostream& out_stream) {
  BuildOutput out(out_stream);
  CnbRun run;
  run.arch = options.arch.empty() ? CnbCompiledArch() : options.arch;
  CheckCnbInputs(options, run.arch);
  run.spawner = options.spawner ? options.spawner : DefaultProcessSpawner();
  run.lifecycle = options.buildpack_dir + "/" + kLifecyclePath;
  run.env = ChildEnvironmentVariables({});

  simulate_steps::TempBuild temp;
  if (options.keep) temp.Keep();
  run.layout = temp.dir() + "/cnb";
  out.Step("Simulating a Heroku Fir (Cloud Native Buildpack) build of " + options.app_dir +
           (options.app_name.empty() ? "" : " as app " + options.app_name) + " for linux/" +
           run.arch);
  std::map<std::string, std::string> vars = simulate_steps::BuildConfigVars(options, out);
  WriteAppAndPlatform(options, vars, run.layout);
  out.Detail("app      " + run.layout + "/app");
  out.Detail("platform " + run.layout + "/platform (" + std::to_string(vars.size()) +
             " config var" + (vars.size() == 1 ? "" : "s") + " in env/)");
  out.Detail("layers   " + run.layout + "/layers");

  int rc = PackageAndLayout(run, options, temp.dir() + "/buildpack", out);
  std::string processes;
  if (rc == 0) rc = DetectAndBuild(run, out, &processes);
  if (rc != 0) return rc;
  int release_rc = options.release ? RunCnbRelease(run, options, vars, processes, out) : kExitOk;

  out.Step("Summary");
  out.Detail(processes.empty() ? "launch.toml: no processes" : "launch.toml processes:");
  std::istringstream lines(processes);
  for (std::string line; std::getline(lines, line);) out.Detail("  " + line);
  out.Detail(options.keep ? "Layout:   " + run.layout + " (kept)"
                          : std::string("Layout:   removed (pass --keep to inspect it)"));
  return release_rc;
}
