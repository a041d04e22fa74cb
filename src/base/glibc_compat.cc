#include "base/glibc_compat.h"

#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

extern "C" uint32_t __wrap_arc4random(void) {
  uint32_t value = 0;
  auto* bytes = reinterpret_cast<unsigned char*>(&value);
  size_t filled = 0;
  while (filled < sizeof value) {
    ssize_t n = ::getrandom(bytes + filled, sizeof value - filled, 0);
    if (n > 0) {
      filled += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      // Nothing sensible to return: random_device callers expect entropy.
      static const char kMessage[] = "slugwright: getrandom() failed; no randomness\n";
      ssize_t ignored = ::write(2, kMessage, sizeof kMessage - 1);
      (void)ignored;
      std::abort();
    }
  }
  return value;
}
