#include "postgres/postgres_release_ledger.h"

#include <map>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <stdexcept>

#include "base/exit_codes.h"
#include "base/redactor.h"
#include "postgres/postgres_driver.h"

namespace {

const char kChannel[] = "slugwright_release_finished";

/// The row's columns as Read and List select them.
const char kColumns[] =
    "commit, attempt, state, service, run_id, "
    "to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), ''), "
    "coalesce(extract(epoch FROM finished_at - started_at), 0), applied, "
    "coalesce(failed_migration, ''), coalesce(error, ''), coalesce(taken_over_from, ''), "
    "array_to_json(waiters)::text";

ReleaseRecord RecordOf(const pqxx::row& row) {
  ReleaseRecord record;
  record.key.commit = row[0].c_str();
  record.key.attempt = row[1].as<int>();
  ParseReleaseState(row[2].c_str(), &record.state);
  record.service = row[3].c_str();
  record.run_id = row[4].c_str();
  record.started_at = row[5].c_str();
  record.finished_at = row[6].c_str();
  record.seconds = row[7].as<double>();
  record.applied = row[8].as<int>();
  record.failed_migration = row[9].c_str();
  record.error = row[10].c_str();
  record.taken_over_from = row[11].c_str();
  for (const auto& waiter : nlohmann::json::parse(row[12].c_str()))
    record.waiters.push_back(waiter.get<std::string>());
  return record;
}

}  // namespace

AdvisoryLockKeys ReleaseLockKeysFor(const HistoryTableName& history, const ReleaseKey& key) {
  uint32_t hash = 2166136261u;
  for (unsigned char c :
       history.Qualified() + "_releases\n" + key.commit + "\n" + std::to_string(key.attempt)) {
    hash ^= c;
    hash *= 16777619u;
  }
  return {0x72656c73, static_cast<int32_t>(hash & 0x7fffffffu)};
}

struct PostgresReleaseLedger::Impl {
  /// Wakes WaitForFinish. A member type, not a file-local one: Impl has
  /// external linkage, and a field of a file-local type in it is what GCC
  /// warns about (-Wsubobject-linkage) once a unity build includes this file.
  class FinishedReceiver : public pqxx::notification_receiver {
   public:
    FinishedReceiver(pqxx::connection_base& conn) : pqxx::notification_receiver(conn, kChannel) {}
    void operator()(const std::string&, int) override { ++received; }
    int received = 0;
  };

  DatabaseTarget target;
  HistoryTableName history;
  std::string application_name;
  const Redactor* redactor;
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<FinishedReceiver> receiver;
  bool allow_session_pooler = false;

  std::string Table() const {
    return "\"" + history.schema + "\".\"" + history.table + "_releases\"";
  }

  /// Runs `body`, turning a database failure into std::runtime_error with
  /// the scrubbed message.
  template <typename Body>
  auto Guarded(const std::string& doing, Body body) -> decltype(body()) {
    try {
      return body();
    } catch (const pqxx::failure& e) {
      std::string message = redactor->Scrub(e.what());
      while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
      throw std::runtime_error("the release ledger " + history.Qualified() + "_releases on " +
                               target.Describe() + ": " + doing + ": " + message);
    }
  }

  void Connect() {
    Guarded("connecting", [this] {
      std::map<std::string, std::string> settings = {{"application_name", application_name},
                                                     {"keepalives", "1"},
                                                     {"keepalives_idle", "30"},
                                                     {"keepalives_interval", "10"},
                                                     {"keepalives_count", "3"}};
      if (target.Get("connect_timeout").empty()) settings["connect_timeout"] = "15";
      conn = std::make_unique<pqxx::connection>(target.Conninfo(settings));
      // The server ends a vanished run's session, and the key lock with
      // it, within about a minute (as the driver's session does).
      pqxx::nontransaction work(*conn);
      pqxx::result pid = work.exec(std::string(ServerKeepaliveStatement()) +
                                   "; SELECT pg_backend_pid()");
      if (pid[0][0].as<int>() != conn->backendpid() &&
          !(allow_session_pooler &&
            work.exec("SELECT pg_backend_pid()")[0][0].as<int>() == pid[0][0].as<int>()))
        throw UserError(kExitUsage,
                        "refusing to coordinate releases through a connection pooler: " +
                            target.Describe() +
                            " is not a direct PostgreSQL session, and the release key's "
                            "lock and LISTEN need one. Use a direct URL for the release "
                            "phase (on Heroku, DATABASE_URL rather than "
                            "DATABASE_CONNECTION_POOL_URL), or --allow-session-pooler for a "
                            "pooler in session mode.");
    });
  }

