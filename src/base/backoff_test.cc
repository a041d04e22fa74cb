#include "base/backoff.h"

#include <gtest/gtest.h>

TEST(Backoff, GrowsExponentiallyWithinJitterBoundsUpToTheCap) {
  Backoff backoff(0.025, 1.0, 42);
  double upper = 0.025;
  for (int i = 0; i < 12; ++i) {
    double d = backoff.Next();
    EXPECT_GE(d, upper / 2) << "attempt " << i;
    EXPECT_LE(d, upper) << "attempt " << i;
    upper = std::min(upper * 2, 1.0);
  }
  EXPECT_EQ(backoff.attempts(), 12);
}

TEST(Backoff, DifferentSeedsSpreadRunnersApart) {
  Backoff a(1.0, 1.0, 1), b(1.0, 1.0, 2);
  int same = 0;
  for (int i = 0; i < 20; ++i) same += a.Next() == b.Next();
  EXPECT_LT(same, 2);
}

TEST(Backoff, ZeroInitialDelayNeverSleeps) {
  Backoff backoff(0, 0, 7);
  EXPECT_EQ(backoff.Next(), 0);
  EXPECT_EQ(backoff.Next(), 0);
}
