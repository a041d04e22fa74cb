#include "buildpack/app_release_settings.h"

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/text.h"
#include "buildpack/app_config.h"

namespace {

AppConfig ReadAppConfig(DiskInterface* disk, const std::string& path) {
  std::string text, err;
  if (!disk->ReadFile(path, 1 << 20, &text, &err))
    throw UserError(kExitUsage, "cannot read " + path + ": " + err);
  return ParseAppConfig(text, path);
}

/// The settings `config` gives `app`, and a phrase saying which part of
/// the file they come from.
ReleaseSettings SettingsFor(const AppConfig& config, const std::string& app,
                            const AppMapping** mapping, std::string* which) {
  // An entry such as `match: "*"` applies to an unnamed app too.
  *mapping = config.Find(app);
  if (*mapping) {
    *which = "entry `" + (*mapping)->match + "` (line " + std::to_string((*mapping)->line) + ")";
    return (*mapping)->release;
  }
  *which = "top-level `release:`";
  return config.release_defaults;
}

/// A slug built for another app than the one releasing it now.
void ResolvePromotion(DiskInterface* disk, PromotedProcfilePolicy policy, AppReleaseSettings* r) {
  std::string yml = JoinAppPath(r->loaded.app_root, kAppConfigFile);
  r->promoted = true;
  if (disk->Stat(yml) != DiskInterface::Kind::kFile) {
    r->origin = r->loaded.file + " (built for " + r->loaded.app + "; released on " +
                r->running_app + ", and the slug has no slugwright.yml to look it up in)";
    r->warnings.push_back("this slug was built for " + r->loaded.app + " and is released on " +
                          r->running_app + " (a pipeline promotion?): using " + r->loaded.app +
                          "'s release settings");
    return;
  }
  AppConfig config = ReadAppConfig(disk, yml);
  const AppMapping* mapping = nullptr;
  std::string which;
  r->loaded.settings = SettingsFor(config, r->running_app, &mapping, &which);
  r->origin = std::string(kAppConfigFile) + " in the slug, " + which + ", for " + r->running_app +
              " (the slug was built for " + r->loaded.app + ": a pipeline promotion)";
  if (mapping && !r->loaded.procfile.empty() && mapping->procfile != r->loaded.procfile) {
    std::string message = r->running_app + "'s entry maps it to " + mapping->procfile +
                          ", but this slug runs " + r->loaded.procfile + " (built for " +
                          r->loaded.app +
                          "; Heroku keeps a promoted slug's process types). Build " +
                          r->running_app + " from source, or map it to " + r->loaded.procfile;
    if (policy == PromotedProcfilePolicy::kRefuse)
      throw UserError(kExitUsage, message + " (SLUGWRIGHT_PROMOTED_PROCFILE=refuse)");
    r->warnings.push_back(message);
  }
}

/// No slug: the nearest slugwright.yml from `cwd` upward, or defaults.
void ResolveOutsideSlug(DiskInterface* disk, const std::string& cwd, AppReleaseSettings* r) {
  std::string looked;
  for (std::string dir = cwd;; dir = Dirname(dir)) {
    std::string yml = JoinAppPath(dir, kAppConfigFile);
    looked += (looked.empty() ? "" : ", ") + yml;
    if (disk->Stat(yml) == DiskInterface::Kind::kFile) {
      AppConfig config = ReadAppConfig(disk, yml);
      const AppMapping* mapping = nullptr;
      std::string which;
      r->loaded.settings = SettingsFor(config, r->running_app, &mapping, &which);
      r->loaded.file = yml;
      r->loaded.app_root = dir;
      r->loaded.app = r->running_app;
      if (mapping) r->loaded.procfile = mapping->procfile;
      r->origin = yml + ", " + which + (r->running_app.empty() ? "" : ", for " + r->running_app);
      if (r->running_app.empty() && !mapping)
        r->warnings.push_back("no app name (--app, SLUGWRIGHT_APP or HEROKU_APP_NAME), so no "
                              "entry of " + yml + " applies: using its top-level `release:`");
      else if (!mapping)
        r->warnings.push_back("no entry of " + yml + " matches `" + r->running_app +
                              "`: using its top-level `release:`");
      return;
    }
    if (dir == "/" || dir == "." || dir.empty()) break;
  }
  r->origin = "the defaults (no .slugwright/release.json in " + cwd +
              " or beside the binary, and no slugwright.yml in " + looked + ")";
}

}  // namespace

PromotedProcfilePolicy ParsePromotedProcfilePolicy(const std::string& value) {
  if (value.empty() || value == "warn") return PromotedProcfilePolicy::kWarn;
  if (value == "refuse") return PromotedProcfilePolicy::kRefuse;
  throw UserError(kExitUsage, "SLUGWRIGHT_PROMOTED_PROCFILE is `" + value +
                                  "`; expected `warn` (the default) or `refuse`");
}

AppReleaseSettings ResolveAppReleaseSettings(DiskInterface* disk, const std::string& explicit_path,
                                             const std::string& cwd, const std::string& self_exe,
                                             const std::string& running_app,
                                             const std::string& running_app_source,
                                             PromotedProcfilePolicy policy) {
  AppReleaseSettings r;
  r.running_app = running_app;
  r.running_app_source = running_app_source;
  if (!explicit_path.empty() && (EndsWith(explicit_path, ".yml") || EndsWith(explicit_path, ".yaml"))) {
    if (disk->Stat(explicit_path) != DiskInterface::Kind::kFile)
      throw UserError(kExitUsage, "release settings file " + explicit_path + " not found");
    AppConfig config = ReadAppConfig(disk, explicit_path);
    const AppMapping* mapping = nullptr;
    std::string which;
    r.loaded.settings = SettingsFor(config, running_app, &mapping, &which);
    r.loaded.file = explicit_path;
    r.loaded.app_root = Dirname(explicit_path);
    r.loaded.app = running_app;
    if (mapping) r.loaded.procfile = mapping->procfile;
    r.origin = explicit_path + ", " + which + (running_app.empty() ? "" : ", for " + running_app);
    if (!running_app.empty() && !mapping)
      r.warnings.push_back("no entry of " + explicit_path + " matches `" + running_app +
                           "`: using its top-level `release:`");
    return r;
  }
  r.loaded = LoadReleaseSettings(disk, explicit_path, cwd, self_exe);
  if (r.loaded.file.empty()) {
    ResolveOutsideSlug(disk, cwd, &r);
    return r;
  }
  if (!running_app.empty() && !r.loaded.app.empty() && running_app != r.loaded.app) {
    ResolvePromotion(disk, policy, &r);
    return r;
  }
  r.origin = r.loaded.file + (r.loaded.app.empty() ? "" : " (built for " + r.loaded.app + ")");
  return r;
}
