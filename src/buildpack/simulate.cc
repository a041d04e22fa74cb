#include "buildpack/simulate.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <yaml-cpp/yaml.h>

#include "base/build_output.h"
#include "base/child_environment.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/self_exe.h"
#include "base/subprocess.h"
#include "base/text.h"
#include "buildpack/buildpack.h"
#include "buildpack/procfile.h"
#include "buildpack/simulate_steps.h"
#include "postgres/local_postgres.h"
#include "postgres/local_postgres_guard.h"

namespace fs = std::filesystem;

namespace {

bool IsConfigVarName(const std::string& name) {
  static const std::regex kName("[A-Za-z_][A-Za-z0-9_]*");
  return std::regex_match(name, kName);
}

}  // namespace

namespace simulate_steps {

TempBuild::TempBuild() {
  const char* tmp = getenv("TMPDIR");
  // The guard makes the directory and removes it if this process dies
  // without the destructor (SIGPIPE, SIGHUP, SIGKILL, ...), at any moment.
  try {
    guard_ = LocalPostgresGuard::ForNewDirectory(tmp && *tmp ? tmp : "/tmp",
                                                 "slugwright-simulate-");
  } catch (const std::runtime_error& e) {
    throw UserError(kExitFailed, e.what());
  }
  dir_ = guard_->dir();
}

TempBuild::~TempBuild() {
  if (!keep_) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

void TempBuild::Keep() {
  keep_ = true;
  guard_.reset();
}

void CopyApp(const std::string& from, const std::string& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) {
    const fs::path& p = entry.path();
    if (p.filename() == ".git") continue;
    fs::copy(p, fs::path(to) / p.filename(),
             fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  }
}

int RunInBuild(ProcessSpawner* spawner, std::vector<std::string> argv,
               const std::map<std::string, std::string>& env, const std::string& working_dir,
               std::string* captured) {
  SubprocessRequest request;
  request.argv = std::move(argv);
  request.env = env;
  request.working_dir = working_dir;
  request.stdin_from = SubprocessInput::Inherit();
  if (captured) request.stdout_to = SubprocessOutput::Capture();
  request.new_process_group = false;
  SubprocessResult result = spawner->Run(request);
  if (result.failed_to_start)
    throw UserError(kExitFailed, "cannot run " + request.argv[0] + ": " + result.start_error);
  if (captured) *captured = result.out;
  return result.ExitCode();
}

ReleaseDatabase::ReleaseDatabase(const SimulateOptions& options,
                                 const std::map<std::string, std::string>& vars,
                                 BuildOutput& out)
    : url_(options.database_url) {
  if (!url_.empty() || vars.count("DATABASE_URL")) return;
  out.Detail("Starting a throwaway PostgreSQL cluster");
  db_ = std::make_unique<LocalPostgres>();
  url_ = db_->Url();
  out.Detail("PostgreSQL on 127.0.0.1:" + std::to_string(db_->port()) + " (removed afterwards)");
}

ReleaseDatabase::~ReleaseDatabase() = default;

std::map<std::string, std::string> ReleaseConfigVars(
    const SimulateOptions& options, const std::map<std::string, std::string>& vars,
    const std::string& database_url, BuildOutput& out) {
  std::map<std::string, std::string> release_env = vars;
  if (!options.promote_to.empty()) {
    out.Detail("Promoting the slug to " + options.promote_to +
               " (a pipeline promotion: released there without a new build)");
    if (release_env.count("HEROKU_APP_NAME")) release_env["HEROKU_APP_NAME"] = options.promote_to;
    if (release_env.count("SLUGWRIGHT_APP")) release_env["SLUGWRIGHT_APP"] = options.promote_to;
  }
  if (!database_url.empty()) release_env["DATABASE_URL"] = database_url;
  if (!vars.count("HEROKU_RELEASE_VERSION") && !getenv("HEROKU_RELEASE_VERSION"))
    release_env["HEROKU_RELEASE_VERSION"] = "v1";
  release_env["DYNO"] = "release.1";
  return release_env;
}

std::map<std::string, std::string> BuildConfigVars(const SimulateOptions& options,
                                                   BuildOutput& out) {
  std::map<std::string, std::string> vars = options.config_vars;
  if (options.dyno_metadata && !options.app_name.empty() && !vars.count("HEROKU_APP_NAME")) {
    vars["HEROKU_APP_NAME"] = options.app_name;
    out.Detail("HEROKU_APP_NAME=" + options.app_name +
               " (--dyno-metadata; Heroku documents it only inside running dynos)");
  } else if (!options.app_name.empty() && !vars.count("SLUGWRIGHT_APP") &&
             !vars.count("PROCFILE")) {
    out.Detail("--app " + options.app_name +
               " names the app, but a build sees only its config vars: select with --env "
               "SLUGWRIGHT_APP=" + options.app_name +
               " (heroku config:set SLUGWRIGHT_APP=" + options.app_name + " -a " +
               options.app_name + "), or pass --dyno-metadata for HEROKU_APP_NAME");
  }
  return vars;
}

}  // namespace simulate_steps

namespace {

using simulate_steps::RunInBuild;

/// The cache dir for one app of one app directory, kept between runs.
std::string CacheDirFor(const std::string& app_dir, const std::string& app) {
  const char* xdg = getenv("XDG_CACHE_HOME");
  const char* home = getenv("HOME");
  std::string base = xdg && *xdg ? xdg
                     : home && *home ? std::string(home) + "/.cache"
                                     : "/tmp";
  std::error_code ec;
  fs::path abs = fs::canonical(app_dir, ec);
  char hash[17];
  snprintf(hash, sizeof hash, "%016zx", std::hash<std::string>()(abs.string()));
  return base + "/slugwright/simulate/" + abs.filename().string() + "-" + hash +
         "/" + (app.empty() ? "_default" : app);
}

/// Runs a buildpack script; its stdout goes to `captured` when given,
/// otherwise straight through.
int RunScript(ProcessSpawner* spawner, const std::string& script,
              const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, std::string* captured) {
  std::vector<std::string> argv = {script};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunInBuild(spawner, std::move(argv), env, "", captured);
}

}  // namespace

std::pair<std::string, std::string> ParseEnvAssignment(const std::string& text) {
  size_t eq = text.find('=');
  std::string name = eq == std::string::npos ? text : text.substr(0, eq);
  if (eq == std::string::npos || !IsConfigVarName(name))
    throw UserError(kExitUsage, "--env `" + text +
                                    "`: expected KEY=VALUE with KEY made of "
                                    "letters, digits and `_`");
  return {name, text.substr(eq + 1)};
}

std::map<std::string, std::string> ReadEnvFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UserError(kExitUsage, "cannot read --env-file " + path);
  std::map<std::string, std::string> vars;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    if (line.compare(0, 7, "export ") == 0) line = line.substr(7);
    size_t eq = line.find('=');
    std::string name = eq == std::string::npos ? "" : line.substr(0, eq);
    if (!IsConfigVarName(name))
      throw UserError(kExitUsage, path + ":" + std::to_string(line_no) + ": `" +
                                      line + "`: expected KEY=VALUE");
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') &&
        value.back() == value[0])
      value = value.substr(1, value.size() - 2);
    vars[name] = value;
  }
  return vars;
}

