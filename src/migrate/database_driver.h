#ifndef SLUGWRIGHT_MIGRATE_DATABASE_DRIVER_H_
#define SLUGWRIGHT_MIGRATE_DATABASE_DRIVER_H_

// How to implement a database driver
//
// 1. Subclass DatabaseDriver (below) in the folder that may include the
//    database's client library (for PostgreSQL: src/postgres/, the only
//    folder allowed libpq/libpqxx; see postgres_driver.h). The Migrator and
//    MigrationLock reach the database through nothing else.
// 2. Keep one session from Connect() to the end: the migration lock is a
//    session lock, and the migrations run on the session that holds it.
//    Never reconnect quietly; once the session is lost, fail every call
//    with DatabaseError(connection_lost = true).
// 3. Report every database failure as DatabaseError with the server's
//    SQLSTATE ("55P03" for lock_timeout, "57014" for a cancelled statement:
//    the Migrator's retries and messages depend on them) and a message
//    scrubbed of the password (base/redactor.h). Describe() never shows it.
// 4. Write each history row in the same transaction as its migration's SQL
//    (ApplyUp/ApplyDown), and record progress of non-transactional
//    migrations after each statement, so a killed run leaves a history that
//    says what the schema holds.
// 5. Make TryLock a single non-blocking attempt: slugwright polls, so no
//    session ever queues on the lock (LockHasWaiters stays false).
// 6. Follow each method's comment below; where it says "never throws",
//    catch everything.
// 7. Run the contract suite: testing/driver_contract.h holds one set of
//    checks of this interface; instantiate DatabaseDriverContract with your
//    driver (as postgres/postgres_driver_contract_pg_test.cc does for
//    PostgresDriver and migrate/fake_driver_contract_test.cc for the fake)
//    and make it pass.

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "migrate/migration.h"
#include "migrate/migration_history.h"

/// Who is running, recorded with every history row and event.
struct RunInfo {
  /// Random, unique per run: groups the events of one run.
  std::string run_id;
  /// HEROKU_RELEASE_VERSION ("v42") and HEROKU_APP_NAME, where set.
  std::string release;
  std::string app;
  /// "slugwright 0.1.0".
  std::string runner;
};

/// A failure reported by the database or the connection. The message is
/// already scrubbed of the password.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(const std::string& message, const std::string& sqlstate,
                bool connection_lost)
      : std::runtime_error(message), sqlstate_(sqlstate),
        connection_lost_(connection_lost) {}
  /// The SQLSTATE, e.g. "55P03" (lock_not_available), "57014"
  /// (query_canceled); empty when the server sent none.
  const std::string& sqlstate() const { return sqlstate_; }
  /// The session is gone (killed, network, server restart).
  bool connection_lost() const { return connection_lost_; }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

/// The session holding the migration lock, for "waiting for ..." messages.
struct LockHolder {
  int pid = 0;
  std::string application_name;
  /// When its session started (ISO 8601, UTC).
  std::string backend_start;
  /// pg_stat_activity.state and the start of its current query.
  std::string state;
  std::string query_start;
};

/// Where migrations are applied. The Migrator talks to the database only
/// through this interface; PostgresDriver implements it with libpqxx.
/// Every method throws DatabaseError for a database failure.
class DatabaseDriver {
 public:
  /// How an apply or revert is wrapped.
  enum class Wrap {
    /// BEGIN and COMMIT are sent with the SQL in one round trip; on error
    /// the transaction is rolled back before the call throws.
    kOwnTransaction,
    /// The caller opened a transaction with Begin() (transaction: all).
    kInOpenTransaction,
  };

  virtual ~DatabaseDriver() = default;

  /// "user@host:port/db", no password.
  virtual std::string Describe() const = 0;
  virtual void Connect() = 0;
  /// Refuses to go on (UserError(kExitUsage), with the reason and the fix)
  /// when the session goes through a connection pooler that cannot keep a
  /// session advisory lock, i.e. PgBouncer in transaction mode.
  virtual void CheckSessionIsDirect(bool allow_session_pooler) = 0;
  /// The session's standard_conforming_strings, after Connect: false on a
  /// server or database set to `off`, where a backslash escapes the next
  /// character inside '...' too (SplitSql must lex the files that way).
  virtual bool StandardConformingStrings() { return true; }

  /// One non-blocking attempt at the session-level migration lock.
  virtual bool TryLock() = 0;
  /// Releases it; false when this session did not hold it.
  virtual bool Unlock() = 0;
  /// The sessions holding the lock (usually one).
  virtual std::vector<LockHolder> LockHolders() = 0;
  /// True when any session is queued waiting for the lock (there should
  /// never be one: slugwright only polls).
  virtual bool LockHasWaiters() = 0;

  /// Every history row, in version order, in one SELECT. Returns false
  /// (and no rows) when the history table does not exist yet.
  virtual bool ReadHistory(std::vector<HistoryRow>* rows) = 0;
  /// Creates the history and event tables (and schema) if missing. Called
  /// under the lock.
  virtual void CreateHistoryTables() = 0;
  /// Sets lock_timeout and statement_timeout (seconds, 0 = none) for the
  /// statements that follow, and remembers them: ApplyUp, ApplyDown and
  /// StartUnfinished set them again first (in the same round trip), so a
  /// migration that changes them (a pasted `SET lock_timeout = 0;`) does
  /// not change them for the next one.
  virtual void SetTimeouts(double lock_timeout, double statement_timeout) = 0;
  /// Other slugwright history tables on this database (qualified names):
  /// a second runner configured with another `table:` would apply every
  /// migration again.
  virtual std::vector<std::string> OtherHistoryTables() = 0;

