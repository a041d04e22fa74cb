#ifndef SLUGWRIGHT_BUILDPACK_ENV_DIR_H_
#define SLUGWRIGHT_BUILDPACK_ENV_DIR_H_

#include <map>
#include <string>

struct DiskInterface;

/// Config vars as a buildpack sees them: variable name to raw value.
using ConfigVars = std::map<std::string, std::string>;

/// Reads Heroku's ENV_DIR (one file per config var, the file name is the
/// name, the content is the value). Values are data: they are never handed
/// to a shell. Throws UserError(kExitUsage) for an unreadable directory.
ConfigVars ReadEnvDir(DiskInterface* disk, const std::string& env_dir);

/// The value of a config var meant as a single word or path: surrounding
/// whitespace and line breaks removed (an `echo`ed file ends in "\n").
/// Empty when unset.
std::string ConfigWord(const ConfigVars& vars, const std::string& name);

#endif  // SLUGWRIGHT_BUILDPACK_ENV_DIR_H_
