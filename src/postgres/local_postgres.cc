#include "postgres/local_postgres.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/filesystem.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "base/child_environment.h"
#include "base/exit_codes.h"
#include "base/subprocess.h"
#include "base/text.h"
#include "postgres/database_url.h"
#include "postgres/local_postgres_guard.h"

namespace fs = boost::filesystem;

namespace {

bool IsExecutable(const std::string& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

/// The version number of /usr/lib/postgresql/<N>/bin, for picking the newest.
double VersionOfDirName(const std::string& name) {
  char* end = nullptr;
  double version = std::strtod(name.c_str(), &end);
  return end == name.c_str() ? -1 : version;
}

/// The first line `pg_config --bindir` prints, or "" without pg_config.
std::string PgConfigBinDir() {
  SubprocessRequest request;
  request.argv = {FindInPath("pg_config"), "--bindir"};
  if (request.argv[0].empty()) return "";
  request.stdout_to = SubprocessOutput::Capture();
  request.stderr_to = SubprocessOutput::Discard();
  std::string output = DefaultProcessSpawner()->Run(request).out;
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r'))
    output.pop_back();
  return output;
}

/// Asks the kernel for a free TCP port on 127.0.0.1. Another process may
/// take it before the server binds it; Start() then reports failure and
/// the caller picks another.
int FindFreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket: " + std::string(strerror(errno)));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    ::close(fd);
    throw std::runtime_error("finding a free port: " + std::string(strerror(err)));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string RandomPassword() {
  static const char kAlphabet[] =
      "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::random_device device;
  std::uniform_int_distribution<size_t> pick(0, sizeof kAlphabet - 2);
  std::string password = "pw-";
  for (int i = 0; i < 24; ++i) password += kAlphabet[pick(device)];
  return password;
}

std::string ReadTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.size() > max_bytes) text = "..." + text.substr(text.size() - max_bytes);
  return text;
}

void ChownTree(const std::string& path, uid_t uid, gid_t gid) {
  if (::chown(path.c_str(), uid, gid) != 0)
    throw std::runtime_error("chown " + path + ": " + strerror(errno));
}

}  // namespace

std::string LocalPostgres::FindServerBinDir() {
  std::string best;
  double best_version = -1;
  boost::system::error_code ec;
  for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end;
       it.increment(ec)) {
    std::string bin = it->path().string() + "/bin";
    double version = VersionOfDirName(it->path().filename().string());
    if (version > best_version && IsExecutable(bin + "/initdb") &&
        IsExecutable(bin + "/pg_ctl") && IsExecutable(bin + "/postgres")) {
      best = bin;
      best_version = version;
    }
  }
  if (!best.empty()) return best;
  std::string bindir = PgConfigBinDir();
  if (!bindir.empty() && IsExecutable(bindir + "/initdb") &&
      IsExecutable(bindir + "/pg_ctl"))
    return bindir;
  throw UserError(kExitUsage,
                  "no PostgreSQL server binaries (initdb, pg_ctl) found in "
                  "/usr/lib/postgresql/*/bin or `pg_config --bindir`; install "
                  "the Debian package `postgresql` (e.g. apt-get install "
                  "postgresql-15) to run a throwaway database");
}

LocalPostgres::LocalPostgres(const LocalPostgresOptions& options)
    : bin_dir_(FindServerBinDir()),
      user_(options.user),
      password_(options.password.empty() ? RandomPassword() : options.password),
      database_(options.database.empty() ? "postgres" : options.database) {
  if (::geteuid() == 0) {
    struct passwd* pw = ::getpwnam("postgres");
    if (!pw)
      throw UserError(kExitUsage,
                      "running as root, but there is no `postgres` user to run "
                      "the throwaway PostgreSQL server as (it refuses root); "
                      "install the Debian package `postgresql`");
    drop_privileges_ = true;
    run_as_uid_ = pw->pw_uid;
    run_as_gid_ = pw->pw_gid;
  }

  std::string parent = options.parent_dir;
  if (parent.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    parent = tmp && *tmp ? tmp : "/tmp";
  }
  // The guard makes the directory: a signal on another thread (the dump's
  // progress hitting SIGPIPE) cannot leave it behind.
  guard_ = LocalPostgresGuard::ForNewDirectory(parent, "slugwright-pg-");
  dir_ = guard_->dir();

  try {
    if (drop_privileges_) ChownTree(dir_, run_as_uid_, run_as_gid_);
    Initdb(options);
    if (options.ssl) MakeCertificate();
    bool started = false;
    for (int attempt = 0; attempt < 5 && !started; ++attempt) {
      port_ = FindFreePort();
      WriteConfig(options);
      started = Start();
    }
    if (!started)
      throw std::runtime_error("the throwaway PostgreSQL server did not start; "
                               "its log ends with:\n" +
                               ReadTail(log_path(), 3000) +
                               ReadTail(dir_ + "/tools.log", 2000));
    if (database_ != "postgres") CreateDatabase(database_);
  } catch (...) {
    Stop();
    boost::system::error_code ignored;
    fs::remove_all(dir_, ignored);
    throw;
  }
}