namespace {

/// detect, compile and release on `build_dir`, as Heroku runs them, then
/// checks bin/release's YAML against the built Procfile (in *procfile).
/// Returns the first failing script's status, 0 when all passed.
int RunBuildpackScripts(ProcessSpawner* spawner, const std::string& bin,
                        const std::string& build_dir, const std::string& cache_dir,
                        const std::string& env_dir, const std::map<std::string, std::string>& env,
                        BuildOutput& out, Procfile* procfile) {
  std::string detected;
  int rc = RunScript(spawner, bin + "/detect", {build_dir}, env, &detected);
  if (rc != 0) {
    out.Error("bin/detect declined the app (exit " + std::to_string(rc) + ")");
    return rc;
  }
  while (!detected.empty() && detected.back() == '\n') detected.pop_back();
  out.Step(detected + " app detected");

  rc = RunScript(spawner, bin + "/compile", {build_dir, cache_dir, env_dir}, env, nullptr);
  if (rc != 0) {
    out.Error("bin/compile failed (exit " + std::to_string(rc) + ")");
    return rc;
  }

  std::string yaml;
  rc = RunScript(spawner, bin + "/release", {build_dir}, env, &yaml);
  if (rc != 0) {
    out.Error("bin/release failed (exit " + std::to_string(rc) + ")");
    return rc;
  }
  // Heroku reads the YAML; so does the simulation, and checks it.
  RealDiskInterface disk;
  std::string text, err;
  ProcfileError perr;
  if (!disk.ReadFile(build_dir + "/Procfile", kMaxProcfileBytes, &text, &err) ||
      !ParseProcfile(text, ProcfilePlatform::kCedar, procfile, &perr))
    throw UserError(kExitFailed, "the built Procfile is unreadable");
  try {
    YAML::Node types = YAML::Load(yaml)["default_process_types"];
    for (const ProcessType& p : procfile->processes)
      if (!types[p.name] || types[p.name].as<std::string>() != p.command)
        throw UserError(kExitFailed, "bin/release YAML does not match the "
                                     "Procfile for `" + p.name + "`");
  } catch (const YAML::Exception& e) {
    throw UserError(kExitFailed, "bin/release printed invalid YAML: " + e.msg);
  }
  std::string types_list;
  for (const ProcessType& p : procfile->processes)
    types_list += (types_list.empty() ? "" : ", ") + p.name;
  out.Step("Discovering process types");
  out.Detail("Procfile declares types -> " + types_list);
  return kExitOk;
}

/// The Procfile's `release:` command as a release-phase dyno runs it: in
/// the slug at `slug_dir`, with the config vars, against
/// `options.database_url` or a throwaway cluster, on `options.promote_to`
/// when given. Returns its exit status.
int RunReleasePhase(ProcessSpawner* spawner, const SimulateOptions& options,
                    const std::map<std::string, std::string>& vars, const std::string& slug_dir,
                    const Procfile& procfile, BuildOutput& out) {
  int release_rc = kExitOk;
  const ProcessType* release = procfile.Find("release");
  out.Step("Running the release phase");
  if (!release) {
    out.Detail("The Procfile has no `release` process type; nothing to run");
  } else {
    simulate_steps::ReleaseDatabase db(options, vars, out);
    // As in a one-off dyno: config vars in the environment, HOME and the
    // working directory at the app, .profile.d sourced, a shell runs the
    // command.
    std::map<std::string, std::string> release_env =
        simulate_steps::ReleaseConfigVars(options, vars, db.url(), out);
    release_env["HOME"] = slug_dir;
    std::map<std::string, std::string> renv = ChildEnvironmentVariables(release_env);
    out.Detail("$ " + release->command);
    std::string boot =
        "for f in .profile.d/*.sh; do [ -r \"$f\" ] && . \"$f\"; done\n" +
        release->command;
    release_rc = RunInBuild(spawner, {"/bin/bash", "-c", boot}, renv, slug_dir, nullptr);
    if (release_rc != 0)
      out.Error("The release phase failed (exit " + std::to_string(release_rc) +
                "); Heroku would not deploy this release");
    else
      out.Detail("Release phase succeeded");
  }
  return release_rc;
}

}  // namespace

