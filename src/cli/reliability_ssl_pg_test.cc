// Reliability suite: a server that accepts TLS only (pg_hba.conf `hostssl`,
// with `hostnossl ... reject`), its CA and certificate made here with
// openssl. Every DATABASE_URL form Heroku and users write must work
// (no sslmode, sslmode=require, sslmode=verify-full with sslrootcert), and
// a plaintext attempt must fail saying why.

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>

#include "postgres/local_postgres.h"
#include "testing/reliability_fixture.h"

namespace {

using reliability::WithHost;

/// A directory the `postgres` user can read, holding a CA, a server
/// certificate for localhost/127.0.0.1 signed by it, and an hba file.
class SslFiles {
 public:
  SslFiles() {
    char dir_template[] = "/tmp/slugwright-ssl-XXXXXX";
    if (::mkdtemp(dir_template)) dir_ = dir_template;
    ::chmod(dir_.c_str(), 0755);
  }
  ~SslFiles() {
    if (!dir_.empty()) std::system(("rm -rf '" + dir_ + "'").c_str());
  }

  /// Makes the files; false with *why when openssl fails.
  bool Make(std::string* why) {
    Write("san.cnf", "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    Write("hba.conf",
          "local all all trust\n"
          "hostssl all all 127.0.0.1/32 scram-sha-256\n"
          "hostssl all all ::1/128 scram-sha-256\n"
          "hostnossl all all all reject\n");
    std::string script =
        "cd '" + dir_ + "' && exec >openssl.log 2>&1 && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
        "-subj /CN=slugwright-test-ca && "
        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
        "-subj /CN=localhost && "
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out server.crt -days 2 -extfile san.cnf && chmod 600 server.key && chmod 644 "
        "ca.crt server.crt hba.conf";
    if (std::system(script.c_str()) != 0) {
      std::ifstream log(dir_ + "/openssl.log");
      *why = "openssl failed: " + std::string(std::istreambuf_iterator<char>(log), {});
      return false;
    }
    // Under root the server runs as `postgres`, which must own its key.
    if (::geteuid() == 0) {
      if (struct passwd* pw = ::getpwnam("postgres"))
        (void)!::chown((dir_ + "/server.key").c_str(), pw->pw_uid, pw->pw_gid);
    }
    return true;
  }

  std::vector<std::string> ServerSettings() const {
    return {"ssl = on", "ssl_cert_file = '" + dir_ + "/server.crt'",
            "ssl_key_file = '" + dir_ + "/server.key'", "hba_file = '" + dir_ + "/hba.conf'"};
  }
  std::string ca() const { return dir_ + "/ca.crt"; }

 private:
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }
  std::string dir_;
};

TEST_F(Reliability, SslOnlyServerWorksWithEveryUrlFormAndRefusesPlaintext) {
  SslFiles files;
  std::string why;
  if (!files.Make(&why)) GTEST_SKIP() << why;
  LocalPostgresOptions options;
  options.settings = files.ServerSettings();
  LocalPostgres server(options);
  const std::string url = server.Url();
  WriteReleaseSettings();

  const std::vector<std::string> forms = {
      url,  // no sslmode: libpq's `prefer` tries TLS first
      url + "?sslmode=require",
      WithHost(url, "localhost") + "?sslmode=verify-full&sslrootcert=" + files.ca(),
  };
  for (size_t i = 0; i < forms.size(); ++i) {
    Write("2024010" + std::to_string(i + 1) + "000000_m" + std::to_string(i) + ".sql",
          "-- migrate:up\nCREATE TABLE m" + std::to_string(i) + " (id int);\n");
    RunResult release = Run({"release"}, forms[i]);
    EXPECT_EQ(release.code, 0) << forms[i] << "\n" << release.all();
    EXPECT_TRUE(Contains(release.all(), "Applied 1 migration")) << release.all();
    RunResult status = Run({"migrate", "status", "--dir", Dir()}, forms[i]);
    EXPECT_EQ(status.code, 0) << forms[i] << "\n" << status.all();
    EXPECT_FALSE(Contains(release.all() + status.all(), server.password()));
  }
  EXPECT_EQ(HistoryCount(url + "?sslmode=require"), 3);
  EXPECT_EQ(Scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                   url + "?sslmode=require"),
            "t");

  Write("20240109000000_never.sql", "-- migrate:up\nCREATE TABLE never (id int);\n");
  RunResult plain = Run({"release"}, url + "?sslmode=disable");
  EXPECT_EQ(plain.code, 1) << plain.all();
  EXPECT_TRUE(Contains(plain.err, "no encryption")) << plain.err;
  EXPECT_FALSE(Contains(plain.all(), server.password())) << plain.all();
  EXPECT_FALSE(Exists("never", url + "?sslmode=require"));
}

}  // namespace
