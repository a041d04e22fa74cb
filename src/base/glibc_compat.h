#ifndef SLUGWRIGHT_BASE_GLIBC_COMPAT_H_
#define SLUGWRIGHT_BASE_GLIBC_COMPAT_H_

#include <cstdint>

/// Stand-ins for glibc functions newer than the oldest glibc the portable
/// binary must load on (2.35, Heroku's heroku-22 stack). Only the portable
/// build links them in, through `-Wl,--wrap=NAME` (see CMakeLists.txt), so
/// that code in static archives we link but do not build calls them
/// instead of importing a newer glibc symbol.
extern "C" {

/// arc4random (glibc 2.36): Debian 12's libstdc++.a calls it from
/// std::random_device. A uniformly random 32-bit value from the kernel's
/// CSPRNG (getrandom(2), glibc 2.25). Like glibc's, it never fails: it
/// aborts the process when the kernel gives no randomness.
uint32_t __wrap_arc4random(void);

}  // extern "C"

#endif  // SLUGWRIGHT_BASE_GLIBC_COMPAT_H_
