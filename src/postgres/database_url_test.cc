#include "postgres/database_url.h"

#include <gtest/gtest.h>

#include "base/exit_codes.h"

TEST(DatabaseTarget, ParsesHerokuUrlsWithLibpq) {
  DatabaseTarget t = DatabaseTarget::Parse(
      "postgres://u1abc:s3cr%40t@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d9x?sslmode=require");
  EXPECT_EQ(t.Get("user"), "u1abc");
  EXPECT_EQ(t.password(), "s3cr@t");
  EXPECT_EQ(t.Get("host"), "ec2-1-2-3-4.compute-1.amazonaws.com");
  EXPECT_EQ(t.Get("port"), "5432");
  EXPECT_EQ(t.Get("dbname"), "d9x");
  EXPECT_EQ(t.Get("sslmode"), "require");
  EXPECT_EQ(t.Get("password"), "");
  EXPECT_EQ(t.Describe(), "u1abc@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d9x");
}

TEST(DatabaseTarget, AcceptsPostgresqlSchemeAndConninfo) {
  EXPECT_EQ(DatabaseTarget::Parse("postgresql://a@h/db").Describe(), "a@h/db");
  DatabaseTarget t = DatabaseTarget::Parse("host=h port=6543 user=u password=pw dbname=x");
  EXPECT_EQ(t.Describe(), "u@h:6543/x");
  EXPECT_EQ(t.password(), "pw");
}

TEST(DatabaseTarget, ConninfoAddsSettingsAndKeepsThePassword) {
  DatabaseTarget t = DatabaseTarget::Parse("postgres://u:it's@h:1/d");
  std::string conninfo = t.Conninfo({{"application_name", "slugwright release"}});
  EXPECT_NE(conninfo.find("application_name='slugwright release'"), std::string::npos);
  EXPECT_NE(conninfo.find("password='it\\'s'"), std::string::npos);
  EXPECT_EQ(t.Describe().find("it's"), std::string::npos);
}

TEST(DatabaseTarget, RejectsGarbageWithoutEchoingIt) {
  try {
    DatabaseTarget::Parse("postgres://u:hunter22@h:notaport/d?bogus_option=1");
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitUsage);
    EXPECT_EQ(std::string(e.what()).find("hunter22"), std::string::npos) << e.what();
  }
  EXPECT_THROW(DatabaseTarget::Parse("   "), UserError);
}

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
