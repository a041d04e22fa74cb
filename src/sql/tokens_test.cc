#include "sql/tokens.h"

#include <gtest/gtest.h>

TEST(MigrationLintTokens, FoldsWordsAndKeepsQuotedNames) {
  SqlTokens t = TokenizeSql("ALTER TABLE \"My\"\"Table\" ADD Col int;", 3);
  ASSERT_EQ(7u, t.tokens.size());
  EXPECT_TRUE(t.tokens[0].IsWord("alter"));
  EXPECT_EQ(SqlToken::Kind::kQuotedName, t.tokens[2].kind);
  EXPECT_EQ("My\"Table", t.tokens[2].text);
  EXPECT_TRUE(t.tokens[4].IsWord("col"));
  EXPECT_TRUE(t.tokens[6].IsSymbol(";"));
  EXPECT_EQ(3, t.tokens[6].line);
}

TEST(MigrationLintTokens, StringsCommentsAndLines) {
  SqlTokens t = TokenizeSql("SELECT 'a--b', E'x\\'y' -- note\r\n/* one /* nested */ */ $t$ ; $t$\r::text\n$1", 1);
  ASSERT_EQ(2u, t.comments.size());
  EXPECT_EQ(" note", t.comments[0].text);
  EXPECT_EQ(1, t.comments[0].line);
  EXPECT_EQ(2, t.comments[1].line);
  std::vector<std::string> texts;
  for (const SqlToken& token : t.tokens) texts.push_back(token.text);
  EXPECT_EQ((std::vector<std::string>{"select", "a--b", ",", "x\\'y", " ; ", "::", "text", "$", "1"}),
            texts);
  EXPECT_EQ(3, t.tokens[5].line);  // a lone CR ends line 2
  EXPECT_EQ(4, t.last_line);
}

TEST(MigrationLintTokens, UnterminatedInputEndsQuietly) {
  for (const char* text : {"'abc", "\"abc", "/* abc", "$x$ abc", "E'\\", "--"}) {
    SqlTokens t = TokenizeSql(text, 1);
    EXPECT_EQ(1, t.last_line) << text;
  }
}