LocalPostgres::~LocalPostgres() {
  Stop();
  boost::system::error_code ignored;
  fs::remove_all(dir_, ignored);
}

int LocalPostgres::RunServerProgram(const std::vector<std::string>& argv) {
  std::string log = dir_ + "/tools.log";
  SubprocessRequest request;
  request.argv = argv;
  // The caller's PG* variables (PGPORT, PGDATA, ...) and locale must not
  // leak into the throwaway cluster's tools.
  std::map<std::string, std::string> env = ChildEnvironmentVariables({});
  for (auto it = env.begin(); it != env.end();) {
    const std::string& name = it->first;
    if (name.rfind("PG", 0) == 0 || name.rfind("LC_", 0) == 0 || name == "LANG")
      it = env.erase(it);
    else
      ++it;
  }
  env["LC_ALL"] = "C";
  request.env = std::move(env);
  request.working_dir = dir_;
  if (drop_privileges_) {
    request.run_as_uid = run_as_uid_;
    request.run_as_gid = run_as_gid_;
  }

  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("opening " + log + ": " + strerror(errno));
  if (drop_privileges_) (void)::fchown(log_fd, run_as_uid_, run_as_gid_);
  request.stdout_to = SubprocessOutput::ToFd(log_fd);
  request.stderr_to = SubprocessOutput::ToFd(log_fd);
  SubprocessResult result = DefaultProcessSpawner()->Run(request);
  if (result.failed_to_start) {
    // Said in the log, whose tail the caller's error shows.
    std::string line = "could not start " + argv[0] + ": " + result.start_error + "\n";
    (void)!::write(log_fd, line.data(), line.size());
  }
  ::close(log_fd);
  return result.ExitCode();
}

