// `slugwright buildpack ...`: the classic Heroku buildpack API (detect,
// compile, release) and the Cloud Native Buildpack one (cnb-detect,
// cnb-build), which bin/detect, bin/compile, bin/release and bin/build call.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/self_exe.h"
#include "buildpack/buildpack.h"
#include "buildpack/cnb_build.h"
#include "cli/commands.h"

namespace {

/// A CNB_* variable, or `fallback` (the deprecated positional argument)
/// when it is unset or empty.
std::string CnbSetting(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

std::string WorkingDirectory() {
  char buffer[4096];
  return ::getcwd(buffer, sizeof buffer) ? buffer : ".";
}

/// `buildpack cnb-detect` and `buildpack cnb-build` (Buildpack API 0.10):
/// settings from the CNB_* environment, else the positional arguments the
/// lifecycle also passes; the app is CNB_APP_DIR or the working directory.
void RegisterCnbCommands(CLI::App* bp, int* status) {
  static std::string detect_platform, detect_plan;
  CLI::App* detect = bp->add_subcommand(
      "cnb-detect", "CNB detect: exit 0 when the app (the working directory) has a "
                    "Procfile to select, 100 when not");
  detect->add_option("PLATFORM_DIR", detect_platform, "Default: $CNB_PLATFORM_DIR");
  detect->add_option("PLAN_PATH", detect_plan, "Default: $CNB_BUILD_PLAN_PATH (left empty)");
  detect->callback([status] {
    RealDiskInterface disk;
    *status = CnbBuildpack(&disk, std::cout, std::cerr)
                  .Detect(CnbSetting("CNB_APP_DIR", WorkingDirectory()),
                          CnbSetting("CNB_PLATFORM_DIR", detect_platform));
  });

  static std::string build_layers, build_platform, build_plan;
  CLI::App* build = bp->add_subcommand(
      "cnb-build", "CNB build: select and validate the Procfile, install the runner "
                   "into a launch layer and write launch.toml");
  build->add_option("LAYERS_DIR", build_layers, "Default: $CNB_LAYERS_DIR");
  build->add_option("PLATFORM_DIR", build_platform, "Default: $CNB_PLATFORM_DIR");
  build->add_option("PLAN_PATH", build_plan, "Default: $CNB_BP_PLAN_PATH (not read)");
  build->callback([status] {
    RealDiskInterface disk;
    CnbBuildContext context;
    context.app_dir = CnbSetting("CNB_APP_DIR", WorkingDirectory());
    context.layers_dir = CnbSetting("CNB_LAYERS_DIR", build_layers);
    context.platform_dir = CnbSetting("CNB_PLATFORM_DIR", build_platform);
    context.target_arch = CnbSetting("CNB_TARGET_ARCH", "");
    context.runner_binary = SelfExecutablePath();
    *status = CnbBuildpack(&disk, std::cout, std::cerr).Build(context);
  });
}

}  // namespace

void RegisterBuildpackCommands(CLI::App* app, int* status) {
  CLI::App* bp = app->add_subcommand(
      "buildpack", "The Heroku buildpack APIs: classic (bin/detect, bin/compile, "
                   "bin/release) and Cloud Native (bin/detect, bin/build)");
  bp->require_subcommand(1);

  static std::string detect_dir;
  CLI::App* detect = bp->add_subcommand(
      "detect", "Exit 0 and print the name when the app has a Procfile to select");
  detect->add_option("BUILD_DIR", detect_dir, "The app's directory")->required();
  detect->callback([status] {
    RealDiskInterface disk;
    *status = Buildpack(&disk, std::cout, std::cerr).Detect(detect_dir);
  });

  static std::string build_dir, cache_dir, env_dir;
  CLI::App* compile = bp->add_subcommand(
      "compile", "Select and validate the Procfile, write it to the app root "
                 "and install the release-phase runner into the slug");
  compile->add_option("BUILD_DIR", build_dir, "The app's directory")->required();
  compile->add_option("CACHE_DIR", cache_dir, "Kept between builds")->required();
  compile->add_option("ENV_DIR", env_dir, "One file per config var")->required();
  compile->callback([status] {
    RealDiskInterface disk;
    *status = Buildpack(&disk, std::cout, std::cerr)
                  .Compile(build_dir, cache_dir, env_dir, SelfExecutablePath());
  });

  static std::string release_dir;
  CLI::App* release = bp->add_subcommand(
      "release", "Print the release YAML (default_process_types)");
  release->add_option("BUILD_DIR", release_dir, "The app's directory")->required();
  release->callback([status] {
    RealDiskInterface disk;
    *status = Buildpack(&disk, std::cout, std::cerr).Release(release_dir);
  });

  RegisterCnbCommands(bp, status);
}
