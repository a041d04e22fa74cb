#include "buildpack/cnb_build.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/build_output.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/version.h"
#include "buildpack/buildpack.h"
#include "buildpack/env_dir.h"
#include "migrate/migrations_manifest.h"

const char kCnbRunnerLayer[] = "slugwright";
const char kCnbCacheLayer[] = "slugwright-cache";

namespace {

/// The last build's record, relative to the cache layer.
const char kLayerLastBuildFile[] = "last-build.json";

/// The config vars as the platform gives them: one file per variable in
/// platform_dir/env (none when the directory is absent).
ConfigVars ReadPlatformEnv(DiskInterface* disk, const std::string& platform_dir) {
  if (platform_dir.empty()) return {};
  std::string env_dir = platform_dir + "/env";
  if (disk->Stat(env_dir) != DiskInterface::Kind::kDirectory) return {};
  return ReadEnvDir(disk, env_dir);
}

void RefuseOtherArch(const std::string& target_arch) {
  if (target_arch.empty() || target_arch == CnbCompiledArch()) return;
  throw UserError(kExitFailed,
                  "this buildpack has no slugwright binary for linux/" + target_arch +
                      " (CNB_TARGET_ARCH=" + target_arch + "); the binary it runs is built for linux/" +
                      CnbCompiledArch() + ". Build on a linux/" + CnbCompiledArch() +
                      " builder, or use a buildpack package that carries a linux/" +
                      target_arch + " binary (dist/linux-" + target_arch +
                      "/slugwright). Nothing was written.");
}

}  // namespace

const char* CnbCompiledArch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#else
  return "unknown";
#endif
}

std::string TomlQuote(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04X", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string CnbLaunchToml(const Procfile& procfile, const std::string& procfile_name) {
  std::string out = "# Written by slugwright " SLUGWRIGHT_VERSION " from " + procfile_name +
                    " (each process runs its Procfile command with bash -c).\n";
  bool only_one = procfile.processes.size() == 1;
  for (const ProcessType& p : procfile.processes) {
    out += "\n[[processes]]\ntype = " + TomlQuote(p.name) +
           "\ncommand = [\"bash\", \"-c\", " + TomlQuote(p.command) + "]\n";
    if (p.name == "web" || only_one) out += "default = true\n";
  }
  return out;
}

int CnbBuildpack::Detect(const std::string& app_dir, const std::string& platform_dir) {
  if (disk_->Stat(app_dir) != DiskInterface::Kind::kDirectory) {
    err_ << "slugwright: the app directory " << app_dir << " is not a directory\n";
    return kExitFailed;
  }
  if (AppHasProcfileToSelect(disk_, app_dir)) {
    out_ << "slugwright: the app has a Procfile to select\n";
    return kCnbDetectPass;
  }
  if (!platform_dir.empty() &&
      disk_->Stat(platform_dir + "/env/PROCFILE") == DiskInterface::Kind::kFile) {
    out_ << "slugwright: the PROCFILE config var is set\n";
    return kCnbDetectPass;
  }
  out_ << "slugwright: no slugwright.yml, procfiles/ directory, Procfile or PROCFILE "
          "config var\n";
  return kCnbDetectFail;
}

void CnbBuildpack::Write(const std::string& path, const std::string& contents, int mode) {
  std::string err;
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && !disk_->MakeDirs(path.substr(0, slash), &err))
    throw UserError(kExitFailed, err);
  if (!disk_->WriteFileAtomically(path, contents, mode, &err))
    throw UserError(kExitFailed, err);
}

void CnbBuildpack::ReportChangesSinceLastBuild(const std::string& layers_dir,
                                               const Procfile& now) {
  BuildOutput out(out_);
  std::string path = layers_dir + "/" + kCnbCacheLayer + "/" + kLayerLastBuildFile, text, err;
  if (disk_->Stat(path) != DiskInterface::Kind::kFile) {
    out.Detail("No earlier build in the cache layer");
    return;
  }
  if (!disk_->ReadFile(path, 1 << 20, &text, &err)) {
    out.Detail("The cached record of the last build is unreadable; ignored");
    return;
  }
  try {
    out.Detail(DescribeProcessTypeChanges(nlohmann::json::parse(text), now));
  } catch (const nlohmann::json::exception&) {
    out.Detail("The cached record of the last build is unreadable; ignored");
  }
}

