#include <CLI/CLI.hpp>
#include <iostream>

#include "buildpack/buildpack.h"
#include "cli/commands.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/self_exe.h"

void RegisterBuildpackCommands(CLI::App* app, int* status) {
  CLI::App* bp = app->add_subcommand(
      "buildpack", "The classic Heroku buildpack API (called by bin/detect, "
                   "bin/compile and bin/release)");
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
}
