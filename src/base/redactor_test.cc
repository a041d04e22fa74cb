#include "base/redactor.h"

#include <gtest/gtest.h>
#include <regex>
#include <string>
#include <vector>

TEST(Redactor, MasksRegisteredSecretsAndTheirUrlEncoding) {
  Redactor r;
  r.AddSecret("p@ss word");
  std::string out = r.Scrub("password p@ss word and p%40ss%20word appear");
  EXPECT_EQ(out.find("p@ss word"), std::string::npos);
  EXPECT_EQ(out.find("p%40ss%20word"), std::string::npos);
  EXPECT_NE(out.find(Redactor::kMask), std::string::npos);
}

TEST(Redactor, MasksAnyUrlPasswordAndConninfoPassword) {
  Redactor r;
  EXPECT_EQ(r.Scrub("DATABASE_URL=postgres://user:abc123@host:5432/db"),
            std::string("DATABASE_URL=postgres://user:") + Redactor::kMask + "@host:5432/db");
  EXPECT_EQ(r.Scrub("host=h password='x y' user=u"),
            std::string("host=h password=") + Redactor::kMask + " user=u");
  EXPECT_EQ(r.Scrub("password=abc"), std::string("password=") + Redactor::kMask);
  // A URL without a password is left alone.
  EXPECT_EQ(r.Scrub("see https://devcenter.heroku.com/articles/release-phase"),
            "see https://devcenter.heroku.com/articles/release-phase");
}

TEST(Redactor, IgnoresSecretsTooShortToMaskSafely) {
  Redactor r;
  r.AddSecret("a");
  EXPECT_EQ(r.Scrub("a cat"), "a cat");
}

// The generic masks were std::regex patterns; they are scanned by hand
// now. This keeps the scanners to exactly what the patterns replaced.
std::string ScrubWithTheFormerPatterns(const std::string& text) {
  static const std::regex kUrlPassword(R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@\s/]*@)");
  static const std::regex kConninfoPassword(R"((password\s*=\s*)('(\\.|[^'])*'|\S+))",
                                            std::regex::icase);
  std::string out = std::regex_replace(text, kUrlPassword, std::string("$1") + Redactor::kMask + "@");
  return std::regex_replace(out, kConninfoPassword, std::string("$1") + Redactor::kMask);
}

TEST(Redactor, GenericMasksAreThoseOfTheFormerPatterns) {
  const std::vector<std::string> cases = {
      "", "plain text", "postgres://u:p@h/db", "postgres://u:p@h/db and mysql://a:b@c",
      "xpostgres://u:p@h", "1http://u:p@h", "http://:p@h", "http://u:@h", "http://u:p/x@h",
      "http://u p:q@h", "http://u:p q@h", "a+b.c-d://u:p@h", "http://u:p", "://u:p@h",
      "http//u:p@h", "http://u:p@h:p@i", "postgres://user:pa:ss@host", "h://u::p@h",
      "password=abc", "PassWord = 'x y' user=u", "password='a\\'b' rest", "password='a\\\\'b' c",
      "password='unterminated rest", "password='", "password=", "password = ", "password =\tx",
      "password='a\\\nb' c", "password='a\\", "password='\\'", "passwordx=y", "my_password=s3cret",
      "password=a password=b", "password='x'password='y'", "password= 'q' 'r'",
      "url postgres://u:p@h password=z", "password=postgres://u:p@h", "pass word=x",
      "\xc3\xa9://u:p@h", "h\xc3\xa9://u:p@h", "p://\xc3\xa9:\xc3\xa9@h", "password=\xc3\xa9 x",
      "password\n=\nx", "password=\v", "PASSWORD='it''s' x", "password='a\\\rb'"};
  Redactor r;
  for (const std::string& text : cases)
    EXPECT_EQ(r.Scrub(text), ScrubWithTheFormerPatterns(text)) << text;
  // Every short string over the characters the patterns care about.
  const std::string alphabet = "pa:/@' \\=h";
  std::string text;
  std::vector<size_t> digits;
  for (int length = 1; length <= 5; ++length) {
    digits.assign(static_cast<size_t>(length), 0);
    for (;;) {
      text.clear();
      for (size_t d : digits) text += alphabet[d];
      for (const char* prefix : {"", "password=", "h://", "password='"}) {
        std::string full = prefix + text;
        ASSERT_EQ(r.Scrub(full), ScrubWithTheFormerPatterns(full)) << full;
      }
      size_t k = 0;
      while (k < digits.size() && ++digits[k] == alphabet.size()) digits[k++] = 0;
      if (k == digits.size()) break;
    }
  }
}

TEST(Redactor, ScrubsALongLineInLinearTime) {
  Redactor r;
  std::string text(1 << 20, 'a');
  text += "://u:p@h password='" + std::string(1 << 16, '\\');
  std::string out = r.Scrub(text);
  EXPECT_NE(out.find(std::string("://u:") + Redactor::kMask + "@h"), std::string::npos);
}
