#include "base/child_environment.h"

#include <boost/process/environment.hpp>

boost::process::environment ChildEnvironment(
    const std::map<std::string, std::string>& set,
    const std::vector<std::string>& unset) {
  boost::process::environment env = boost::this_process::environment();
  for (const std::string& name : unset) env.erase(name);
  for (const auto& [name, value] : set) env.set(name, value);
  return env;
}