  pqxx::result Exec(const std::string& doing, const std::string& sql) {
    return Guarded(doing, [&] {
      pqxx::nontransaction work(*conn);
      return work.exec(sql);
    });
  }

  template <typename... Args>
  pqxx::result Params(const std::string& doing, const std::string& sql, Args&&... args) {
    return Guarded(doing, [&] {
      pqxx::nontransaction work(*conn);
      return work.exec_params(sql, std::forward<Args>(args)...);
    });
  }

  bool Exists() {
    return !Exec("looking it up", "SELECT to_regclass(" + conn->quote(Table()) + ")")[0][0]
                .is_null();
  }
};

PostgresReleaseLedger::PostgresReleaseLedger(DatabaseTarget target, HistoryTableName history,
                                             std::string application_name,
                                             const Redactor* redactor)
    : impl_(new Impl{std::move(target), std::move(history), std::move(application_name),
                     redactor, nullptr, nullptr}) {}

PostgresReleaseLedger::~PostgresReleaseLedger() {
  impl_->receiver.reset();
  impl_->conn.reset();
}

std::string PostgresReleaseLedger::Describe() const {
  return impl_->history.Qualified() + "_releases on " + impl_->target.Describe();
}

void PostgresReleaseLedger::Open() {
  impl_->Connect();
  if (!impl_->Exists()) {
    try {
      impl_->Exec("creating it",
                  "CREATE TABLE IF NOT EXISTS " + impl_->Table() +
                      " (commit text NOT NULL, attempt integer NOT NULL, "
                      "state text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')), "
                      "service text NOT NULL, run_id text NOT NULL, "
                      "started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz, "
                      "applied integer NOT NULL DEFAULT 0, failed_migration text, error text, "
                      "taken_over_from text, waiters text[] NOT NULL DEFAULT '{}', "
                      "PRIMARY KEY (commit, attempt))");
    } catch (const std::runtime_error&) {
      // Runs that start together race to create it; one wins.
      if (!impl_->Exists()) throw;
    }
  }
  impl_->Guarded("listening", [this] {
    impl_->receiver = std::make_unique<Impl::FinishedReceiver>(*impl_->conn);
    impl_->conn->get_notifs();
  });
}

void PostgresReleaseLedger::set_allow_session_pooler(bool allow) {
  impl_->allow_session_pooler = allow;
}

bool PostgresReleaseLedger::OpenToRead() {
  impl_->Connect();
  return impl_->Exists();
}

bool PostgresReleaseLedger::Read(const ReleaseKey& key, ReleaseRecord* record) {
  pqxx::result rows =
      impl_->Params("reading the release", std::string("SELECT ") + kColumns + " FROM " +
                                               impl_->Table() +
                                               " WHERE commit = $1 AND attempt = $2",
                    key.commit, key.attempt);
  if (rows.empty()) return false;
  *record = RecordOf(rows[0]);
  return true;
}

std::vector<ReleaseRecord> PostgresReleaseLedger::List(const std::string& commit, int limit) {
  pqxx::result rows = impl_->Params(
      "listing releases",
      std::string("SELECT ") + kColumns + " FROM " + impl_->Table() +
          " WHERE $1 = '' OR commit = $1 ORDER BY started_at DESC, attempt DESC LIMIT $2",
      commit, limit);
  std::vector<ReleaseRecord> records;
  for (const auto& row : rows) records.push_back(RecordOf(row));
  return records;
}

