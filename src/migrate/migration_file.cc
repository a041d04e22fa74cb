#include "migrate/migration_file.h"

#include "base/ascii.h"
#include "base/checksum.h"
#include "migrate/dbmate_format.h"
#include "migrate/golang_migrate_format.h"
#include "migrate/migration_file_errors.h"
#include "sql/source_text.h"

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

/// Rejects what is not a text file of reasonable size.
void CheckText(const std::string& path, std::string_view contents) {
  if (contents.size() > kMaxMigrationFileBytes)
    FailMigrationFile(path + ": " + std::to_string(contents.size()) +
                      " bytes, larger than the limit of 16 MiB for a migration file; "
                      "expected a smaller file (split it into several migrations)");
  size_t nul = contents.find('\0');
  size_t bad = FindInvalidUtf8(contents.substr(0, nul));
  if (bad != std::string_view::npos) {
    auto [line, column] = LineAndColumn(contents, bad);
    FailMigrationFile(FileLine(path, line) + ": invalid UTF-8 sequence starting with byte " +
                      HexByte(static_cast<unsigned char>(contents[bad])) + " at column " +
                      std::to_string(column) + " (byte " + std::to_string(bad + 1) +
                      " of the file); expected UTF-8 text (convert the file, e.g. with "
                      "`iconv -f latin1 -t utf-8`)");
  }
  if (nul != std::string_view::npos) {
    auto [line, column] = LineAndColumn(contents, nul);
    FailMigrationFile(FileLine(path, line) + ": NUL byte at column " + std::to_string(column) +
                      " (byte " + std::to_string(nul + 1) + " of the file); expected a text file");
  }
}

/// Where the text after an optional BOM starts; refuses a file that holds
/// nothing but blanks.
size_t BodyOrFailEmpty(const std::string& path, std::string_view contents,
                       const MigrationFileName& file_name) {
  size_t body = contents.substr(0, kUtf8Bom.size()) == kUtf8Bom ? kUtf8Bom.size() : 0;
  bool blank = true;
  for (size_t i = body; i < contents.size() && blank; ++i) blank = IsAsciiSpace(contents[i]);
  if (blank)
    FailMigrationFile(path + ": the file is empty; expected " +
                      (file_name.kind == MigrationFileKind::kDbmate
                           ? std::string("`-- migrate:up` followed by SQL")
                       : file_name.kind == MigrationFileKind::kUp
                           ? std::string("the SQL of the migration")
                           : std::string("the SQL undoing `") + file_name.stem +
                                 ".up.sql` (or no .down.sql file)"));
  return body;
}

}  // namespace

Migration IndexMigrationFile(const std::string& path, std::string_view contents,
                             const MigrationFileName& file_name) {
  size_t body = BodyOrFailEmpty(path, contents, file_name);
  Migration m;
  m.version = file_name.version;
  m.name = file_name.name;
  m.sql_checked = false;
  if (file_name.kind == MigrationFileKind::kDbmate) {
    DbmateLayout layout = LayOutDbmate(path, contents, body, file_name.stem);
    m.up_path = path;
    m.up_in_transaction = layout.up_in_transaction;
    m.down_in_transaction = layout.down_in_transaction;
    m.up_first_line = layout.up.first_line;
    m.up_blank = !HasText(layout.up.text);
    m.checksum = MigrationChecksum(layout.up.text);
    if (layout.has_down_marker) m.down_path = path;
    return m;
  }
  PlainLayout layout = LayOutPlain(path, contents, body, file_name);
  if (file_name.kind == MigrationFileKind::kUp) {
    if (!HasText(layout.section.text)) FailNoSqlAfterDirective(path);
    m.up_path = path;
    m.up_in_transaction = layout.in_transaction;
    m.up_first_line = layout.section.first_line;
    m.checksum = MigrationChecksum(layout.section.text);
  } else {
    m.down_path = path;
    m.down_in_transaction = layout.in_transaction;
  }
  return m;
}

Migration ParseMigrationFile(const std::string& path, std::string_view contents,
                             const SqlSplitOptions& options) {
  MigrationFileName file_name = ParseMigrationFileName(path);
  CheckText(path, contents);
  size_t body = BodyOrFailEmpty(path, contents, file_name);
  Migration m;
  m.version = file_name.version;
  m.name = file_name.name;
  m.split_options = options;
  if (file_name.kind == MigrationFileKind::kDbmate)
    ParseDbmate(path, contents, body, file_name.stem, &m);
  else
    ParsePlain(path, contents, body, file_name, &m);
  return m;
}
