#ifndef SLUGWRIGHT_MIGRATE_SESSION_H_
#define SLUGWRIGHT_MIGRATE_SESSION_H_

// The session role of a database driver (database_driver.h): the one
// connection every other role works on, and what is said or done to it as
// a whole. Its own role because most of the runner needs nothing else:
// `migrate wait` (database_wait.h) connects and names the target, the
// lexing of the files (server_lexing.h) reads one server setting, the
// progress thread asks who blocks the running statement, and the signal
// watcher cancels it. Sending one statement is here, not in the history
// store, because nothing about it is recorded: a transaction:false
// migration's progress is written by HistoryStore::RecordProgress.

#include <string>

#include "migrate/database_error.h"

/// One database session, kept from Connect() to the end: the migration
/// lock is a session lock, and the migrations run on the session that holds
/// it. Every method throws DatabaseError for a database failure unless it
/// says otherwise.
class Session {
 public:
  virtual ~Session() = default;

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
  /// Sets lock_timeout and statement_timeout (seconds, 0 = none) for the
  /// statements that follow, and remembers them: HistoryStore's ApplyUp,
  /// ApplyDown and StartUnfinished set them again first (in the same round
  /// trip), so a migration that changes them (a pasted `SET lock_timeout =
  /// 0;`) does not change them for the next one.
  virtual void SetTimeouts(double lock_timeout, double statement_timeout) = 0;
  /// Sends one statement alone (autocommit).
  virtual void ExecuteStatement(const std::string& sql) = 0;

  /// Who blocks the statement this session is running now, e.g. "pid 123
  /// (psql, idle in transaction)"; "" when it waits on no lock or the
  /// driver cannot tell. Safe to call from another thread while a statement
  /// runs (PostgresDriver asks on a short session of its own); never throws.
  virtual std::string BlockedBy() noexcept { return ""; }
  /// Asks the server to cancel the statement running now. Safe to call
  /// from another thread (the signal watcher).
  virtual void Cancel() noexcept = 0;
  /// Queries sent since Connect() by every role on this session, for tests
  /// and --verbose.
  virtual int queries_sent() const = 0;
};

#endif  // SLUGWRIGHT_MIGRATE_SESSION_H_
