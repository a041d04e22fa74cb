#ifndef SLUGWRIGHT_POSTGRES_POSTGRES_DRIVER_H_
#define SLUGWRIGHT_POSTGRES_POSTGRES_DRIVER_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <pqxx/connection>
#include <pqxx/result>
#include <string>
#include <vector>

#include "migrate/database_driver.h"
#include "postgres/database_url.h"
#include "postgres/history_table.h"

/// DatabaseDriver for PostgreSQL on libpqxx: one session plays every role
/// (the lock and the migrations share it), application_name identifying
/// the run, TCP keepalives so a dead peer's lock is released within
/// minutes. The methods below are grouped by the role that declares them.
class PostgresDriver : public DatabaseDriver {
 public:
  /// `redactor` scrubs every error message; `application_name` says who is
  /// running (truncated to 63 bytes by the server).
  PostgresDriver(DatabaseTarget target, HistoryTableName table,
                 std::string application_name, const Redactor* redactor);
  ~PostgresDriver() override;

  // Session (migrate/session.h).
  std::string Describe() const override;
  void Connect() override;
  void CheckSessionIsDirect(bool allow_session_pooler) override;
  /// Read in CheckSessionIsDirect's round trip, or with one SHOW if that
  /// did not run on this connection.
  bool StandardConformingStrings() override;
  void SetTimeouts(double lock_timeout, double statement_timeout) override;
  void ExecuteStatement(const std::string& sql) override;
  std::string BlockedBy() noexcept override;
  void Cancel() noexcept override;
  int queries_sent() const override { return queries_sent_; }

  // LockBackend (migrate/lock_backend.h).
  bool TryLock() override;
  bool Unlock() override;
  std::vector<LockHolder> LockHolders() override;
  bool LockHasWaiters() override;

  // HistoryStore (migrate/history_store.h).
  bool ReadHistory(std::vector<HistoryRow>* rows) override;
  /// Three columns of ReadHistory's rows, aggregated by the server into one field.
  bool ReadHistoryChecksums(std::vector<HistoryChecksum>* rows) override;
  void CreateHistoryTables() override;
  void Begin() override;
  void Commit() override;
  void Rollback() override;
  void ApplyUp(const Migration& migration, bool out_of_order, const RunInfo& run,
               Wrap wrap) override;
  void ApplyDown(const Migration& migration, const RunInfo& run, Wrap wrap) override;
  void StartUnfinished(const Migration& migration, int statements_total,
                       bool out_of_order, const RunInfo& run) override;
  void RecordProgress(int64_t version, int statements_done) override;
  void FinishUnfinished(const Migration& migration, const RunInfo& run) override;
  void FailUnfinished(const Migration& migration, int statements_done,
                      const std::string& error, const RunInfo& run) override;
  void ForgetMigration(const Migration& migration, const RunInfo& run) override;
  void RecordEvent(const std::string& event, int64_t version, const std::string& name,
                   const std::string& detail, const RunInfo& run) noexcept override;
  LostOutcome ReadOutcomeOnNewSession(int64_t version) noexcept override;

  // HistoryRepair (migrate/history_repair.h).
  void RecordRename(int64_t old_version, const Migration& renamed,
                    const RunInfo& run) override;
  void DeleteHistoryRow(int64_t version, const std::string& detail,
                        const RunInfo& run) override;
  void MarkApplied(int64_t version, const std::string& checksum,
                   const RunInfo& run) override;
  void UpdateChecksum(int64_t version, const std::string& checksum,
                      const RunInfo& run) override;
  void RecordAdopted(const Migration& migration, const std::string& detail,
                     const RunInfo& run) override;

  // ForeignTables (migrate/foreign_tables.h).
  std::map<std::string, std::vector<std::string>> ForeignTableColumns(
      const std::vector<std::string>& tables) override;
  std::vector<std::vector<std::string>> ReadForeignTable(
      const std::string& table, const std::vector<std::string>& columns) override;
  std::vector<std::string> OtherHistoryTables() override;

  // SchemaInspection (migrate/schema_inspection.h).
  std::vector<std::string> InvalidIndexes() override;
  std::vector<LockHolder> RelationLockHolders(const std::vector<SqlName>& relations) override;
  std::vector<std::vector<std::string>> Inspect(const std::string& sql) override;

