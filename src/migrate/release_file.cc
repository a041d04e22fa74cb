#include "migrate/release_file.h"

#include <nlohmann/json.hpp>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/text.h"

namespace {

LoadedReleaseSettings Read(DiskInterface* disk, const std::string& file,
                           const std::string& app_root) {
  LoadedReleaseSettings loaded;
  loaded.file = file;
  loaded.app_root = app_root;
  std::string text, err;
  if (!disk->ReadFile(file, 1 << 20, &text, &err))
    throw UserError(kExitUsage, "cannot read " + file + ": " + err);
  try {
    nlohmann::json j = nlohmann::json::parse(text);
    // bin/compile wraps the settings with what it selected; a bare
    // settings object is accepted too.
    const nlohmann::json& release = j.contains("release") ? j.at("release") : j;
    from_json(release, loaded.settings);
    if (j.contains("app") && j.at("app").is_string()) loaded.app = j.at("app").get<std::string>();
    if (j.contains("procfile") && j.at("procfile").is_string())
      loaded.procfile = j.at("procfile").get<std::string>();
    if (j.contains("commit") && j.at("commit").is_string())
      loaded.commit = j.at("commit").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw UserError(kExitUsage, file + " is not valid release settings (" +
                                    std::string(e.what()) +
                                    "); it is written by bin/compile: rebuild the slug");
  }
  return loaded;
}

}  // namespace

std::string JoinAppPath(const std::string& root, const std::string& relative) {
  if (relative.empty()) return root;
  if (relative[0] == '/' || root.empty() || root == ".") return relative;
  return root + (root.back() == '/' ? "" : "/") + relative;
}

LoadedReleaseSettings LoadReleaseSettings(DiskInterface* disk,
                                          const std::string& explicit_path,
                                          const std::string& cwd,
                                          const std::string& self_exe) {
  const std::string kRelative = ".slugwright/release.json";
  if (!explicit_path.empty()) {
    if (disk->Stat(explicit_path) != DiskInterface::Kind::kFile)
      throw UserError(kExitUsage, "release settings file " + explicit_path + " not found");
    // <root>/.slugwright/release.json -> <root>; any other place: its dir.
    std::string dir = Dirname(explicit_path);
    std::string root = dir.size() >= 11 && dir.compare(dir.size() - 11, 11, ".slugwright") == 0
                           ? Dirname(dir)
                           : dir;
    return Read(disk, explicit_path, root);
  }
  std::string in_cwd = JoinAppPath(cwd, kRelative);
  if (disk->Stat(in_cwd) == DiskInterface::Kind::kFile) return Read(disk, in_cwd, cwd);
  if (!self_exe.empty()) {
    std::string bin_dir = Dirname(self_exe);           // <slug>/.slugwright/bin
    std::string slugwright_dir = Dirname(bin_dir);     // <slug>/.slugwright
    if (Dirname(self_exe) != self_exe && slugwright_dir.size() >= 11 &&
        slugwright_dir.compare(slugwright_dir.size() - 11, 11, ".slugwright") == 0) {
      std::string beside = slugwright_dir + "/release.json";
      if (disk->Stat(beside) == DiskInterface::Kind::kFile)
        return Read(disk, beside, Dirname(slugwright_dir));
    }
  }
  LoadedReleaseSettings defaults;
  defaults.app_root = cwd;
  return defaults;
}
