#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "buildpack/buildpack.h"
#include "buildpack/env_dir.h"
#include "buildpack/procfile.h"
#include "buildpack/procfile_selector.h"
#include "cli/commands.h"

namespace {

nlohmann::json ProcessesJson(const Procfile& procfile) {
  nlohmann::json list = nlohmann::json::array();
  for (const ProcessType& p : procfile.processes)
    list.push_back({{"type", p.name}, {"command", p.command}});
  return list;
}

/// What the build would write and why, one entry per normalised line.
nlohmann::json WarningsJson(const Procfile& procfile) {
  nlohmann::json list = nlohmann::json::array();
  for (const ProcfileWarning& w : procfile.warnings)
    list.push_back({{"line", w.line}, {"text", w.text}, {"message", w.message}});
  return list;
}

/// --platform's values, as ProcfilePlatformName() spells them.
const std::vector<std::string> kPlatformNames = {"cedar", "fir", "both"};

ProcfilePlatform PlatformFlag(const std::string& flag) {
  ProcfilePlatform platform = ProcfilePlatform::kCedar;
  if (!flag.empty() && !ParseProcfilePlatform(flag, &platform))
    throw UserError(kExitUsage, "--platform `" + flag + "`: expected cedar, fir or both");
  return platform;
}

}  // namespace

void RegisterProcfileCommands(CLI::App* app, int* status) {
  static std::string build_dir, env_dir, app_name, select_platform;
  static bool select_json = false;
  CLI::App* select = app->add_subcommand(
      "select", "Print which Procfile an app would get and why, changing nothing");
  select->add_option("BUILD_DIR", build_dir, "The app's directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  select->add_option("--env-dir", env_dir, "Config vars, one file per variable")
      ->check(CLI::ExistingDirectory);
  select->add_option("--app", app_name, "The Heroku app name to select for");
  select->add_flag("--json", select_json, "Print the decision as JSON");
  select->add_option("--platform", select_platform,
                     "Read Procfiles as cedar (bin/compile, the default), fir (bin/build) or "
                     "both; default: SLUGWRIGHT_PROCFILE_CHECK=both from --env-dir, else cedar")
      ->check(CLI::IsMember(kPlatformNames));
  select->callback([status] {
    RealDiskInterface disk;
    ConfigVars vars;
    if (!env_dir.empty()) vars = ReadEnvDir(&disk, env_dir);
    // As bin/compile would see them on Heroku: the app name from the
    // environment when the config vars do not say.
    for (const char* name : {"SLUGWRIGHT_APP", "HEROKU_APP_NAME"}) {
      const char* value = std::getenv(name);
      if (value && *value && !vars.count(name)) vars[name] = value;
    }
    ProcfilePlatform platform = select_platform.empty()
                                    ? ProcfileCheckFor(vars, ProcfilePlatform::kCedar)
                                    : PlatformFlag(select_platform);
    Selection s = ProcfileSelector(&disk, build_dir, platform).Select(vars, app_name);
    if (select_json) {
      nlohmann::json j = {
          {"rule", static_cast<int>(s.rule)},
          {"rule_name", RuleName(s.rule)},
          {"app", s.app_name},
          {"procfile", s.procfile},
          {"appended", s.appended},
          {"app_json", s.app_json},
          {"reason", s.reason},
          {"notes", s.notes},
          {"processes", ProcessesJson(s.parsed)},
          {"procfile_warnings", WarningsJson(s.parsed)},
          {"release", s.release},
      };
      std::cout << j.dump(2) << "\n";
    } else {
      if (!s.app_name.empty())
        std::cout << "app:      " << s.app_name << " (from " << s.app_name_source
                  << ")\n";
      std::cout << "procfile: " << s.procfile << "\n"
                << "rule:     " << static_cast<int>(s.rule) << " ("
                << RuleName(s.rule) << ")\n"
                << "reason:   " << s.reason << "\n";
      for (const auto& note : s.notes) std::cout << "note:     " << note << "\n";
      for (const ProcfileWarning& w : s.parsed.warnings)
        std::cout << "warning:  " << w.Format(s.procfile) << "\n";
      for (const ProcessType& p : s.parsed.processes)
        std::cout << "  " << p.name << ": " << p.command << "\n";
    }
    *status = kExitOk;
  });

  CLI::App* procfile = app->add_subcommand("procfile", "Work with one Procfile");
  procfile->require_subcommand(1);
  static std::string file, check_platform = "cedar";
  static bool check_json = false;
  CLI::App* check = procfile->add_subcommand(
      "check", "Validate a Procfile as Heroku reads it (Cedar by default, like bin/compile), "
               "warning where the other platform reads it differently");
  check->add_option("FILE", file, "The Procfile")->required();
  check->add_option("--platform", check_platform,
                    "cedar (bin/compile, the default), fir (bin/build: what heroku/procfile "
                    "does) or both (only what both read alike)")
      ->check(CLI::IsMember(kPlatformNames));
  check->add_flag("--json", check_json,
                  "Print {\"platform\":...,\"processes\":[{\"type\":...,\"command\":...}],"
                  "\"warnings\":[...]}");
  check->callback([status] {
    RealDiskInterface disk;
    std::string contents, err;
    if (!disk.ReadFile(file, kMaxProcfileBytes + 1, &contents, &err))
      throw UserError(kExitUsage, err);
    Procfile parsed;
    ProcfileError perr;
    ProcfilePlatform platform = PlatformFlag(check_platform);
    if (!ParseProcfile(contents, platform, &parsed, &perr))
      throw UserError(kExitUsage, perr.Format(file));
    if (check_json) {
      std::cout << nlohmann::json{{"platform", ProcfilePlatformName(platform)},
                                  {"processes", ProcessesJson(parsed)},
                                  {"warnings", WarningsJson(parsed)}}
                       .dump()
                << "\n";
    } else {
      std::cout << file << ": " << parsed.processes.size()
                << " process type(s), valid for "
                << (platform == ProcfilePlatform::kBoth ? std::string("Cedar and Fir")
                    : platform == ProcfilePlatform::kFir ? std::string("Fir")
                                                         : std::string("Cedar"))
                << "\n";
      for (const ProcfileWarning& w : parsed.warnings)
        std::cout << "warning: " << w.Format(file) << "\n";
      for (const ProcessType& p : parsed.processes)
        std::cout << "  " << p.name << ": " << p.command << "\n";
    }
    *status = kExitOk;
  });
}
