#ifndef SLUGWRIGHT_BASE_SELF_EXE_H_
#define SLUGWRIGHT_BASE_SELF_EXE_H_

#include <string>

/// The absolute path of the running slugwright binary, so compile can copy
/// it into the slug and simulate can find the buildpack around it.
std::string SelfExecutablePath();

#endif  // SLUGWRIGHT_BASE_SELF_EXE_H_