  virtual void Begin() = 0;
  virtual void Commit() = 0;
  /// Never throws; a lost connection rolls back on its own.
  virtual void Rollback() = 0;

  /// Runs a transactional migration's up SQL and writes its history row and
  /// an `applied` event, with no other round trip. Every statement's outcome
  /// is checked: one that leaves the session in a COPY state (COPY FROM
  /// STDIN without data) is an error naming it, and the session is usable
  /// again (the transaction rolled back) when the call throws.
  virtual void ApplyUp(const Migration& migration, bool out_of_order,
                       const RunInfo& run, Wrap wrap) = 0;
  /// Runs a transactional down SQL and deletes the history row, logging a
  /// `reverted` event.
  virtual void ApplyDown(const Migration& migration, const RunInfo& run,
                         Wrap wrap) = 0;

  /// Non-transactional migrations: each statement on its own, progress in
  /// the history row so a killed run leaves a visible state.
  virtual void StartUnfinished(const Migration& migration, int statements_total,
                               bool out_of_order, const RunInfo& run) = 0;
  /// Sends one statement alone (autocommit).
  virtual void ExecuteStatement(const std::string& sql) = 0;
  virtual void RecordProgress(int64_t version, int statements_done) = 0;
  virtual void FinishUnfinished(const Migration& migration, const RunInfo& run) = 0;
  /// Marks the row failed with the error; with `statements_done` 0 (nothing
  /// applied) the row is deleted instead so the migration is pending again.
  virtual void FailUnfinished(const Migration& migration, int statements_done,
                              const std::string& error, const RunInfo& run) = 0;
  /// After a non-transactional down section: deletes the history row.
  virtual void ForgetMigration(const Migration& migration, const RunInfo& run) = 0;

  /// What a lost connection left of `version`, read on a new session of its
  /// own (no lock, nothing written, closed at once): after the session was
  /// lost with a COMMIT in flight, whether the server committed it.
  enum class LostOutcome { kUnknown, kRolledBack, kApplied, kAppliedByAnotherRun };
  /// kApplied when the history row is there and applied, kRolledBack when
  /// there is none, kUnknown when the server cannot be reached. Never throws.
  /// kAppliedByAnotherRun when the row is another run's (the lock passed to
  /// a waiting release while this one was cut off, and the link came
  /// back): this run's transaction was rolled back.
  virtual LostOutcome ReadOutcomeOnNewSession(int64_t version) noexcept = 0;

  /// `migrate repair --renamed`: moves the applied row of `old_version`
  /// (whose file is gone) to `renamed`'s version and name, logging a
  /// `repaired` event.
  virtual void RecordRename(int64_t old_version, const Migration& renamed,
                            const RunInfo& run) = 0;
  /// `migrate repair`: deletes an unfinished row, marks one applied, or
  /// replaces an applied row's checksum; each logs a `repaired` event.
  virtual void DeleteHistoryRow(int64_t version, const std::string& detail,
                                const RunInfo& run) = 0;
  virtual void MarkApplied(int64_t version, const std::string& checksum,
                           const RunInfo& run) = 0;
  virtual void UpdateChecksum(int64_t version, const std::string& checksum,
                              const RunInfo& run) = 0;

  /// `migrate adopt`: writes an applied history row for `migration` (with
  /// its checksum as of now) and an `adopted` event carrying `detail` (the
  /// other tool's row), in the caller's open transaction.
  virtual void RecordAdopted(const Migration& migration, const std::string& detail,
                             const RunInfo& run) = 0;

  /// Another tool's history (tools/foreign_history.h): of `tables`, those
  /// that exist in the session's current schema, each with its column
  /// names in order. Table names are exact (case-sensitive).
  virtual std::map<std::string, std::vector<std::string>> ForeignTableColumns(
      const std::vector<std::string>& tables) = 0;
  /// Every row of `columns` of the current schema's `table`, each value as
  /// text (booleans "true"/"false", NULL as "").
  virtual std::vector<std::vector<std::string>> ReadForeignTable(
      const std::string& table, const std::vector<std::string>& columns) = 0;

  /// Appends to the event log (autocommit). Never throws: the event log
  /// must not hide the error being reported.
  virtual void RecordEvent(const std::string& event, int64_t version,
                           const std::string& name, const std::string& detail,
                           const RunInfo& run) noexcept = 0;
  /// Indexes left INVALID (e.g. by a failed CREATE INDEX CONCURRENTLY).
  virtual std::vector<std::string> InvalidIndexes() = 0;
  /// Runs a read-only catalog query on this session, inside its open
  /// transaction if any, and returns the rows as text (NULL as ""). For
  /// instrumentation (`slugwright rehearse` looks at pg_locks before
  /// COMMIT); the release phase never calls it.
  virtual std::vector<std::vector<std::string>> Inspect(const std::string& sql) {
    (void)sql;
    throw DatabaseError("this database driver cannot run inspection queries", "", false);
  }

  /// Who blocks the statement this session is running now, e.g. "pid 123
  /// (psql, idle in transaction)"; "" when it waits on no lock or the
  /// driver cannot tell. Safe to call from another thread while a statement
  /// runs (PostgresDriver asks on a short session of its own); never throws.
  virtual std::string BlockedBy() noexcept { return ""; }

  /// Asks the server to cancel the statement running now. Safe to call
  /// from another thread (the signal watcher).
  virtual void Cancel() noexcept = 0;
  /// Queries sent since Connect(), for tests and --verbose.
  virtual int queries_sent() const = 0;
};

#endif  // SLUGWRIGHT_MIGRATE_DATABASE_DRIVER_H_