int PostgresReleaseLedger::LatestAttempt(const std::string& commit) {
  return impl_
      ->Params("reading the latest attempt",
               "SELECT coalesce(max(attempt), 0) FROM " + impl_->Table() + " WHERE commit = $1",
               commit)[0][0]
      .as<int>();
}

bool PostgresReleaseLedger::TryLockKey(const ReleaseKey& key) {
  AdvisoryLockKeys keys = ReleaseLockKeysFor(impl_->history, key);
  return impl_->Params("locking the release", "SELECT pg_try_advisory_lock($1, $2)",
                       keys.classid, keys.objid)[0][0]
      .as<bool>();
}

void PostgresReleaseLedger::UnlockKey(const ReleaseKey& key) {
  AdvisoryLockKeys keys = ReleaseLockKeysFor(impl_->history, key);
  impl_->Params("unlocking the release", "SELECT pg_advisory_unlock($1, $2)", keys.classid,
                keys.objid);
}

void PostgresReleaseLedger::Start(const ReleaseKey& key, const std::string& service,
                                  const std::string& run_id,
                                  const std::string& taken_over_from) {
  impl_->Params("recording the start",
                "INSERT INTO " + impl_->Table() +
                    " (commit, attempt, state, service, run_id) VALUES ($1, $2, 'running', $3, "
                    "$4) ON CONFLICT (commit, attempt) DO UPDATE SET state = 'running', "
                    "service = $3, run_id = $4, started_at = now(), finished_at = NULL, "
                    "taken_over_from = NULLIF($5, '')",
                key.commit, key.attempt, service, run_id, taken_over_from);
}

bool PostgresReleaseLedger::Finish(const ReleaseKey& key, const std::string& run_id,
                                   const ReleaseResult& result) {
  auto record = [&] {
    return impl_->Guarded("recording the outcome", [&] {
      // One transaction: the waiters are woken as the outcome commits.
      pqxx::work work(*impl_->conn);
      pqxx::result updated = work.exec_params(
          "UPDATE " + impl_->Table() +
              " SET state = $3, finished_at = now(), applied = $4, "
              "failed_migration = NULLIF($5, ''), error = NULLIF($6, '') "
              "WHERE commit = $1 AND attempt = $2 AND run_id = $7 AND state = 'running'",
          key.commit, key.attempt, result.exit_code == kExitOk ? "succeeded" : "failed",
          result.applied, result.failed_migration, impl_->redactor->Scrub(result.error), run_id);
      if (updated.affected_rows() == 0) return false;
      work.exec_params("SELECT pg_notify($1, $2)", kChannel,
                       key.commit + " " + std::to_string(key.attempt));
      work.commit();
      return true;
    });
  };
  if (impl_->conn && impl_->conn->is_open()) {
    try {
      return record();
    } catch (const std::runtime_error&) {
      // A session the server ended (a restart, a timeout) fails here, or
      // at the next statement: either way it is replaced once below.
      if (impl_->conn->is_open()) throw;
    }
  }
  // The key's lock went with the lost session, so another run may have
  // taken the key over meanwhile: the UPDATE records only while the row is
  // still this run's.
  impl_->receiver.reset();
  impl_->conn.reset();
  impl_->Connect();
  return record();
}

void PostgresReleaseLedger::AddWaiter(const ReleaseKey& key, const std::string& service) {
  impl_->Params("recording a waiter",
                "UPDATE " + impl_->Table() +
                    " SET waiters = array_append(waiters, $3) WHERE commit = $1 AND attempt = $2",
                key.commit, key.attempt, service);
}

bool PostgresReleaseLedger::WaitForFinish(double seconds) {
  long whole = static_cast<long>(seconds);
  long micros = static_cast<long>((seconds - whole) * 1e6);
  return impl_->Guarded("waiting for a release to finish", [&] {
    int before = impl_->receiver->received;
    impl_->conn->await_notification(whole, micros);
    return impl_->receiver->received > before;
  });
}
