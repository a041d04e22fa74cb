#include "buildpack/release_yaml.h"

#include <yaml-cpp/yaml.h>

std::string ReleaseYaml(const Procfile& procfile) {
  YAML::Emitter out;
  out << YAML::BeginDoc << YAML::BeginMap << YAML::Key << "default_process_types"
      << YAML::Value << YAML::BeginMap;
  for (const ProcessType& p : procfile.processes)
    out << YAML::Key << p.name << YAML::Value << YAML::DoubleQuoted
        << p.command;
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}
