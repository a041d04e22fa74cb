#include "postgres/local_postgres.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <pqxx/pqxx>

#include "testing/pg_test_environment.h"

TEST(LocalPostgres, AcceptsThePasswordOverTcpAndRejectsAWrongOne) {
  LocalPostgres& pg = TestCluster();
  pqxx::connection conn(pg.Url());
  pqxx::work work(conn);
  EXPECT_EQ(work.exec1("SELECT current_user")[0].as<std::string>(), pg.user());
  EXPECT_TRUE(work.exec1("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0]
                  .as<bool>());
  EXPECT_EQ(work.exec1("SELECT inet_server_port()")[0].as<int>(), pg.port());

  std::string wrong = "postgres://" + pg.user() + ":not-the-password@127.0.0.1:" +
                      std::to_string(pg.port()) + "/" + pg.database();
  EXPECT_THROW(pqxx::connection bad(wrong), pqxx::broken_connection);
}

TEST(LocalPostgres, CreatesDatabases) {
  std::string name;
  std::string url = FreshDatabaseUrl(&name);
  EXPECT_NE(url.find("/" + name), std::string::npos);
  pqxx::connection conn(url);
  pqxx::work work(conn);
  EXPECT_EQ(work.exec1("SELECT current_database()")[0].as<std::string>(), name);
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
    pqxx::connection conn(pg.Url());
    EXPECT_TRUE(conn.is_open());
    EXPECT_NE(pg.Url().find("p%40ss%3Aw%2Frd"), std::string::npos);
  }
  struct stat st;
  EXPECT_NE(::stat(dir.c_str(), &st), 0);
  EXPECT_THROW(pqxx::connection(
                   "host=127.0.0.1 connect_timeout=2 port=" + std::to_string(port)),
               pqxx::broken_connection);
}
