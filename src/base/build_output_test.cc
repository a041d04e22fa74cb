#include "base/build_output.h"

#include <gtest/gtest.h>
#include <sstream>

TEST(BuildOutputTest, FollowsHerokuConventions) {
  std::ostringstream s;
  BuildOutput out(s);
  out.Step("Selecting the Procfile");
  out.Detail("line one\nline two");
  out.Error("bad");
  EXPECT_EQ(
      "-----> Selecting the Procfile\n"
      "       line one\n"
      "       line two\n"
      " !     bad\n",
      s.str());
}
