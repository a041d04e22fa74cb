#include "base/duration.h"

#include <gtest/gtest.h>

TEST(DurationTest, ParsesUnits) {
  double s = -1;
  std::string err;
  ASSERT_TRUE(ParseDuration("90", &s, &err));
  EXPECT_DOUBLE_EQ(90, s);
  ASSERT_TRUE(ParseDuration("500ms", &s, &err));
  EXPECT_DOUBLE_EQ(0.5, s);
  ASSERT_TRUE(ParseDuration("10m", &s, &err));
  EXPECT_DOUBLE_EQ(600, s);
  ASSERT_TRUE(ParseDuration("1h", &s, &err));
  EXPECT_DOUBLE_EQ(3600, s);
  ASSERT_TRUE(ParseDuration("0", &s, &err));
  EXPECT_DOUBLE_EQ(0, s);
}

TEST(DurationTest, RejectsGarbage) {
  double s;
  std::string err;
  for (const char* bad : {"", "-5s", "5 s", "5x", "s", "nan", "inf", "+3"}) {
    EXPECT_FALSE(ParseDuration(bad, &s, &err)) << bad;
    EXPECT_NE(std::string::npos, err.find("duration")) << bad;
  }
}

TEST(DurationTest, FormatsForPeople) {
  EXPECT_EQ("850ms", FormatDuration(0.85));
  EXPECT_EQ("4.2s", FormatDuration(4.2));
  EXPECT_EQ("3m05s", FormatDuration(185));
}
