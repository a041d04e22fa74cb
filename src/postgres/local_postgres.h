#ifndef SLUGWRIGHT_POSTGRES_LOCAL_POSTGRES_H_
#define SLUGWRIGHT_POSTGRES_LOCAL_POSTGRES_H_

#include <memory>
#include <string>
#include <vector>

class LocalPostgresGuard;

/// How to set up a throwaway PostgreSQL cluster.
struct LocalPostgresOptions {
  /// Durability costs time and buys nothing for a cluster that is deleted
  /// at the end; turn it on to measure realistic commit costs.
  bool fsync = false;
  /// The superuser created by initdb. It logs in with `password` over TCP
  /// (scram-sha-256) and without one over the private unix socket.
  std::string user = "slugwright";
  /// Empty: a random one is generated.
  std::string password;
  /// A database created at start, owned by `user`.
  std::string database = "slugwright";
  /// Extra `name = value` lines for postgresql.conf, e.g.
  /// "log_statement = 'all'".
  std::vector<std::string> settings;
  /// Where the temporary directory goes; empty: $TMPDIR or /tmp.
  std::string parent_dir;
  /// Serve SSL, as Heroku Postgres does, with a throwaway self-signed
  /// certificate made in the temporary directory (by the `openssl` program)
  /// and removed with it. When no certificate can be made the server runs
  /// without SSL, and ssl_error() says why.
  bool ssl = true;
};

/// A PostgreSQL server of its own, started in a fresh temporary directory
/// and removed with it: for tests, benchmarks and `slugwright simulate
/// --release`. It listens on 127.0.0.1 on a free port and on a unix socket
/// in its own directory, so it never meets another server.
///
/// The server binaries are the newest /usr/lib/postgresql/*/bin, or
/// `pg_config --bindir`. PostgreSQL refuses to run as root, so under root
/// initdb and the server run as the `postgres` user, which owns the
/// directory.
///
/// A guard process (local_postgres_guard.h) stops the server and removes
/// the directory if this process ends without running the destructor
/// (SIGPIPE, SIGHUP, SIGKILL, ...).
class LocalPostgres {
 public:
  /// Runs initdb and starts the server; returns once it accepts
  /// connections. Throws UserError(kExitUsage) when the server binaries are
  /// missing, std::runtime_error (with the server log's tail) when it does
  /// not start.
  explicit LocalPostgres(const LocalPostgresOptions& options = {});
  /// Stops the server (fast shutdown: open sessions are ended) and removes
  /// the directory.
  ~LocalPostgres();
  LocalPostgres(const LocalPostgres&) = delete;
  LocalPostgres& operator=(const LocalPostgres&) = delete;

  /// `postgres://user:password@127.0.0.1:PORT/database` (the default
  /// database when `database` is empty), in the form Heroku gives
  /// DATABASE_URL.
  std::string Url(const std::string& database = "") const;
  /// A libpq connection string for the unix socket (no password needed).
  std::string SocketConninfo(const std::string& database = "") const;
  /// Creates a database owned by the superuser; returns its URL.
  std::string CreateDatabase(const std::string& name);
  /// Drops a database, ending its sessions first.
  void DropDatabase(const std::string& name);
  /// Runs SQL as the superuser over the unix socket (test setup).
  void Execute(const std::string& database, const std::string& sql);
  /// Stops the server and starts it again on the same port: `immediate`
  /// stops it as a crash would (no shutdown checkpoint, recovery at
  /// start), otherwise a fast shutdown ends the open sessions. Throws
  /// std::runtime_error when it does not come back.
  void Restart(bool immediate = false);

  int port() const { return port_; }
  const std::string& user() const { return user_; }
  const std::string& password() const { return password_; }
  const std::string& database() const { return database_; }
  /// The temporary directory holding data/, the socket and server.log.
  const std::string& dir() const { return dir_; }
  /// The server's log file (stderr of the postmaster).
  std::string log_path() const { return dir_ + "/server.log"; }
  /// The directory holding initdb, pg_ctl and postgres.
  const std::string& bin_dir() const { return bin_dir_; }
  /// The server accepts SSL connections (clients choose: libpq's default
  /// `prefer` and `sslmode=require` encrypt, `disable` does not). Its
  /// certificate is self-signed, so a client that verifies it (libpq
  /// `verify-ca`, node's `rejectUnauthorized: true`) refuses it.
  bool ssl() const { return ssl_; }
  /// Why the server serves no SSL ("" when it does, or was not asked to).
  const std::string& ssl_error() const { return ssl_error_; }

  /// The directory of the newest server binaries, or throws
  /// UserError(kExitUsage) naming the Debian package to install.
  static std::string FindServerBinDir();

 private:
  void Initdb(const LocalPostgresOptions& options);
  /// Makes server.key and server.crt in the directory, owned by the
  /// server's account; sets ssl_ or ssl_error_.
  void MakeCertificate();
  void WriteConfig(const LocalPostgresOptions& options);
  /// Returns false when the server did not start (e.g. the port was taken
  /// between choosing it and binding it).
  bool Start();
  void Stop();
  /// Runs a server program, as `postgres` under root, with output appended
  /// to the log. Returns its exit status.
  int RunServerProgram(const std::vector<std::string>& argv);

  std::string bin_dir_;
  std::string dir_;
  /// Cleans up if this process dies first; destroyed after the
  /// destructor's own cleanup.
  std::unique_ptr<LocalPostgresGuard> guard_;
  std::string user_;
  std::string password_;
  std::string database_;
  int port_ = 0;
  bool running_ = false;
  bool ssl_ = false;
  std::string ssl_error_;
  /// Under root: the `postgres` account the server runs as.
  bool drop_privileges_ = false;
  unsigned run_as_uid_ = 0;
  unsigned run_as_gid_ = 0;
};

#endif  // SLUGWRIGHT_POSTGRES_LOCAL_POSTGRES_H_