 private:
  /// A result as text; a NULL reads as "" with its flag set.
  struct Rows {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::vector<bool>> nulls;
  };
  /// Sends one simple query (possibly several statements) and returns the
  /// last result as libpq holds it. Throws DatabaseError.
  /// `source_path` and `source_first_line` locate the SQL in a migration
  /// file, so an error's "LINE n" is reported as file:line.
  pqxx::result ExecResult(const std::string& sql, const std::string& source_path = "",
                          int source_first_line = 1);
  /// ExecResult of a query of the history table; false when the table (or
  /// its schema) does not exist. Throws DatabaseError otherwise.
  bool QueryHistory(const std::string& sql, pqxx::result* result);
  /// ExecResult's rows copied out as text. Throws DatabaseError.
  /// `source_path` and `source_first_line` locate the SQL in a migration
  /// file, so an error's "LINE n" is reported as file:line.
  Rows Exec(const std::string& sql, const std::string& source_path = "",
            int source_first_line = 1);
  /// Whether `result` (of `sql`) is the start of a COPY: the session is
  /// left copying and the statements after it have not run.
  static bool IsCopyStart(const pqxx::result& result, const std::string& sql);
  /// After a result that left the session copying (COPY FROM STDIN with no
  /// data, COPY TO STDOUT): ends the copy state and throws the error.
  [[noreturn]] void FailCopyState(const std::string& sql, const std::string& source_path,
                                  int source_first_line);
  std::string Quote(const std::string& text) const;
  std::string QuoteOrNull(const std::string& text) const;
  std::string EventInsert(const std::string& event, int64_t version,
                          const std::string& name, const std::string& detail,
                          const RunInfo& run) const;
  std::string HistoryInsert(const Migration& migration, const char* state,
                            bool in_transaction, int statements_total,
                            bool out_of_order, const RunInfo& run) const;
  [[noreturn]] void Rethrow(const std::exception& e, const std::string& source_path,
                            int sql_first_line) const;

  DatabaseTarget target_;
  HistoryTableName table_name_;
  AdvisoryLockKeys keys_;
  std::string application_name_;
  const Redactor* redactor_;
  std::string history_;  // quoted "schema"."table"
  std::string events_;   // quoted "schema"."table_events"
  /// Guards the connection's lifetime against Cancel() from another thread.
  std::mutex connection_mutex_;
  std::unique_ptr<pqxx::connection> conn_;
  std::atomic<int> queries_sent_{0};
  /// Set once the session is lost: libpqxx 6 would quietly reconnect on
  /// the next query, to a new session that does not hold the migration
  /// lock, so every later query fails instead.
  bool session_lost_ = false;
  /// "SET lock_timeout = ...; SET statement_timeout = ...; " as last set by
  /// SetTimeouts() ("" before), sent again ahead of each migration; one
  /// line, so the server's LINE numbers stay the SQL's.
  std::string timeout_prefix_;
  /// This session's backend, for ReadOutcomeOnNewSession().
  int backend_pid_ = 0;
  /// The run_id of the last migration sent, for ReadOutcomeOnNewSession():
  /// a history row of another run is not this run's commit.
  std::string last_run_id_;
  /// standard_conforming_strings of this connection: -1 not read yet, 0 off, 1 on.
  int standard_conforming_strings_ = -1;
  /// A migration sent since the last restore names the setting (a `SET`,
  /// set_config): it may have changed it for the session.
  bool standard_conforming_strings_changed_ = false;
  /// The files are split with the value read at connect (and each file's
  /// own SETs from there on), so ApplyUp, ApplyDown and StartUnfinished
  /// set it back to that value first when the migration before may have
  /// changed it: no migration changes how the next one's strings are read.
  void NoteIfItSetsStandardConformingStrings(const std::string& sql);
  void RestoreStandardConformingStrings();
};

/// Sets the server's side of a session to notice a client that vanished
/// (TCP keepalives, tcp_user_timeout, and during a long statement
/// client_connection_check_interval, where the server has them): one
/// statement, so that a dead runner's session and its locks end within
/// about a minute rather than the kernel's two hours.
const char* ServerKeepaliveStatement();

#endif  // SLUGWRIGHT_POSTGRES_POSTGRES_DRIVER_H_
