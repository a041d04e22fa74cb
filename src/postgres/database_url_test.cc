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

// Users paste their own passwords into URLs without encoding them. Each
// URL delimiter in a password still reaches libpq as the password, and no
// error message shows any of it.
TEST(DatabaseTarget, PasswordsWithEveryUrlDelimiterParseAndNeverShow) {
  const char* passwords[] = {"Top/Secret42", "Sec@ret99x", "Sec?ret99x", "Sec#ret99x",
                             "p:ss/w@rd#1?x", "50%off!Sale", "a%zzSecret", "Q%41uoted",
                             "sp ace&semi;col"};
  for (const char* password : passwords) {
    std::string url = std::string("postgres://app:") + password + "@db.example.com:6543/d1";
    DatabaseTarget t = DatabaseTarget::Parse(url);
    std::string expected = password;
    if (expected == "Q%41uoted") expected = "QAuoted";  // a valid escape is an escape
    EXPECT_EQ(expected, t.password()) << url;
    EXPECT_EQ("db.example.com", t.Get("host")) << url;
    EXPECT_EQ("6543", t.Get("port")) << url;
    EXPECT_EQ("d1", t.Get("dbname")) << url;
    EXPECT_EQ("app@db.example.com:6543/d1", t.Describe()) << url;
  }
  // An `@` inside a query value is not a password's end.
  DatabaseTarget q = DatabaseTarget::Parse("postgres://host/db?application_name=a@b");
  EXPECT_EQ("host", q.Get("host"));
  EXPECT_EQ("a@b", q.Get("application_name"));
}

TEST(DatabaseTarget, ParseErrorsNeverQuoteThePassword) {
  const char* urls[] = {"postgres://app:Top/Secret42@host:notaport/d1",
                        "postgres://app:Sec@ret99x@host/d1?nokey",
                        "postgres://app:p:ss/w@rd#1?x@host/d1?sslmode",
                        "postgresql://u:Sup3r%zz%Secret@h:1/d?x"};
  const char* secrets[] = {"Top/Secret42", "Sec@ret99x", "ret99x", "p:ss/w@rd#1?x", "rd#1?x",
                           "Sup3r%zz%Secret", "Secret"};
  for (const char* url : urls) {
    try {
      DatabaseTarget::Parse(url);
    } catch (const UserError& e) {
      for (const char* secret : secrets)
        EXPECT_EQ(std::string::npos, std::string(e.what()).find(secret)) << e.what();
    }
  }
}

TEST(DatabaseTarget, OtherSchemesAndMalformedUrlsSayWhatIsExpected) {
  for (const char* url : {"mysql://u:Secret9@h/d", "postgres//u:Secret9@h/d", "http://h/d"}) {
    try {
      DatabaseTarget::Parse(url);
      ADD_FAILURE() << url;
    } catch (const UserError& e) {
      std::string what = e.what();
      EXPECT_NE(std::string::npos, what.find("postgres://")) << what;
      EXPECT_EQ(std::string::npos, what.find("missing \"=\"")) << what;
      EXPECT_EQ(std::string::npos, what.find("Secret9")) << what;
      EXPECT_EQ(kExitUsage, e.code());
    }
  }
}
