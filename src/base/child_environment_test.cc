#include "base/child_environment.h"

#include <stdlib.h>

#include <gtest/gtest.h>

namespace {

std::string Get(const boost::process::environment& env, const std::string& name) {
  for (const auto& entry : env)
    if (entry.get_name() == name) return entry.to_string();
  return "<unset>";
}

}  // namespace

TEST(ChildEnvironmentTest, SetsOverridesAndRemovesUnset) {
  setenv("SLUGWRIGHT_TEST_KEEP", "kept", 1);
  setenv("SLUGWRIGHT_TEST_DROP", "dropped", 1);
  setenv("SLUGWRIGHT_TEST_REPLACE", "old", 1);
  // A long name beside short entries: what Boost's own lookup misreads.
  setenv("A", "1", 1);
  boost::process::environment env = ChildEnvironment(
      {{"SLUGWRIGHT_TEST_REPLACE", "new"},
       {"SLUGWRIGHT_A_MUCH_LONGER_VARIABLE_NAME", "x"},
       {"EMPTY_VALUE", ""}},
      {"SLUGWRIGHT_TEST_DROP"});
  EXPECT_EQ("kept", Get(env, "SLUGWRIGHT_TEST_KEEP"));
  EXPECT_EQ("<unset>", Get(env, "SLUGWRIGHT_TEST_DROP"));
  EXPECT_EQ("new", Get(env, "SLUGWRIGHT_TEST_REPLACE"));
  EXPECT_EQ("x", Get(env, "SLUGWRIGHT_A_MUCH_LONGER_VARIABLE_NAME"));
  EXPECT_EQ("", Get(env, "EMPTY_VALUE"));
  EXPECT_EQ("1", Get(env, "A"));
}

TEST(ChildEnvironmentTest, VariablesForTheSpawnerSetOverrideAndRemove) {
  setenv("SLUGWRIGHT_TEST_KEEP", "kept", 1);
  setenv("SLUGWRIGHT_TEST_DROP", "dropped", 1);
  setenv("SLUGWRIGHT_TEST_REPLACE", "old", 1);
  setenv("A", "1", 1);
  std::map<std::string, std::string> env = ChildEnvironmentVariables(
      {{"SLUGWRIGHT_TEST_REPLACE", "new"}, {"EMPTY_VALUE", ""}}, {"SLUGWRIGHT_TEST_DROP"});
  EXPECT_EQ("kept", env["SLUGWRIGHT_TEST_KEEP"]);
  EXPECT_EQ(0u, env.count("SLUGWRIGHT_TEST_DROP"));
  EXPECT_EQ("new", env["SLUGWRIGHT_TEST_REPLACE"]);
  EXPECT_EQ(1u, env.count("EMPTY_VALUE"));
  EXPECT_EQ("1", env["A"]);
}
