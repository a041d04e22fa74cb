#ifndef SLUGWRIGHT_BASE_CHILD_ENVIRONMENT_H_
#define SLUGWRIGHT_BASE_CHILD_ENVIRONMENT_H_

#include <boost/process/environment.hpp>
#include <map>
#include <string>
#include <vector>

/// The environment for a child process, as SubprocessRequest::env takes
/// it: this process's own, with the variables in `set` given those values
/// and those in `unset` removed.
std::map<std::string, std::string> ChildEnvironmentVariables(
    const std::map<std::string, std::string>& set,
    const std::vector<std::string>& unset = {});

/// The same as a Boost.Process environment, for the PostgreSQL tests that
/// still start the slugwright binary with Boost.Process (production code
/// uses base/subprocess.h). Built here because the obvious
/// `env[name] = value` of Boost.Process 1.74 compares `name=` with each
/// existing entry by reading as many bytes as the name has, past the end
/// of shorter entries (AddressSanitizer reports it); the setter used here
/// checks lengths first.
boost::process::environment ChildEnvironment(
    const std::map<std::string, std::string>& set,
    const std::vector<std::string>& unset = {});

#endif  // SLUGWRIGHT_BASE_CHILD_ENVIRONMENT_H_
