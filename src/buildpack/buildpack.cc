#include "buildpack/buildpack.h"

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "base/build_output.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/text.h"
#include "base/version.h"
#include "buildpack/env_dir.h"
#include "buildpack/heroku_procfile_readers.h"
#include "buildpack/procfile_selector.h"
#include "buildpack/release_yaml.h"
#include "migrate/migrations_manifest.h"

const char kSlugRunnerPath[] = ".slugwright/bin/slugwright";
const char kProcfileCheckVar[] = "SLUGWRIGHT_PROCFILE_CHECK";
const char kSlugReleaseSettingsPath[] = ".slugwright/release.json";
const size_t kMaxRunnerBytes = 512u << 20;

namespace {

const char kProfileScriptPath[] = ".profile.d/slugwright.sh";
const char kProfileScript[] =
    "# Added by the slugwright buildpack: puts `slugwright` on PATH so the\n"
    "# Procfile's `release: slugwright release` finds it.\n"
    "export PATH=\"$HOME/.slugwright/bin:$PATH\"\n";
/// The last build's record, relative to the cache dir.
const char kCacheLastBuildFile[] = "slugwright/last-build.json";

}  // namespace

std::string DescribeProcessTypeChanges(const nlohmann::json& last, const Procfile& now) {
  std::map<std::string, std::string> before, after;
  for (const auto& [name, command] : last.at("process_types").items())
    before[name] = command.get<std::string>();
  for (const ProcessType& p : now.processes) after[p.name] = p.command;
  std::string added, removed, changed;
  auto add = [](std::string* list, const std::string& name) {
    *list += (list->empty() ? "" : ", ") + name;
  };
  for (const auto& [name, command] : after) {
    auto it = before.find(name);
    if (it == before.end()) add(&added, name);
    else if (it->second != command) add(&changed, name);
  }
  for (const auto& [name, command] : before)
    if (!after.count(name)) add(&removed, name);
  if (added.empty() && removed.empty() && changed.empty())
    return "Process types unchanged since the last build";
  std::string out = "Since the last build:";
  if (!added.empty()) out += " added " + added + ";";
  if (!removed.empty()) out += " removed " + removed + ";";
  if (!changed.empty()) out += " changed " + changed + ";";
  out.pop_back();
  return out;
}

ProcfilePlatform ProcfileCheckFor(const ConfigVars& vars, ProcfilePlatform building) {
  std::string value = ConfigWord(vars, kProcfileCheckVar);
  if (value.empty() || value == ProcfilePlatformName(building)) return building;
  if (value == ProcfilePlatformName(ProcfilePlatform::kBoth)) return ProcfilePlatform::kBoth;
  throw UserError(kExitUsage, std::string(kProcfileCheckVar) + " is `" + value +
                                  "`; expected `both` (hold the Procfile to Cedar's and Fir's "
                                  "rules alike) or `" + ProcfilePlatformName(building) +
                                  "` (the platform this build is for, the default)");
}

ValidatedProcfile SelectAndValidateProcfile(DiskInterface* disk, const std::string& build_dir,
                                            const ConfigVars& vars, ProcfilePlatform building,
                                            BuildOutput& out) {
  out.Step(std::string("slugwright ") + SLUGWRIGHT_VERSION +
           ": selecting the Procfile");
  ValidatedProcfile v;
  Selection& s = v.selection;
  try {
    v.platform = ProcfileCheckFor(vars, building);
    s = ProcfileSelector(disk, build_dir, v.platform).Select(vars, "");
  } catch (const UserError& e) {
    out.Error(e.what());
    throw UserError(e.code(), "Build failed; the app's files were left unchanged.");
  }
  if (!s.app_name.empty())
    out.Detail("App: " + s.app_name + " (from " + s.app_name_source + ")");
  out.Detail("Rule " + std::to_string(static_cast<int>(s.rule)) + ", " +
             RuleName(s.rule) + ": " + s.reason);
  for (const std::string& note : s.notes) out.Warning(note);

  out.Step("Validated " + s.procfile + ": " +
           std::to_string(s.parsed.processes.size()) + " process type" +
           (s.parsed.processes.size() == 1 ? "" : "s"));
  out.Detail(v.platform == ProcfilePlatform::kBoth
                 ? std::string("Read for Cedar and Fir alike (") + kProcfileCheckVar + "=both)"
             : v.platform == ProcfilePlatform::kCedar
                 ? std::string("Read as Cedar runs it (") + kProcfileCheckVar +
                       "=both also holds it to Fir's rules)"
                 : std::string("Read as Fir (heroku/procfile) runs it (") + kProcfileCheckVar +
                       "=both also holds it to Cedar's rules)");
  for (const ProcessType& p : s.parsed.processes)
    out.Detail(p.name + ": " + p.command);
  for (const ProcfileWarning& w : s.parsed.warnings) out.Warning(w.Format(s.procfile));

  // What Heroku will read: the canonical form, proven to parse to exactly
  // the validated table under the building platform's reader.
  v.procfile_text = WriteCanonicalProcfile(s.contents, s.parsed);
  std::string disagreement = CheckReadersAgree(v.procfile_text, s.parsed, v.platform);
  if (!disagreement.empty())
    throw UserError(kExitFailed, "internal error: the Procfile slugwright would write is read "
                                 "differently by Heroku (" + disagreement +
                                 "); nothing was written. Please report this with the Procfile.");

  // A migration the release phase would refuse fails the build, with the
  // release's own message.
  try {
    v.release_phase = CheckReleasePhase(disk, build_dir, s.parsed, s.release);
  } catch (const UserError& e) {
    out.Error(e.what());
    throw UserError(e.code(), "Build failed: the release phase would refuse these migrations; "
                              "the app's files were left unchanged.");
  }
  if (v.release_phase.migrations_checked)
    out.Detail("Checked " + Plural(v.release_phase.migrations, "migration") + " in " +
               v.release_phase.migrations_dir + " as the release phase reads them (no database)");
  std::string warning = ReleasePhaseWarning(v.release_phase, s.procfile);
  if (!warning.empty()) out.Warning(warning);
  return v;
}

