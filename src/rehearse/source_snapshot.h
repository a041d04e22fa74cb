#ifndef SLUGWRIGHT_REHEARSE_SOURCE_SNAPSHOT_H_
#define SLUGWRIGHT_REHEARSE_SOURCE_SNAPSHOT_H_

// The source half of `slugwright rehearse`: the database the release would
// migrate, reached read only. One session exports the snapshot the dumps
// copy and reads the facts the rehearsal needs (version, encoding, size,
// whether the history table exists) and the applied migrations.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "migrate/migration_history.h"
#include "postgres/database_url.h"
#include "postgres/postgres_driver.h"

class Redactor;
class SqlSession;

/// Facts read from the source, read only.
struct SourceFacts {
  /// 1500 for 15.x (VersionKeyFromNum), and "15.18".
  int version_key = 0;
  std::string version;
  std::string encoding;
  /// User tables and their size.
  int tables = 0;
  int64_t bytes = 0;
  bool history_exists = false;
  /// `command:` mode: the tool's history table (as the tool names it, in
  /// the source's current schema), when it exists there; "" otherwise.
  std::string tool_history_table;
  /// pg_export_snapshot(); empty when the server (or a pooler in between)
  /// cannot export one.
  std::string snapshot;
};

/// The source database, read only. Abstract so the Rehearser can be
/// tested without a server.
class SourceSnapshot {
 public:
  virtual ~SourceSnapshot() = default;
  /// Connects, makes every transaction read only, opens the snapshot
  /// transaction and reads the facts. Throws UserError(kExitFailed) when
  /// the source cannot be reached.
  virtual SourceFacts Open() = 0;
  /// The applied migrations, from the history table (a read-only session
  /// of its own). Throws UserError(kExitFailed).
  virtual std::vector<HistoryRow> ReadHistory() = 0;
  /// Ends the snapshot transaction and disconnects: the dumps are done.
  virtual void Close() noexcept = 0;
  /// The source's target (pg_dump connects to it); valid after Open().
  virtual const DatabaseTarget& target() const = 0;
};

/// The source as PostgreSQL reaches it: `url` is the database URL or
/// conninfo; its password is added to `redactor`. `tool_table`: a
/// `command:` tool's history table to look for ("" for none).
class PostgresSourceSnapshot : public SourceSnapshot {
 public:
  PostgresSourceSnapshot(std::string url, HistoryTableName table, Redactor* redactor,
                         std::string tool_table = "");
  ~PostgresSourceSnapshot() override;

  SourceFacts Open() override;
  std::vector<HistoryRow> ReadHistory() override;
  void Close() noexcept override;
  const DatabaseTarget& target() const override { return target_; }

 private:
  void ExportSnapshot(SourceFacts* facts);
  void ReadFacts(SourceFacts* facts);

  std::string url_;
  HistoryTableName table_;
  Redactor* redactor_;
  std::string tool_table_;
  DatabaseTarget target_;
  std::unique_ptr<SqlSession> session_;
};

#endif  // SLUGWRIGHT_REHEARSE_SOURCE_SNAPSHOT_H_
