#include "testing/pgbouncer.h"

#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <vector>

#include "postgres/local_postgres.h"
#include "postgres/sql_session.h"
#include "testing/pg_test_environment.h"
#include "testing/test_util.h"

namespace {

const char kPgBouncer[] = "/usr/sbin/pgbouncer";

/// A TCP port on 127.0.0.1 that nothing listens on now.
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
    port = ntohs(address.sin_port);
  if (fd >= 0) ::close(fd);
  return port;
}

}  // namespace

bool LocalPgBouncer::Installed() { return ::access(kPgBouncer, X_OK) == 0; }

LocalPgBouncer::LocalPgBouncer(const std::string& pool_mode, const std::string& database,
                               int default_pool_size)
    : database_(database) {
  char dir_template[] = "/tmp/slugwright-pgbouncer-XXXXXX";
  dir_ = ::mkdtemp(dir_template);
  harness_.set_dir(dir_);
  LocalPostgres& pg = TestCluster();
  port_ = FreePort();
  std::ofstream(dir_ + "/users.txt") << "\"" << pg.user() << "\" \"" << pg.password() << "\"\n";
  std::ofstream ini(dir_ + "/pgbouncer.ini");
  ini << "[databases]\n"
      << database << " = host=127.0.0.1 port=" << pg.port() << " dbname=" << database << "\n"
      << "[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = " << port_ << "\n"
      << "unix_socket_dir =\nauth_type = plain\nauth_file = " << dir_ << "/users.txt\n"
      << "pool_mode = " << pool_mode << "\nlogfile = " << dir_ << "/pgbouncer.log\n";
  if (default_pool_size > 0) ini << "default_pool_size = " << default_pool_size << "\n";
  ini.close();
  std::vector<std::string> args;
  if (::geteuid() == 0) {
    // It runs as `postgres`, which must read its files.
    std::string chown = "chown -R postgres " + dir_;
    EXPECT_EQ(std::system(chown.c_str()), 0);
    args = {"-u", "postgres"};
  }
  args.push_back(dir_ + "/pgbouncer.ini");
  process_ = harness_.Start(kPgBouncer, args);
  ready_ = WaitUntil(
      [&] {
        try {
          SqlSession probe(Url());
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      10);
  EXPECT_TRUE(ready_) << "pgbouncer did not accept connections:\n"
                      << ReadWholeFile(dir_ + "/pgbouncer.log");
}

LocalPgBouncer::~LocalPgBouncer() {
  process_.Signal(SIGTERM);
  process_.Wait(10);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string LocalPgBouncer::Url() const {
  LocalPostgres& pg = TestCluster();
  return "postgres://" + pg.user() + ":" + pg.password() + "@127.0.0.1:" +
         std::to_string(port_) + "/" + database_;
}
