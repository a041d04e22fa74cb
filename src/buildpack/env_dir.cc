#include "buildpack/env_dir.h"

#include <vector>

#include "base/disk_interface.h"
#include "base/exit_codes.h"

namespace {
/// Heroku limits all config vars of an app to 32 kB together.
const size_t kMaxValueBytes = 64 * 1024;
}  // namespace

ConfigVars ReadEnvDir(DiskInterface* disk, const std::string& env_dir) {
  ConfigVars vars;
  std::vector<std::string> names;
  std::string err;
  if (!disk->ListDirectory(env_dir, &names, &err))
    throw UserError(kExitUsage, "cannot read the config vars in ENV_DIR " + err);
  for (const std::string& name : names) {
    std::string path = env_dir + "/" + name;
    if (name[0] == '.' || disk->Stat(path) != DiskInterface::Kind::kFile)
      continue;
    std::string value;
    if (!disk->ReadFile(path, kMaxValueBytes, &value, &err))
      throw UserError(kExitUsage, "cannot read config var " + name + ": " + err);
    vars[name] = value;
  }
  return vars;
}

std::string ConfigWord(const ConfigVars& vars, const std::string& name) {
  auto it = vars.find(name);
  if (it == vars.end()) return "";
  const std::string& v = it->second;
  const char* space = " \t\r\n";
  size_t begin = v.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  size_t end = v.find_last_not_of(space);
  return v.substr(begin, end - begin + 1);
}
