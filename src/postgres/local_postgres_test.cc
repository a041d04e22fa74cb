#include "postgres/local_postgres.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "postgres/sql_session.h"
#include "testing/pg_fixture.h"

TEST(LocalPostgres, AcceptsThePasswordOverTcpAndRejectsAWrongOne) {
  LocalPostgres& pg = TestCluster();
  SqlSession session(pg.Url());
  EXPECT_EQ(session.Scalar("SELECT current_user"), pg.user());
  EXPECT_EQ(session.Scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"), "t");
  EXPECT_EQ(session.Scalar("SELECT inet_server_port()"), std::to_string(pg.port()));

  std::string wrong = "postgres://" + pg.user() + ":not-the-password@127.0.0.1:" +
                      std::to_string(pg.port()) + "/" + pg.database();
  EXPECT_THROW(SqlSession bad(wrong), std::runtime_error);
}

TEST(LocalPostgres, CreatesDatabases) {
  PgDatabase db;
  EXPECT_NE(db.url().find("/" + db.name()), std::string::npos);
  EXPECT_EQ(db.Scalar("SELECT current_database()"), db.name());
}

TEST(LocalPostgres, RemovesItsDirectoryWhenDestroyed) {
  std::string dir;
  int port;
  {
    LocalPostgresOptions options;
    options.password = "p@ss:w/rd";  // must be percent-encoded in the URL
    LocalPostgres pg(options);
    dir = pg.dir();
    port = pg.port();
    struct stat st;
    ASSERT_EQ(::stat((dir + "/data/PG_VERSION").c_str(), &st), 0);
    SqlSession session(pg.Url());
    EXPECT_GT(session.BackendPid(), 0);
    EXPECT_NE(pg.Url().find("p%40ss%3Aw%2Frd"), std::string::npos);
  }
  struct stat st;
  EXPECT_NE(::stat(dir.c_str(), &st), 0);
  EXPECT_THROW(SqlSession("host=127.0.0.1 connect_timeout=2 port=" + std::to_string(port)),
               std::runtime_error);
}