int CnbBuildpack::Build(const CnbBuildContext& context) {
  BuildOutput out(out_);
  RefuseOtherArch(context.target_arch);
  const std::string& app = context.app_dir;
  const std::string& layers = context.layers_dir;
  if (disk_->Stat(app) != DiskInterface::Kind::kDirectory)
    throw UserError(kExitUsage, "the app directory " + app + " is not a directory");
  if (layers.empty() || disk_->Stat(layers) != DiskInterface::Kind::kDirectory)
    throw UserError(kExitUsage, "the layers directory (CNB_LAYERS_DIR) " + layers +
                                    " is not a directory");
  ConfigVars vars = ReadPlatformEnv(disk_, context.platform_dir);
  ValidatedProcfile v = SelectAndValidateProcfile(disk_, app, vars, ProcfilePlatform::kFir, out);
  const Selection& s = v.selection;
  ReportChangesSinceLastBuild(layers, s.parsed);

  std::string runner, err, app_json;
  if (!disk_->ReadFile(context.runner_binary, kMaxRunnerBytes, &runner, &err))
    throw UserError(kExitFailed, "cannot read the slugwright binary: " + err);
  if (!s.app_json.empty() &&
      !disk_->ReadFile(app + "/" + s.app_json, 1 << 20, &app_json, &err))
    throw UserError(kExitFailed, "cannot read " + s.app_json + ": " + err);

  // Everything is read and validated; from here on only writes.
  out.Step(std::string("Installing the slugwright runner into the launch layer `") +
           kCnbRunnerLayer + "` (bin/ is on PATH in every process)");
  const std::string runner_layer = layers + "/" + kCnbRunnerLayer;
  Write(runner_layer + "/bin/slugwright", runner, 0755);
  Write(runner_layer + ".toml",
        "[types]\nlaunch = true\nbuild = false\ncache = false\n\n[metadata]\n"
        "slugwright_version = " + TomlQuote(SLUGWRIGHT_VERSION) + "\n", 0644);
  Write(app + "/" + kSlugReleaseSettingsPath, ReleaseSettingsJson(s).dump(2) + "\n", 0644);
  if (v.release_phase.migrations_checked)
    Write(app + "/" + kMigrationsManifestPath, v.release_phase.manifest_text, 0644);
  out.Detail(DescribeReleasePhase(v.release_phase, s.release));
  if (!app_json.empty()) {
    out.Step("Copying " + s.app_json + " to app.json");
    Write(app + "/app.json", app_json, 0644);
  }
  std::string current;
  if (disk_->ReadFile(app + "/Procfile", 2 * kMaxProcfileBytes, &current, &err) &&
      current == v.procfile_text) {
    out.Step("Procfile is already " + s.procfile + "; left as is");
  } else {
    out.Step("Writing " + s.procfile + " to Procfile");
    Write(app + "/Procfile", v.procfile_text, 0644);
  }

  out.Step("Writing launch.toml: " + std::to_string(s.parsed.processes.size()) +
           " process type" + (s.parsed.processes.size() == 1 ? "" : "s"));
  Write(layers + "/launch.toml", CnbLaunchToml(s.parsed, s.procfile), 0644);

  // The cache layer's [types] must be written on every build: the lifecycle
  // restores its metadata without them.
  const std::string cache_layer = layers + "/" + kCnbCacheLayer;
  Write(cache_layer + "/" + kLayerLastBuildFile, LastBuildRecord(s).dump(2) + "\n", 0644);
  Write(cache_layer + ".toml", "[types]\nlaunch = false\nbuild = false\ncache = true\n", 0644);
  return kExitOk;
}
