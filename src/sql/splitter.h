#ifndef SLUGWRIGHT_SQL_SPLITTER_H_
#define SLUGWRIGHT_SQL_SPLITTER_H_

#include <string>
#include <string_view>
#include <vector>

/// One statement of a SQL script, to be sent to the server on its own.
///
/// PostgreSQL runs a simple query holding several statements in one
/// implicit transaction, so a `transaction:false` migration (for example
/// `CREATE INDEX CONCURRENTLY`) must send its statements one by one.
struct SqlStatement {
  /// From the statement's first token through its terminating semicolon
  /// (the last statement of a script may have none). Comments before the
  /// first token are not part of it; comments inside it are.
  std::string text;
  /// The line the first token is on (see SplitSql's `first_line`).
  int line = 0;
};

/// Why a script could not be split.
struct SqlSplitError {
  /// The line on which the unterminated construct starts.
  int line = 0;
  /// What is wrong, quoting the start of the offending text and saying what
  /// was expected; without file or line, e.g. "unterminated quoted string
  /// `'abc`; expected a closing `'`".
  std::string message;
};

/// How the SQL of a migration is read.
struct SqlSplitOptions {
  /// How the server reads string literals: with standard_conforming_strings
  /// off (a server or database set that way, or `SET
  /// standard_conforming_strings = off` earlier in the script), a backslash
  /// escapes the next character inside '...' too.
  bool standard_conforming_strings = true;
  /// Whether reading a migration file refuses a statement it could not run
  /// as written (sql/statement_rules.h: CREATE INDEX CONCURRENTLY in a
  /// transaction, COPY FROM STDIN...). Off only for `migrate lint`, which
  /// reports such a statement as a finding and lints the rest.
  bool refuse_unrunnable_statements = true;
};

/// Splits `script` at the semicolons that end statements, lexing it as
/// PostgreSQL does (standard_conforming_strings as `options` says, and as
/// `SET [SESSION|LOCAL] standard_conforming_strings` statements in the
/// script change it from there on): semicolons inside
/// '...' strings ('' is a quote), E'...' strings (backslash escapes),
/// "quoted identifiers", $$...$$ and $tag$...$tag$ bodies, -- comments,
/// nested /* */ comments and parentheses do not end a statement, nor do
/// those inside the `BEGIN ATOMIC ... END` body of
/// `CREATE [OR REPLACE] FUNCTION|PROCEDURE`. `$1` is a parameter, not a
/// dollar quote. Statements holding only comments are dropped.
///
/// Lines are counted from `first_line`, the line of the file on which the
/// script begins; LF, CRLF and a lone CR each end a line.
///
/// Returns false and fills *error for an unterminated string, quoted
/// identifier, dollar-quoted body or block comment, and for a psql
/// meta-command (`\connect`, `\set`, `\i`, `\copy`, `\.` ...): a backslash
/// outside quotes and comments, which PostgreSQL's grammar never has and
/// which only psql understands.
bool SplitSql(std::string_view script, int first_line,
              std::vector<SqlStatement>* statements, SqlSplitError* error,
              const SqlSplitOptions& options = {});

/// SplitSql for callers that report to the user: throws
/// UserError(kExitUsage) with "<file>:<line>: <message>".
std::vector<SqlStatement> SplitSqlOrThrow(std::string_view script,
                                          const std::string& file,
                                          int first_line,
                                          const SqlSplitOptions& options = {});

#endif  // SLUGWRIGHT_SQL_SPLITTER_H_
