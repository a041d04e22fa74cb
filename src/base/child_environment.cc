#include "base/child_environment.h"

#include <boost/process/environment.hpp>
#include <cstring>

extern char** environ;

std::map<std::string, std::string> ChildEnvironmentVariables(
    const std::map<std::string, std::string>& set,
    const std::vector<std::string>& unset) {
  std::map<std::string, std::string> env;
  for (char** entry = environ; *entry; ++entry) {
    const char* eq = std::strchr(*entry, '=');
    if (!eq) continue;
    env.emplace(std::string(*entry, static_cast<size_t>(eq - *entry)), std::string(eq + 1));
  }
  for (const std::string& name : unset) env.erase(name);
  for (const auto& [name, value] : set) env[name] = value;
  return env;
}

boost::process::environment ChildEnvironment(
    const std::map<std::string, std::string>& set,
    const std::vector<std::string>& unset) {
  boost::process::environment env = boost::this_process::environment();
  for (const std::string& name : unset) env.erase(name);
  for (const auto& [name, value] : set) env.set(name, value);
  return env;
}
