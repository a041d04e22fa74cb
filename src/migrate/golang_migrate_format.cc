#include "migrate/golang_migrate_format.h"

#include <vector>

#include "base/checksum.h"
#include "migrate/migration_directives.h"
#include "migrate/migration_file_errors.h"
#include "sql/source_text.h"
#include "sql/splitter.h"
#include "sql/statement_rules.h"

PlainLayout LayOutPlain(const std::string& path, std::string_view contents, size_t body,
                        const MigrationFileName& file_name) {
  PlainLayout layout;
  size_t sql_begin = body;
  int sql_line = 1;
  ForEachLine(contents, body, [&](const SourceLine& line) {
    std::string_view text = contents.substr(line.begin, line.end - line.begin);
    Directive d = ParseDirective(text);
    if (d.kind == Directive::Kind::kMarker)
      FailMigrationFile(FileLine(path, line.number) + ": `" + Printable(text) + "` in a " +
                        MigrationFileExtension(file_name.kind) +
                        " file; expected plain SQL (a file with `-- migrate:up` and "
                        "`-- migrate:down` sections is named `" +
                        Printable(file_name.stem) + ".sql`)");
    if (d.kind != Directive::Kind::kSlugwright) return;
    if (line.number != 1)
      FailMigrationFile(FileLine(path, line.number) + ": `" + Printable(text) +
                        "` is not the first line; expected the `-- slugwright:` "
                        "directive on the first line");
    if (d.options.empty())
      FailMigrationFile(FileLine(path, line.number) + ": `" + Printable(text) +
                        "` has no option; expected `-- slugwright: transaction:false`");
    layout.in_transaction = ReadTransactionOption(path, line, text, d);
    layout.has_directive = true;
    sql_begin = line.next;
    sql_line = 2;
  });
  layout.section = TrimSection(contents, sql_begin, contents.size(), sql_line);
  return layout;
}

[[noreturn]] void FailNoSqlAfterDirective(const std::string& path) {
  FailMigrationFile(path +
                    ": no SQL statement after the `-- slugwright:` directive; expected the SQL "
                    "of the migration");
}

void ParsePlain(const std::string& path, std::string_view contents, size_t body,
                const MigrationFileName& file_name, Migration* m) {
  PlainLayout layout = LayOutPlain(path, contents, body, file_name);
  bool in_transaction = layout.in_transaction;
  const Section& section = layout.section;
  std::vector<SqlStatement> statements =
      SplitSqlOrThrow(section.text, path, section.first_line, m->split_options);
  // golang-migrate sends a file as one query, so a file whose one statement
  // PostgreSQL refuses in a transaction (`CREATE INDEX CONCURRENTLY`) runs
  // there: so it does here, outside one. With more statements, or a
  // directive, the file says how it runs.
  if (!layout.has_directive && statements.size() == 1 && CannotRunInTransaction(statements[0]))
    in_transaction = false;
  CheckStatements(path, statements, in_transaction, "-- slugwright: transaction:false",
                  m->split_options);
  bool has_sql = !statements.empty();
  if (file_name.kind == MigrationFileKind::kUp) {
    if (!has_sql && !HasText(section.text)) FailNoSqlAfterDirective(path);
    m->up_path = path;
    m->up_sql = std::string(section.text);
    m->up_first_line = section.first_line;
    m->up_in_transaction = in_transaction;
    m->checksum = MigrationChecksum(m->up_sql);
  } else {
    m->down_in_transaction = in_transaction;
    if (has_sql) {
      m->has_down = true;
      m->down_path = path;
      m->down_sql = std::string(section.text);
      m->down_first_line = section.first_line;
    }
  }
}
