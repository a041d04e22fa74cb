#include <CLI/CLI.hpp>
#include <iostream>

#include "base/exit_codes.h"
#include "buildpack/simulate.h"
#include "cli/commands.h"

void RegisterSimulateCommand(CLI::App* app, int* status) {
  static SimulateOptions options;
  static std::vector<std::string> env_assignments;
  static std::string env_file;
  CLI::App* sim = app->add_subcommand(
      "simulate",
      "Run detect, compile and release on a copy of an app as Heroku would "
      "(bin/simulate); --cnb: detect and build as Heroku Fir would");
  sim->add_option("APP_DIR", options.app_dir, "The app (e.g. fixtures/common-monorepo)")
      ->required();
  sim->add_option("--buildpack", options.buildpack_dir,
                  "The buildpack directory holding bin/ (bin/simulate passes it)")
      ->required();
  sim->add_option("--app", options.app_name,
                  "The Heroku app being built (its build cache, and the name in messages); "
                  "not a config var: select with --env SLUGWRIGHT_APP=NAME");
  sim->add_flag("--dyno-metadata", options.dyno_metadata,
                "With --app: give the build and the release HEROKU_APP_NAME, as Heroku's dyno "
                "metadata (heroku labs:enable runtime-dyno-metadata) does in dynos");
  sim->add_option("--env", env_assignments, "A config var, KEY=VALUE (repeatable)");
  sim->add_option("--env-file", env_file, "Config vars from a file of KEY=VALUE lines");
  sim->add_flag("--keep", options.keep, "Keep the built slug directory");
  sim->add_option("--promote-to", options.promote_to,
                  "Release the slug on this app instead, as a pipeline promotion does "
                  "(no rebuild)");
  sim->add_flag("--release", options.release,
                "Then run the release phase (the Procfile's release command)");
  sim->add_option("--database-url", options.database_url,
                  "Database for --release; default: a throwaway local cluster");
  sim->add_flag("--cnb", options.cnb,
                "Build as Heroku Fir does: the Cloud Native Buildpack lifecycle (bin/detect, "
                "bin/build, launch.toml) instead of Cedar's");
  sim->add_option("--arch", options.arch,
                  "With --cnb: the target, amd64 or arm64 (default: this machine's)")
      ->check(CLI::IsMember({"amd64", "arm64"}));
  sim->add_option("--arm64-binary", options.arm64_binary,
                  "With --cnb --arch arm64 on amd64: the linux/arm64 slugwright to package "
                  "(run under qemu)");
  sim->callback([status] {
    if (!options.cnb && (!options.arch.empty() || !options.arm64_binary.empty()))
      throw UserError(kExitUsage, "--arch and --arm64-binary need --cnb");
    if (options.dyno_metadata && options.app_name.empty())
      throw UserError(kExitUsage, "--dyno-metadata needs --app NAME (the HEROKU_APP_NAME to give)");
    if (!env_file.empty()) options.config_vars = ReadEnvFile(env_file);
    for (const std::string& a : env_assignments) {
      auto [name, value] = ParseEnvAssignment(a);
      options.config_vars[name] = value;
    }
    *status = Simulate(options, std::cout);
  });
}
