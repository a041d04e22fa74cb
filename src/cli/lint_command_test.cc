#include "cli/lint_command.h"

#include <gtest/gtest.h>

namespace {

LintFinding Finding(const std::string& file, int line) {
  return {file, line, 20240101000000, "drop-column", "ALTER TABLE t DROP COLUMN a;",
          "drops column a of t: the running release still reads it", "release code first"};
}

}  // namespace

TEST(LintReport, TextNamesFileLineRuleStatementWhyAndInstead) {
  std::string text = LintReportText({Finding("m/1_a.sql", 3), Finding("m/1_a.sql", 5),
                                     Finding("m/2_b.sql", 1)},
                                    4);
  EXPECT_EQ(0u, text.find("m/1_a.sql:3: drop-column\n"
                          "    ALTER TABLE t DROP COLUMN a;\n"
                          "    why: drops column a of t: the running release still reads it\n"
                          "    instead: release code first\n"))
      << text;
  EXPECT_NE(std::string::npos, text.find("\n3 findings in 2 of 4 migrations (docs/lint.md"))
      << text;
  EXPECT_EQ("No findings in 1 migration\n", LintReportText({}, 1));
}

TEST(LintReport, JsonHasEveryField) {
  nlohmann::json j = LintReportJson({Finding("m/1_a.sql", 3)}, 2, 16);
  EXPECT_EQ(2, j["migrations"]);
  EXPECT_EQ(16, j["postgres_version"]);
  ASSERT_EQ(1u, j["findings"].size());
  const nlohmann::json& f = j["findings"][0];
  EXPECT_EQ("m/1_a.sql", f["file"]);
  EXPECT_EQ(3, f["line"]);
  EXPECT_EQ(20240101000000, f["version"]);
  EXPECT_EQ("drop-column", f["rule"]);
  EXPECT_EQ("ALTER TABLE t DROP COLUMN a;", f["statement"]);
  EXPECT_EQ("release code first", f["instead"]);
  EXPECT_TRUE(LintReportJson({}, 0, 11)["findings"].is_array());
}
