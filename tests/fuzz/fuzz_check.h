#ifndef SLUGWRIGHT_FUZZ_CHECK_H_
#define SLUGWRIGHT_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

/// Aborts, which libFuzzer reports as a crash, when a property of a fuzz
/// target's result does not hold.
inline void Check(bool ok, const char* property) {
  if (!ok) {
    fprintf(stderr, "property does not hold: %s\n", property);
    abort();
  }
}

#endif  // SLUGWRIGHT_FUZZ_CHECK_H_