void LocalPostgres::Initdb(const LocalPostgresOptions& options) {
  std::string pwfile = dir_ + "/pwfile";
  {
    int fd = ::open(pwfile.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("writing " + pwfile + ": " + strerror(errno));
    std::string line = password_ + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    if (drop_privileges_) (void)::fchown(fd, run_as_uid_, run_as_gid_);
    ::close(fd);
    if (!ok) throw std::runtime_error("writing " + pwfile);
  }
  std::vector<std::string> argv = {
      bin_dir_ + "/initdb", "--pgdata=" + dir_ + "/data", "--username=" + user_,
      "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
      "--encoding=UTF8", "--locale=C", "--no-instructions"};
  if (!options.fsync) argv.push_back("--no-sync");
  int status = RunServerProgram(argv);
  ::unlink(pwfile.c_str());
  if (status != 0)
    throw std::runtime_error("initdb failed (exit " + std::to_string(status) +
                             "):\n" + ReadTail(dir_ + "/tools.log", 3000));
}

void LocalPostgres::MakeCertificate() {
  std::string openssl = FindInPath("openssl");
  if (openssl.empty()) {
    ssl_error_ = "no `openssl` program to make its certificate with (Debian package openssl)";
    return;
  }
  // A P-256 key is made at once; the certificate lives as long as the
  // cluster, which never outlives a day.
  int status = RunServerProgram({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                 "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                                 "/CN=localhost", "-keyout", dir_ + "/server.key", "-out",
                                 dir_ + "/server.crt"});
  // PostgreSQL refuses a key that others can read.
  if (status == 0 && ::chmod((dir_ + "/server.key").c_str(), 0600) == 0) {
    ssl_ = true;
    return;
  }
  ssl_error_ = "`openssl req` could not make its certificate (exit " + std::to_string(status) +
               "): " + ReadTail(dir_ + "/tools.log", 500);
}

void LocalPostgres::WriteConfig(const LocalPostgresOptions& options) {
  // postgresql.auto.conf is read after postgresql.conf, so rewriting it
  // (for another port after a failed start) replaces the earlier values.
  std::string path = dir_ + "/data/postgresql.auto.conf";
  std::ofstream conf(path, std::ios::trunc);
  conf << "# Written by slugwright's LocalPostgres: a throwaway cluster.\n"
       << "listen_addresses = '127.0.0.1'\n"
       << "port = " << port_ << "\n"
       << "unix_socket_directories = '" << dir_ << "'\n"
       << "password_encryption = 'scram-sha-256'\n"
       << "max_connections = 100\n"
       << "shared_buffers = '32MB'\n"
       << "logging_collector = off\n"
       << "log_line_prefix = '%m [%p] %q%a '\n";
  if (ssl_)
    conf << "ssl = on\n"
         << "ssl_cert_file = '" << dir_ << "/server.crt'\n"
         << "ssl_key_file = '" << dir_ << "/server.key'\n";
  if (!options.fsync) {
    conf << "fsync = off\n"
         << "synchronous_commit = off\n"
         << "full_page_writes = off\n";
  }
  for (const std::string& setting : options.settings) conf << setting << "\n";
  conf.close();
  if (!conf) throw std::runtime_error("writing " + path);
  if (drop_privileges_) ChownTree(path, run_as_uid_, run_as_gid_);
}

bool LocalPostgres::Start() {
  int status = RunServerProgram({bin_dir_ + "/pg_ctl", "--pgdata=" + dir_ + "/data",
                                 "--log=" + log_path(), "--wait", "--timeout=60",
                                 "--silent", "start"});
  running_ = status == 0;
  return running_;
}

void LocalPostgres::Stop() {
  if (dir_.empty() || !fs::exists(dir_ + "/data/postmaster.pid")) {
    running_ = false;
    return;
  }
  int status = RunServerProgram({bin_dir_ + "/pg_ctl", "--pgdata=" + dir_ + "/data",
                                 "--mode=fast", "--wait", "--timeout=30",
                                 "--silent", "stop"});
  if (status != 0) {
    // The server did not stop in time: end it without a checkpoint.
    std::ifstream pid_file(dir_ + "/data/postmaster.pid");
    long pid = 0;
    if (pid_file >> pid && pid > 0) {
      ::kill(static_cast<pid_t>(pid), SIGQUIT);
      for (int i = 0; i < 100 && ::kill(static_cast<pid_t>(pid), 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  running_ = false;
}

void LocalPostgres::Restart(bool immediate) {
  RunServerProgram({bin_dir_ + "/pg_ctl", "--pgdata=" + dir_ + "/data",
                    std::string("--mode=") + (immediate ? "immediate" : "fast"), "--wait",
                    "--timeout=30", "--silent", "stop"});
  running_ = false;
  if (!Start())
    throw std::runtime_error("the throwaway PostgreSQL server did not restart; its log "
                             "ends with:\n" + ReadTail(log_path(), 3000));
}

std::string LocalPostgres::Url(const std::string& database) const {
  return "postgres://" + PercentEncode(user_) + ":" + PercentEncode(password_) +
         "@127.0.0.1:" + std::to_string(port_) + "/" +
         PercentEncode(database.empty() ? database_ : database);
}

std::string LocalPostgres::SocketConninfo(const std::string& database) const {
  return "host=" + QuoteConninfoValue(dir_) + " port=" + std::to_string(port_) +
         " user=" + QuoteConninfoValue(user_) +
         " dbname=" + QuoteConninfoValue(database.empty() ? database_ : database);
}

void LocalPostgres::Execute(const std::string& database,
                                       const std::string& sql) {
  pqxx::connection conn(SocketConninfo(database));
  pqxx::nontransaction work(conn);
  work.exec(sql);
}

std::string LocalPostgres::CreateDatabase(const std::string& name) {
  pqxx::connection conn(SocketConninfo("postgres"));
  pqxx::nontransaction work(conn);
  work.exec("CREATE DATABASE " + conn.quote_name(name));
  return Url(name);
}

void LocalPostgres::DropDatabase(const std::string& name) {
  pqxx::connection conn(SocketConninfo("postgres"));
  pqxx::nontransaction work(conn);
  work.exec("DROP DATABASE IF EXISTS " + conn.quote_name(name) + " WITH (FORCE)");
}
