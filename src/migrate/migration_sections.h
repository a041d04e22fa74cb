#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_SECTIONS_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_SECTIONS_H_

// The SQL sections of a migration file, shared by both formats
// (migrate/dbmate_format.h, migrate/golang_migrate_format.h): where a
// section's SQL is without the blank lines around it, whether it holds
// any text, and the statement rules (sql/statement_rules.h) every section
// is checked against.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sql/splitter.h"

/// The SQL of a section: the file's text without the blank lines around
/// it, and the line it starts on.
struct Section {
  std::string_view text;
  int first_line;
};

/// The section of `contents` between `begin` and `end`, whose first line
/// is `begin_line`; an empty text (on `begin_line`) when it is all blank.
Section TrimSection(std::string_view contents, size_t begin, size_t end, int begin_line);

/// True when a section is more than blanks. One with text but no statement
/// holds only comments: golang-migrate applies such a file as a no-op, and
/// so does slugwright; a blank one is a template not filled in yet.
bool HasText(std::string_view text);

/// Refuses, naming the file and line (UserError(kExitUsage)), a statement
/// the migration could not run as slugwright would send it
/// (sql/statement_rules.h); `annotation` is the line that turns the
/// transaction off in this format. Nothing is refused when `options` say
/// not to (refuse_unrunnable_statements false: `migrate lint`).
void CheckStatements(const std::string& path, const std::vector<SqlStatement>& statements,
                     bool in_transaction, const std::string& annotation,
                     const SqlSplitOptions& options);

/// The first line of a statement, cut after about 60 bytes, for messages.
std::string StatementExcerpt(const std::string& statement);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_SECTIONS_H_
