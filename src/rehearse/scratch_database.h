#ifndef SLUGWRIGHT_REHEARSE_SCRATCH_DATABASE_H_
#define SLUGWRIGHT_REHEARSE_SCRATCH_DATABASE_H_

// The scratch half of `slugwright rehearse`: where the copy goes. Either a
// throwaway LocalPostgres cluster (the default) or a new, uniquely named
// database on the --into server; created for one rehearsal and removed
// when it is released, on every path.

#include <memory>
#include <string>

#include "postgres/database_url.h"

class RehearsalEvents;
class LocalPostgres;
class Redactor;

/// The scratch database, while it exists. Destroying it removes it (or,
/// with --keep, says where it was kept). Abstract so the Rehearser can be
/// tested without a server.
class ScratchDatabase {
 public:
  virtual ~ScratchDatabase() = default;
  /// The database the migrations are applied to.
  virtual DatabaseTarget Target() const = 0;
  /// The libpq connection string pg_restore gets (no password), and the
  /// password it gets in PGPASSWORD (may be empty).
  virtual std::string RestoreConninfo() const = 0;
  virtual std::string RestorePassword() const = 0;
  /// The postgres:// URL hooks get as DATABASE_URL (registered as a secret).
  virtual std::string Url() const = 0;
  /// The server's log file when slugwright runs the server (the embedded
  /// cluster logs errors with their SQLSTATE); "" otherwise.
  virtual std::string ServerLogPath() const { return ""; }
  /// Whether the server serves SSL (`*ssl`), and why not (`*error`);
  /// false when not known (--into).
  virtual bool KnowsSsl(bool* ssl, std::string* error) const {
    (void)ssl;
    (void)error;
    return false;
  }
};

/// The server a scratch database is created on.
class ScratchServer {
 public:
  /// What the server is, known before anything is created.
  struct Info {
    /// The throwaway cluster (true) or the --into server.
    bool embedded = true;
    /// VersionKeyFromNum's key (1600) and the version text ("16.2").
    int version_key = 0;
    std::string version;
    /// The embedded server's bin directory, or the --into server's
    /// description (user@host:port/db).
    std::string location;
  };

  virtual ~ScratchServer() = default;
  /// Finds the server and reads its version. Throws UserError(kExitUsage)
  /// when there is none (no server binaries, an unreachable --into).
  virtual Info Probe() = 0;
  /// Creates the scratch database (the source's `encoding` where the
  /// server allows it) after Probe().
  virtual std::unique_ptr<ScratchDatabase> Create(const std::string& encoding) = 0;
};

/// A throwaway LocalPostgres cluster holding a database `rehearsal`.
class EmbeddedScratchServer : public ScratchServer {
 public:
  EmbeddedScratchServer(RehearsalEvents* events, Redactor* redactor);
  Info Probe() override;
  std::unique_ptr<ScratchDatabase> Create(const std::string& encoding) override;

 private:
  RehearsalEvents* events_;
  Redactor* redactor_;
  Info info_;
};

/// A new database named slugwright_rehearsal_<UTC time>_<random> on the
/// server of `url`, dropped afterwards unless `keep`.
class IntoScratchServer : public ScratchServer {
 public:
  IntoScratchServer(std::string url, bool keep, RehearsalEvents* events, Redactor* redactor);
  Info Probe() override;
  std::unique_ptr<ScratchDatabase> Create(const std::string& encoding) override;

 private:
  std::string url_;
  bool keep_;
  RehearsalEvents* events_;
  Redactor* redactor_;
  DatabaseTarget server_;
  Info info_;
};

/// postgres://user:password@host:port/dbname?sslmode=... for a target.
std::string PostgresUrlOf(const DatabaseTarget& target);

#endif  // SLUGWRIGHT_REHEARSE_SCRATCH_DATABASE_H_
