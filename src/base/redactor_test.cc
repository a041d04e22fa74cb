#include "base/redactor.h"

#include <gtest/gtest.h>

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
