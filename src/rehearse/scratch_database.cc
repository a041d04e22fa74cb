#include "rehearse/scratch_database.h"

#include <ctime>
#include <future>

#include "base/exit_codes.h"
#include "base/redactor.h"
#include "base/text.h"
#include "postgres/local_postgres.h"
#include "postgres/sql_session.h"
#include "rehearse/rehearsal_copy.h"
#include "rehearse/rehearsal_events.h"

namespace {

/// The throwaway cluster: initdb, start and CREATE DATABASE rehearsal.
std::unique_ptr<LocalPostgres> StartRehearsalCluster(const std::string& encoding) {
  LocalPostgresOptions options;
  options.database = "postgres";
  options.settings = {"autovacuum = off", "shared_buffers = '128MB'",
                      "maintenance_work_mem = '256MB'", "max_wal_size = '4GB'",
                      "checkpoint_timeout = '30min'",
                      // The SQLSTATE of a `command:` tool's error, from the log
                      // (server_observer.h).
                      "log_error_verbosity = verbose",
                      // Whether a `command:` tool ever reached the copy.
                      "log_connections = on"};
  auto cluster = std::make_unique<LocalPostgres>(options);
  SqlSession session(cluster->SocketConninfo("postgres"));
  session.Query("CREATE DATABASE rehearsal TEMPLATE template0 ENCODING " +
                session.Quote(encoding.empty() ? "UTF8" : encoding) +
                " LC_COLLATE 'C' LC_CTYPE 'C'");
  return cluster;
}

/// The throwaway cluster's database `rehearsal`; the cluster goes with it.
/// The cluster starts in a thread of its own (about a second of initdb),
/// so that the dump, which needs only the source, runs meanwhile; the
/// first question about the database waits for it and rethrows what
/// stopped it from starting.
class EmbeddedScratchDatabase : public ScratchDatabase {
 public:
  EmbeddedScratchDatabase(const std::string& encoding, RehearsalEvents* events,
                          Redactor* redactor)
      : events_(events), redactor_(redactor),
        starting_(std::async(std::launch::async, StartRehearsalCluster, encoding)) {}
  ~EmbeddedScratchDatabase() override {
    if (starting_.valid()) {
      // Never asked for (the dump failed): it is removed once it is up.
      try {
        cluster_ = starting_.get();
      } catch (const std::exception&) {
        return;
      }
    }
    if (!cluster_) return;
    cluster_.reset();
    events_->ClusterRemoved();
  }
  DatabaseTarget Target() const override {
    return DatabaseTarget::Parse(Started().Url("rehearsal"));
  }
  std::string RestoreConninfo() const override { return Started().SocketConninfo("rehearsal"); }
  std::string RestorePassword() const override { return ""; }
  std::string Url() const override { return Started().Url("rehearsal"); }
  std::string ServerLogPath() const override { return Started().log_path(); }
  bool KnowsSsl(bool* ssl, std::string* error) const override {
    *ssl = Started().ssl();
    *error = Started().ssl_error();
    return true;
  }

 private:
  /// The running cluster, once started; its password and URL are secrets.
  const LocalPostgres& Started() const {
    if (!cluster_) {
      cluster_ = starting_.get();
      redactor_->AddSecret(cluster_->password());
      redactor_->AddSecret(cluster_->Url("rehearsal"));
    }
    return *cluster_;
  }

  RehearsalEvents* events_;
  Redactor* redactor_;
  mutable std::future<std::unique_ptr<LocalPostgres>> starting_;
  mutable std::unique_ptr<LocalPostgres> cluster_;
};

/// The connection string for the --into server's administrative sessions.
std::string AdminConninfo(const DatabaseTarget& server) {
  return server.Conninfo({{"application_name", "slugwright rehearse"}, {"connect_timeout", "15"}});
}

/// A database on the --into server under a unique name, dropped when this
/// goes away unless kept.
class IntoScratchDatabase : public ScratchDatabase {
 public:
  IntoScratchDatabase(const DatabaseTarget& server, int server_key, const std::string& encoding,
                      bool keep, RehearsalEvents* events, Redactor* redactor)
      : server_(server), server_key_(server_key), keep_(keep), events_(events),
        redactor_(redactor) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y%m%d_%H%M%S", std::gmtime(&now));
    name_ = std::string("slugwright_rehearsal_") + stamp + "_" + RandomHex(6);
    SqlSession session(AdminConninfo(server_));
    std::string create = "CREATE DATABASE " + session.QuoteName(name_) + " TEMPLATE template0";
    try {
      session.Query(create + (encoding.empty() ? "" : " ENCODING " + session.Quote(encoding)));
    } catch (const SqlSession::Error& e) {
      // The source's encoding may not suit the server's locale: its default.
      if (encoding.empty() || e.sqlstate == "42501") throw;
      session.Query(create);
    }
    url_ = PostgresUrlOf(Target());
    redactor_->AddSecret(url_);
    events_->ScratchCreated(name_, server_.Describe());
  }
  ~IntoScratchDatabase() override {
    if (keep_) {
      events_->ScratchKept(name_, Target().Describe());
      return;
    }
    try {
      Drop();
      events_->ScratchDropped(name_);
    } catch (const std::exception& e) {
      events_->ScratchNotDropped(name_, server_.Describe(), redactor_->Scrub(e.what()));
    }
  }
  DatabaseTarget Target() const override {
    return DatabaseTarget::Parse(server_.Conninfo({{"dbname", name_}}));
  }
  std::string RestoreConninfo() const override {
    return ChildConninfo(Target(), {{"application_name", "slugwright rehearse"}});
  }
  std::string RestorePassword() const override { return Target().password(); }
  std::string Url() const override { return url_; }

