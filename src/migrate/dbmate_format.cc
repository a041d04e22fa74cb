#include "migrate/dbmate_format.h"

#include <vector>

#include "base/checksum.h"
#include "migrate/migration_directives.h"
#include "migrate/migration_file_errors.h"
#include "sql/source_text.h"
#include "sql/splitter.h"

DbmateLayout LayOutDbmate(const std::string& path, std::string_view contents, size_t body,
                          const std::string& stem) {
  DbmateLayout layout;
  bool up_seen = false;
  int down_marker_line = 0;
  SourceLine up{}, down{};
  ForEachLine(contents, body, [&](const SourceLine& line) {
    std::string_view text = contents.substr(line.begin, line.end - line.begin);
    Directive d = ParseDirective(text);
    if (d.kind == Directive::Kind::kSlugwright)
      FailMigrationFile(FileLine(path, line.number) + ": `" + Printable(text) +
                        "`: `-- slugwright:` directives are for .up.sql and .down.sql "
                        "files; expected `-- migrate:up transaction:false` in a "
                        "dbmate-style file");
    if (d.kind != Directive::Kind::kMarker) return;
    if (d.section != "up" && d.section != "down")
      FailMigrationFile(FileLine(path, line.number) + ": `" + Printable(text) +
                        "` is not a marker; expected `-- migrate:up` or "
                        "`-- migrate:down`, optionally followed by `transaction:false` "
                        "(reword a comment that starts with `migrate:`)");
    bool in_transaction = ReadTransactionOption(path, line, text, d);
    if (d.section == "up") {
      // (A down marker before this one was already refused: it came
      // before any up marker, or this is a second up marker.)
      if (up_seen)
        FailMigrationFile(FileLine(path, line.number) +
                          ": a second `-- migrate:up` (the first "
                          "is on line " +
                          std::to_string(up.number) + "); expected one up section");
      up_seen = true;
      up = line;
      layout.up_in_transaction = in_transaction;
    } else {
      if (layout.has_down_marker)
        FailMigrationFile(FileLine(path, line.number) +
                          ": a second `-- migrate:down` (the first "
                          "is on line " +
                          std::to_string(down_marker_line) +
                          "); expected at most one down section");
      if (!up_seen)
        FailMigrationFile(FileLine(path, line.number) +
                          ": `-- migrate:down` before any "
                          "`-- migrate:up`; expected the up section first");
      layout.has_down_marker = true;
      down_marker_line = line.number;
      down = line;
      layout.down_in_transaction = in_transaction;
    }
  });
  if (!up_seen)
    FailMigrationFile(path +
                      ": no `-- migrate:up` line; expected `-- migrate:up`, the "
                      "SQL, then optionally `-- migrate:down` and its SQL (a file of plain "
                      "SQL is named `" +
                      Printable(stem) + ".up.sql`)");
  layout.up_marker_begin = up.begin;
  layout.up_marker_line = up.number;
  size_t up_end = layout.has_down_marker ? down.begin : contents.size();
  layout.up = TrimSection(contents, up.next, up_end, up.number + 1);
  if (layout.has_down_marker)
    layout.down = TrimSection(contents, down.next, contents.size(), down.number + 1);
  return layout;
}

void ParseDbmate(const std::string& path, std::string_view contents, size_t body,
                 const std::string& stem, Migration* m) {
  DbmateLayout layout = LayOutDbmate(path, contents, body, stem);
  m->up_in_transaction = layout.up_in_transaction;
  m->down_in_transaction = layout.down_in_transaction;
  std::vector<SqlStatement> before = SplitSqlOrThrow(
      contents.substr(body, layout.up_marker_begin - body), path, 1, m->split_options);
  if (!before.empty())
    FailMigrationFile(FileLine(path, before.front().line) + ": `" +
                      StatementExcerpt(before.front().text) + "` before `-- migrate:up` (line " +
                      std::to_string(layout.up_marker_line) +
                      "); expected only comments before the up section");

  const Section& up_section = layout.up;
  std::vector<SqlStatement> up_statements =
      SplitSqlOrThrow(up_section.text, path, up_section.first_line, m->split_options);
  // Blank (a fresh `migrate new` template): read, listed as pending and
  // empty, refused by `up` (RefuseBlankUpSections).
  m->up_blank = up_statements.empty() && !HasText(up_section.text);
  CheckStatements(path, up_statements, m->up_in_transaction, "-- migrate:up transaction:false",
                  m->split_options);
  m->up_path = path;
  m->up_sql = std::string(up_section.text);
  m->up_first_line = up_section.first_line;
  m->checksum = MigrationChecksum(m->up_sql);

  if (layout.has_down_marker) {
    const Section& down_section = layout.down;
    std::vector<SqlStatement> down_statements =
        SplitSqlOrThrow(down_section.text, path, down_section.first_line, m->split_options);
    CheckStatements(path, down_statements, m->down_in_transaction,
                    "-- migrate:down transaction:false", m->split_options);
    if (!down_statements.empty()) {
      m->has_down = true;
      m->down_path = path;
      m->down_sql = std::string(down_section.text);
      m->down_first_line = down_section.first_line;
    }
  }
}