std::string DescribeReleasePhase(const ReleasePhaseFacts& facts, const ReleaseSettings& release) {
  switch (facts.runner) {
    case ReleaseRunner::kNone:
      return "Release phase: none (the Procfile has no `release:` process type)";
    case ReleaseRunner::kOther:
      return "Release phase: `" + facts.release_command +
             "` (the app's own; slugwright's release settings are not used)";
    case ReleaseRunner::kSlugwright:
      break;
  }
  return release.command.empty()
             ? "Release phase: migrations in " + release.migrations_dir
             : "Release phase: `" + release.command + "` under slugwright's lock";
}

std::string ReleasePhaseWarning(const ReleasePhaseFacts& facts, const std::string& procfile) {
  if (facts.command_pending_unknown)
    return (facts.command_migrations_dir.empty()
                ? std::string("slugwright cannot tell where the release command's tool keeps "
                              "its migrations")
                : "the release command's tool reads its migrations from " +
                      facts.command_migrations_dir + ", which is not in this build") +
           ", so `slugwright migrate status` cannot know which are pending (it says "
           "\"unknown\" and --exit-code exits 6). Name the directory with "
           "`command_history: {migrations: DIR}` in slugwright.yml.";
  if (facts.runner != ReleaseRunner::kNone || facts.sql_files == 0) return "";
  return facts.migrations_dir + " holds " + Plural(facts.sql_files, ".sql file") + ", but " +
         procfile + " has no `release:` process type, so Heroku runs no release phase and "
         "nothing applies them. Add `release: slugwright release` to " + procfile + ".";
}

nlohmann::json ReleaseSettingsJson(const Selection& s) {
  nlohmann::json settings = {
      {"slugwright_version", SLUGWRIGHT_VERSION},
      {"app", s.app_name},
      {"procfile", s.procfile},
      {"rule", static_cast<int>(s.rule)},
      {"reason", s.reason},
      {"release", s.release},
  };
  // Heroku gives the build the commit it builds; the release phase does
  // not see it, and may coordinate by it (`coordinate: commit`).
  const char* commit = std::getenv("SOURCE_VERSION");
  if (commit && *commit) settings["commit"] = commit;
  return settings;
}

nlohmann::json LastBuildRecord(const Selection& s) {
  nlohmann::json record = {{"app", s.app_name}, {"procfile", s.procfile}};
  record["process_types"] = nlohmann::json::object();
  for (const ProcessType& p : s.parsed.processes)
    record["process_types"][p.name] = p.command;
  return record;
}

bool AppHasProcfileToSelect(DiskInterface* disk, const std::string& app_dir) {
  return disk->Stat(app_dir + "/slugwright.yml") == DiskInterface::Kind::kFile ||
         disk->Stat(app_dir + "/procfiles") == DiskInterface::Kind::kDirectory ||
         !FindProcfileCandidates(disk, app_dir).empty();
}

int Buildpack::Detect(const std::string& build_dir) {
  if (disk_->Stat(build_dir) != DiskInterface::Kind::kDirectory) {
    err_ << "slugwright: " << build_dir << " is not a directory\n";
    return kExitFailed;
  }
  if (AppHasProcfileToSelect(disk_, build_dir)) {
    out_ << "slugwright\n";
    return kExitOk;
  }
  err_ << "slugwright: no slugwright.yml, procfiles/ directory or Procfile "
          "(Procfile, *.Procfile, Procfile.*, *.procfile) found in the app\n";
  return kExitFailed;
}