 private:
  void Drop() {
    SqlSession session(AdminConninfo(server_));
    if (server_key_ >= 1300) {
      session.Query("DROP DATABASE IF EXISTS " + session.QuoteName(name_) + " WITH (FORCE)");
      return;
    }
    session.Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
                  session.Quote(name_) + " AND pid <> pg_backend_pid()");
    session.Query("DROP DATABASE IF EXISTS " + session.QuoteName(name_));
  }

  DatabaseTarget server_;
  int server_key_;
  bool keep_;
  RehearsalEvents* events_;
  Redactor* redactor_;
  std::string name_;
  std::string url_;
};

}  // namespace

std::string PostgresUrlOf(const DatabaseTarget& t) {
  std::string host = t.Get("host");
  if (host.empty()) host = t.Get("hostaddr");
  std::string url = "postgres://" + PercentEncode(t.Get("user"));
  if (!t.password().empty()) url += ":" + PercentEncode(t.password());
  url += "@" + (host.find(':') != std::string::npos ? "[" + host + "]" : host);
  if (!t.Get("port").empty()) url += ":" + t.Get("port");
  url += "/" + PercentEncode(t.Get("dbname"));
  if (!t.Get("sslmode").empty()) url += "?sslmode=" + t.Get("sslmode");
  return url;
}

EmbeddedScratchServer::EmbeddedScratchServer(RehearsalEvents* events, Redactor* redactor)
    : events_(events), redactor_(redactor) {}

ScratchServer::Info EmbeddedScratchServer::Probe() {
  info_.embedded = true;
  info_.location = LocalPostgres::FindServerBinDir();
  ToolResult v = RunTool(info_.location + "/postgres", {"--version"}, {}, true, nullptr, nullptr,
                         nullptr);
  ParsePgVersion(v.out, &info_.version_key, &info_.version);
  return info_;
}

std::unique_ptr<ScratchDatabase> EmbeddedScratchServer::Create(const std::string& encoding) {
  events_->StartingCluster(info_.version_key);
  return std::make_unique<EmbeddedScratchDatabase>(encoding, events_, redactor_);
}

IntoScratchServer::IntoScratchServer(std::string url, bool keep, RehearsalEvents* events,
                                     Redactor* redactor)
    : url_(std::move(url)), keep_(keep), events_(events), redactor_(redactor) {}

ScratchServer::Info IntoScratchServer::Probe() {
  server_ = DatabaseTarget::Parse(url_);
  redactor_->AddSecret(url_);
  redactor_->AddSecret(server_.password());
  info_.embedded = false;
  info_.location = server_.Describe();
  try {
    SqlSession session(AdminConninfo(server_));
    auto row = session.Query("SELECT current_setting('server_version_num'), "
                             "current_setting('server_version')")
                   .at(0);
    info_.version_key = VersionKeyFromNum(std::stoi(row[0]));
    info_.version = row[1].substr(0, row[1].find(' '));
  } catch (const std::exception& e) {
    throw UserError(kExitUsage, "--into: could not connect to " + server_.Describe() + ": " +
                                    TrimRight(redactor_->Scrub(e.what())));
  }
  return info_;
}

std::unique_ptr<ScratchDatabase> IntoScratchServer::Create(const std::string& encoding) {
  return std::make_unique<IntoScratchDatabase>(server_, info_.version_key, encoding, keep_,
                                               events_, redactor_);
}
