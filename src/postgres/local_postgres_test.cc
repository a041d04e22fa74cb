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

// Issue 23, item 3: the throwaway cluster serves SSL as Heroku Postgres
// does, with a self-signed certificate of its own: libpq's default
// (`prefer`) and `sslmode=require` encrypt, `disable` does not, and a
// client that verifies the certificate refuses it. The certificate goes
// with the directory.
TEST(LocalPostgres, ServesSslWithAThrowawaySelfSignedCertificate) {
  std::string dir;
  {
    LocalPostgres pg;
    dir = pg.dir();
    ASSERT_TRUE(pg.ssl()) << pg.ssl_error();
    EXPECT_EQ(pg.ssl_error(), "");
    const std::string ssl = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    EXPECT_EQ(SqlSession(pg.Url() + "?sslmode=require").Scalar(ssl), "t");
    EXPECT_EQ(SqlSession(pg.Url()).Scalar(ssl), "t");
    EXPECT_EQ(SqlSession(pg.Url() + "?sslmode=disable").Scalar(ssl), "f");
    EXPECT_THROW(SqlSession(pg.Url() + "?sslmode=verify-ca&sslrootcert=" + dir + "/none.crt"),
                 std::runtime_error);
    struct stat st;
    ASSERT_EQ(::stat((dir + "/server.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0u) << "the key must not be readable by others";
  }
  struct stat st;
  EXPECT_NE(::stat(dir.c_str(), &st), 0);
}

TEST(LocalPostgres, ServesNoSslWhenNotAsked) {
  LocalPostgresOptions options;
  options.ssl = false;
  LocalPostgres pg(options);
  EXPECT_FALSE(pg.ssl());
  EXPECT_THROW(SqlSession(pg.Url() + "?sslmode=require"), std::runtime_error);
}