void Buildpack::Write(const std::string& path, const std::string& contents,
                      int mode) {
  std::string err;
  size_t slash = path.rfind('/');
  if (slash != std::string::npos &&
      !disk_->MakeDirs(path.substr(0, slash), &err))
    throw UserError(kExitFailed, err);
  if (!disk_->WriteFileAtomically(path, contents, mode, &err))
    throw UserError(kExitFailed, err);
}

int Buildpack::Compile(const std::string& build_dir,
                       const std::string& cache_dir,
                       const std::string& env_dir,
                       const std::string& runner_binary) {
  BuildOutput out(out_);
  if (disk_->Stat(build_dir) != DiskInterface::Kind::kDirectory)
    throw UserError(kExitUsage, "BUILD_DIR " + build_dir + " is not a directory");
  ConfigVars vars = ReadEnvDir(disk_, env_dir);
  ValidatedProcfile v =
      SelectAndValidateProcfile(disk_, build_dir, vars, ProcfilePlatform::kCedar, out);
  const Selection& s = v.selection;
  const std::string& procfile_text = v.procfile_text;

  // Reusable state: the previous build's process types, to report changes.
  std::string last_path = cache_dir + "/" + kCacheLastBuildFile;
  std::string last_text, err;
  if (disk_->Stat(last_path) == DiskInterface::Kind::kFile &&
      disk_->ReadFile(last_path, 1 << 20, &last_text, &err)) {
    try {
      out.Detail(DescribeProcessTypeChanges(nlohmann::json::parse(last_text), s.parsed));
    } catch (const nlohmann::json::exception&) {
      out.Detail("The cached record of the last build is unreadable; ignored");
    }
  }

  // Everything is validated; from here on only writes. The Procfile is
  // written last, so a failure before leaves the app's Procfile untouched.
  out.Step("Installing the slugwright runner into .slugwright/bin");
  std::string runner;
  if (!disk_->ReadFile(runner_binary, kMaxRunnerBytes, &runner, &err))
    throw UserError(kExitFailed, "cannot read the slugwright binary: " + err);
  Write(build_dir + "/" + kSlugRunnerPath, runner, 0755);
  Write(build_dir + "/" + kProfileScriptPath, kProfileScript, 0644);
  Write(build_dir + "/" + kSlugReleaseSettingsPath, ReleaseSettingsJson(s).dump(2) + "\n", 0644);
  if (v.release_phase.migrations_checked)
    Write(build_dir + "/" + kMigrationsManifestPath, v.release_phase.manifest_text, 0644);
  out.Detail(DescribeReleasePhase(v.release_phase, s.release));

  if (!s.app_json.empty()) {
    std::string app_json;
    if (!disk_->ReadFile(build_dir + "/" + s.app_json, 1 << 20, &app_json, &err))
      throw UserError(kExitFailed, "cannot read " + s.app_json + ": " + err);
    out.Step("Copying " + s.app_json + " to app.json");
    Write(build_dir + "/app.json", app_json, 0644);
  }

  std::string current;
  bool same = disk_->ReadFile(build_dir + "/Procfile", 2 * kMaxProcfileBytes,
                              &current, &err) &&
              current == procfile_text;
  if (same) {
    out.Step("Procfile is already " + s.procfile + "; left as is");
  } else {
    out.Step("Writing " + s.procfile + " to Procfile");
    Write(build_dir + "/Procfile", procfile_text, 0644);
  }

  nlohmann::json record = LastBuildRecord(s);
  if (disk_->MakeDirs(cache_dir + "/slugwright", &err) &&
      disk_->WriteFileAtomically(last_path, record.dump(2) + "\n", 0644, &err)) {
  } else {
    out.Warning("Could not update the build cache: " + err);
  }
  return kExitOk;
}

int Buildpack::Release(const std::string& build_dir) {
  std::string path = build_dir + "/Procfile", contents, err;
  if (!disk_->ReadFile(path, kMaxProcfileBytes + 1, &contents, &err))
    throw UserError(kExitUsage, "cannot read the Procfile written by compile: " + err);
  Procfile procfile;
  ProcfileError perr;
  // Compile wrote it for Cedar, names as Cedar runs them.
  if (!ParseProcfile(contents, ProcfilePlatform::kCedar, &procfile, &perr))
    throw UserError(kExitUsage, perr.Format("Procfile"));
  out_ << ReleaseYaml(procfile);
  return kExitOk;
}
