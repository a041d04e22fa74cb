#include "base/text.h"

#include <gtest/gtest.h>

TEST(Text, BytesAndCounts) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(1023), "1023 B");
  EXPECT_EQ(FormatBytes(1536), "1.5 kB");
  EXPECT_EQ(FormatBytes(22020096), "21 MB");
  EXPECT_EQ(FormatBytes(int64_t{3} << 30), "3.0 GB");
  EXPECT_EQ(FormatBytes(-1), "?");
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1000), "1,000");
  EXPECT_EQ(FormatCount(300000), "300,000");
  EXPECT_EQ(FormatCount(1234567), "1,234,567");
}

TEST(Text, PluralTrimAndPercentEncoding) {
  EXPECT_EQ(Plural(1, "migration"), "1 migration");
  EXPECT_EQ(Plural(2, "migration"), "2 migrations");
  EXPECT_EQ(Plural(2, "index", "indexes"), "2 indexes");
  EXPECT_EQ(Trim(" \t a b \r\n"), "a b");
  EXPECT_EQ(TrimRight("error \r\n"), "error");
  EXPECT_EQ(RandomHex(12).size(), 12u);
  EXPECT_EQ(PercentEncode("a/b@c d~"), "a%2Fb%40c%20d~");
}

TEST(Text, PercentEncodingKeepsWhatItIsTold) {
  // A URL's userinfo keeps its sub-delimiters and its valid escapes; a
  // lone `%` is encoded.
  EXPECT_EQ(PercentEncode("p@ss!%41%zz", "!$&'()*+,;=", true), "p%40ss!%41%25zz");
  EXPECT_EQ(PercentEncode("%41"), "%2541");
  EXPECT_EQ(PercentDecode("p%40ss%2"), "p@ss%2");
  EXPECT_EQ(PercentDecode(PercentEncode("a b/c%d")), "a b/c%d");
}

TEST(Text, JoinPutsTheSeparatorBetweenOnly) {
  EXPECT_EQ(Join({}, ", "), "");
  EXPECT_EQ(Join({"a"}, ", "), "a");
  EXPECT_EQ(Join({"a", "b", "c"}, " "), "a b c");
}

TEST(Text, PrefixesSuffixesAndDirname) {
  EXPECT_TRUE(StartsWith("postgres://x", "postgres://"));
  EXPECT_FALSE(StartsWith("post", "postgres://"));
  EXPECT_TRUE(EndsWith("a.down.sql", ".down.sql"));
  EXPECT_FALSE(EndsWith("sql", ".down.sql"));
  EXPECT_EQ(Dirname("apps/web/Procfile"), "apps/web");
  EXPECT_EQ(Dirname("Procfile"), ".");
  EXPECT_EQ(Dirname("/Procfile"), "/");
}

TEST(Text, ClosestMatchesForDidYouMean) {
  EXPECT_EQ(0u, EditDistance("migrate", "migrate"));
  EXPECT_EQ(1u, EditDistance("migrat", "migrate"));
  EXPECT_EQ(3u, EditDistance("kitten", "sitting"));
  std::vector<std::string> commands = {"select", "procfile", "simulate", "migrate", "release",
                                       "rehearse"};
  EXPECT_EQ(std::vector<std::string>{"migrate"}, ClosestMatches("migrat", commands));
  EXPECT_EQ(std::vector<std::string>{"rehearse"}, ClosestMatches("rehears", commands));
  EXPECT_TRUE(ClosestMatches("frobnicate", commands).empty());
  std::vector<std::string> apps = {"commonwealth-beta", "commonwealth-frick", "commonwealth-demo"};
  EXPECT_EQ(std::vector<std::string>{"commonwealth-beta"}, ClosestMatches("commonwealth-betta", apps));
  EXPECT_EQ("`a` or `b`", JoinAlternatives({"a", "b"}));
  EXPECT_EQ("`a`, `b` or `c`", JoinAlternatives({"a", "b", "c"}));
}
