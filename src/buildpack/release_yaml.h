#ifndef SLUGWRIGHT_BUILDPACK_RELEASE_YAML_H_
#define SLUGWRIGHT_BUILDPACK_RELEASE_YAML_H_

#include <string>

#include "buildpack/procfile.h"

/// The YAML `bin/release` prints: `default_process_types` from the Procfile,
/// every command double-quoted so colons, quotes and `#` survive any YAML
/// parser byte for byte.
std::string ReleaseYaml(const Procfile& procfile);

#endif  // SLUGWRIGHT_BUILDPACK_RELEASE_YAML_H_
