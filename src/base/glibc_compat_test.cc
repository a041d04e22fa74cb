#include "base/glibc_compat.h"

#include <gtest/gtest.h>
#include <set>

// The portable binary's std::random_device draws from __wrap_arc4random:
// it must give varied, evenly spread bits, not a constant or a counter.
TEST(GlibcCompat, Arc4randomGivesUniformBits) {
  const int kDraws = 4000;
  int ones[32] = {};
  std::set<uint32_t> distinct;
  for (int i = 0; i < kDraws; ++i) {
    uint32_t v = __wrap_arc4random();
    distinct.insert(v);
    for (int bit = 0; bit < 32; ++bit) ones[bit] += (v >> bit) & 1;
  }
  // 4000 draws of 32 bits: a repeat has probability ~0.2%, allow a few.
  EXPECT_GT(distinct.size(), static_cast<size_t>(kDraws - 5));
  for (int bit = 0; bit < 32; ++bit) {
    // Binomial(4000, 0.5): mean 2000, sd ~32; 1800..2200 is over 6 sd.
    EXPECT_GT(ones[bit], 1800) << "bit " << bit;
    EXPECT_LT(ones[bit], 2200) << "bit " << bit;
  }
}
