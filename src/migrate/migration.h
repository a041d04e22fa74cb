#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sql/splitter.h"

/// One migration as read from its file(s): what to apply and how.
struct Migration {
  /// The file name's leading digits, ordered numerically.
  int64_t version = 0;
  /// The rest of the name, e.g. "create_users" for 20240101_create_users.sql.
  std::string name;
  /// The file holding the up section (dbmate style: the only file).
  std::string up_path;
  /// The file holding the down section; equals up_path in dbmate style,
  /// empty when there is no down migration.
  std::string down_path;
  std::string up_sql;
  std::string down_sql;
  bool has_down = false;
  /// False for `-- migrate:up transaction:false`: each statement is sent on
  /// its own, outside a transaction.
  bool up_in_transaction = true;
  bool down_in_transaction = true;
  /// The up section is blank (e.g. a `migrate new` template not filled in
  /// yet): `status` lists it as pending and empty; `up` refuses it
  /// (RefuseBlankUpSections, migration_checks.h). A section of comments
  /// only is not blank: it is a no-op.
  bool up_blank = false;
  /// The 1-based line of up_path on which up_sql begins (and of down_path
  /// for down_sql), so a line within the SQL maps back to the file: pass it
  /// as `first_line` to SplitSql (sql/splitter.h) or add `line - 1` to it.
  int up_first_line = 1;
  int down_first_line = 1;
  /// "sha256:<hex>" over the up SQL with a BOM removed and CRLF/CR turned
  /// into LF, so only a change of content counts as an edit.
  std::string checksum;
  /// False for a migration from MigrationSource::ReadIndex: its checksum,
  /// paths and markers are known, its SQL is not loaded or checked yet
  /// (MigrationSource::ReadChecked does that), and its in_transaction flags
  /// are the markers' alone (a golang-migrate file of one statement that
  /// cannot run in a transaction is known only once lexed).
  bool sql_checked = true;
  /// How the file was lexed (standard_conforming_strings): as the server
  /// reads strings, once the server's setting is known (server_lexing.h).
  /// Pass it to SplitSql whenever up_sql or down_sql is split again.
  SqlSplitOptions split_options;
};

/// What a no-op release needs of a migration: its version and checksum
/// (Migration::checksum), as a record of the files says.
struct RecordedMigration {
  int64_t version = 0;
  /// Points into the source that gave it (MigrationSource::ReadRecordedIndex).
  std::string_view checksum;
};

/// Where migrations come from. The orchestrator reads them through this
/// interface and knows nothing of files or formats.
class MigrationSource {
 public:
  virtual ~MigrationSource() = default;
  /// Every migration, sorted by version. Throws UserError(kExitUsage)
  /// naming the offending file for a malformed name, a duplicate version,
  /// a missing up section, an empty file or invalid UTF-8. A blank up
  /// section is not an error here: it sets Migration::up_blank.
  virtual std::vector<Migration> ReadAll() = 0;
  /// Every migration, sorted by version, with what planning needs (version,
  /// name, paths, checksum) and without checking its SQL: for `up`, which
  /// checks in full (ReadChecked) only the migrations it will apply, since
  /// an applied migration's SQL never runs again. By default: ReadAll().
  virtual std::vector<Migration> ReadIndex() { return ReadAll(); }
  /// One migration of ReadIndex read and checked as ReadAll would (same
  /// errors), lexed with split_options() as they are now (the server's,
  /// once connected: server_lexing.h). By default: `indexed` itself.
  virtual Migration ReadChecked(const Migration& indexed) { return indexed; }
  /// Every migration's version and checksum, sorted by version, from a
  /// record that proves, without reading a file, that ReadIndex would
  /// return exactly these migrations, none with a blank up section
  /// (DirectorySource: its migrations manifest, when the directory holds
  /// exactly the recorded files with their recorded sizes and times). False
  /// when nothing proves it: then only ReadIndex tells. The checksums stay
  /// valid while the source is not changed. By default: false.
  virtual bool ReadRecordedIndex(std::vector<RecordedMigration>* migrations) {
    migrations->clear();
    return false;
  }
  /// Where the migrations come from, for messages ("migrations/").
  virtual std::string Describe() const = 0;
  /// How ReadAll and ReadChecked lex the SQL from now on (default:
  /// standard_conforming_strings on). ReadIndex lexes nothing.
  virtual void SetSplitOptions(const SqlSplitOptions& options) { split_options_ = options; }
  const SqlSplitOptions& split_options() const { return split_options_; }

 protected:
  SqlSplitOptions split_options_;
};

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_H_