int Simulate(const SimulateOptions& options, std::ostream& out_stream) {
  if (options.cnb) return SimulateCnb(options, out_stream);
  BuildOutput out(out_stream);
  RealDiskInterface disk;
  if (disk.Stat(options.app_dir) != DiskInterface::Kind::kDirectory)
    throw UserError(kExitUsage, "APP_DIR " + options.app_dir +
                                    " is not a directory");
  std::string bin = options.buildpack_dir + "/bin";
  for (const char* script : {"detect", "compile", "release"})
    if (access((bin + "/" + script).c_str(), X_OK) != 0)
      throw UserError(kExitUsage, "no executable buildpack script " + bin + "/" +
                                      script + "; pass --buildpack DIR");

  simulate_steps::TempBuild temp;
  if (options.keep) temp.Keep();
  // Heroku builds in /tmp/build_<hex> and runs the slug in /app: so does
  // the simulation, so that nothing may bake the build path into the slug.
  std::string build_dir = temp.dir() + "/build_" + RandomHex(8);
  std::string slug_dir = temp.dir() + "/app";
  std::string env_dir = temp.dir() + "/env";
  std::string cache_dir = CacheDirFor(options.app_dir, options.app_name);

  out.Step("Simulating a Heroku build of " + options.app_dir +
           (options.app_name.empty() ? "" : " as app " + options.app_name));
  std::map<std::string, std::string> vars = simulate_steps::BuildConfigVars(options, out);
  try {
    simulate_steps::CopyApp(options.app_dir, build_dir);
    fs::create_directories(env_dir);
    fs::create_directories(cache_dir);
  } catch (const fs::filesystem_error& e) {
    throw UserError(kExitFailed, std::string("cannot prepare the build: ") +
                                     e.what());
  }
  std::string err;
  for (const auto& [name, value] : vars)
    if (!disk.WriteFileAtomically(env_dir + "/" + name, value, 0600, &err))
      throw UserError(kExitFailed, err);
  out.Detail("BUILD_DIR " + build_dir);
  out.Detail("CACHE_DIR " + cache_dir);
  out.Detail("ENV_DIR   " + env_dir + " (" + std::to_string(vars.size()) +
             " config var" + (vars.size() == 1 ? "" : "s") + ")");

  // The scripts get the environment of a build, plus the binary to use.
  std::map<std::string, std::string> build_env;
  std::string self = SelfExecutablePath();
  if (!self.empty()) build_env["SLUGWRIGHT_BIN"] = self;
  std::map<std::string, std::string> env = ChildEnvironmentVariables(build_env);
  ProcessSpawner* spawner = options.spawner ? options.spawner : DefaultProcessSpawner();

  Procfile procfile;
  int rc = RunBuildpackScripts(spawner, bin, build_dir, cache_dir, env_dir, env, out, &procfile);
  if (rc != 0) return rc;

  try {
    fs::rename(build_dir, slug_dir);
  } catch (const fs::filesystem_error& e) {
    throw UserError(kExitFailed, std::string("cannot move the slug to app/: ") + e.what());
  }
  out.Detail("Slug moved to " + slug_dir + " (Heroku runs it in /app)");

  nlohmann::json settings;
  std::string settings_text;
  if (disk.ReadFile(slug_dir + "/" + kSlugReleaseSettingsPath, 1 << 20,
                    &settings_text, &err))
    settings = nlohmann::json::parse(settings_text, nullptr, false);

  int release_rc =
      options.release ? RunReleasePhase(spawner, options, vars, slug_dir, procfile, out) : kExitOk;

  out.Step("Summary");
  out.Detail("Procfile: " + settings.value("procfile", std::string("Procfile")));
  if (settings.contains("reason"))
    out.Detail("Why:      rule " + std::to_string(settings.value("rule", 0)) +
               ": " + settings["reason"].get<std::string>());
  for (const ProcessType& p : procfile.processes)
    out.Detail("  " + p.name + ": " + p.command);
  if (options.keep)
    out.Detail("Slug:     " + slug_dir + " (kept)");
  else
    out.Detail("Slug:     removed (pass --keep to inspect it)");
  return release_rc;
}
