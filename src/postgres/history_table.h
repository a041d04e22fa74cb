#ifndef SLUGWRIGHT_POSTGRES_HISTORY_TABLE_H_
#define SLUGWRIGHT_POSTGRES_HISTORY_TABLE_H_

// The history table as PostgreSQL sees it: its validated name, the keys of
// the advisory lock derived from that name, and the DDL that creates it and
// its `_events` companion. Pure text, no connection, so it can be tested
// and read without a server.

#include <cstdint>
#include <string>

/// The schema-qualified name of the history table; the event log is the
/// same name with `_events` appended.
struct HistoryTableName {
  std::string schema = "public";
  std::string table = "slugwright_migrations";

  /// Parses "table" or "schema.table": unquoted identifiers of letters,
  /// digits, `_` and `$`, starting with a letter or `_`, so the name means
  /// the same quoted or not. Throws UserError(kExitUsage) otherwise.
  static HistoryTableName Parse(const std::string& text);
  std::string Qualified() const { return schema + "." + table; }
  /// "schema"."table" and "schema"."table_events", quoted for SQL.
  std::string QuotedHistory() const;
  std::string QuotedEvents() const;
};

/// The two keys of the session advisory lock, `pg_try_advisory_lock(k1,
/// k2)`: k1 is 0x736c7567 ("slug"), k2 the 32-bit FNV-1a hash of the
/// qualified history table name with the top bit cleared. So one database
/// can hold several independently locked histories, and the key can be
/// computed from this formula for pg_locks queries.
struct AdvisoryLockKeys {
  int32_t classid;
  int32_t objid;
};
AdvisoryLockKeys LockKeysFor(const HistoryTableName& table);

/// The statements that create the schema (when missing), the history
/// table and the event table, idempotently; one simple query. Not CREATE
/// SCHEMA IF NOT EXISTS: that needs the CREATE privilege on the database
/// even when the schema exists.
std::string HistoryTablesDdl(const HistoryTableName& table);

#endif  // SLUGWRIGHT_POSTGRES_HISTORY_TABLE_H_
