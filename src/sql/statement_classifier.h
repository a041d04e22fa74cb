#ifndef SLUGWRIGHT_SQL_STATEMENT_CLASSIFIER_H_
#define SLUGWRIGHT_SQL_STATEMENT_CLASSIFIER_H_

// What one SQL statement is, read from its tokens (sql/tokens.h): the one
// place slugwright recognises statements. The runner's refusals
// (sql/statement_rules.h), the lint rules (lint/) and rehearse's risk rules
// ask it, so a fact such as "CREATE INDEX without CONCURRENTLY" is read one
// way. Comments, quoted names, strings (E'...', $$...$$) and case are the
// lexer's business: a keyword inside any of them is no keyword here.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sql/token_cursor.h"
#include "sql/tokens.h"

/// What a statement does, from its leading keywords.
enum class StatementKind {
  kOther,
  /// CREATE [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED] TABLE [IF NOT EXISTS] name
  kCreateTable,
  /// CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] table
  kCreateIndex,
  /// DROP INDEX [CONCURRENTLY] [IF EXISTS] name [, ...]
  kDropIndex,
  /// DROP TABLE [IF EXISTS] name [, ...]
  kDropTable,
  /// REINDEX [(options)] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} [CONCURRENTLY] name
  kReindex,
  /// ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, ...]
  kAlterTable,
  /// ALTER TYPE name ... (ADD VALUE among its forms)
  kAlterType,
  /// ALTER SYSTEM ...
  kAlterSystem,
  /// VACUUM ...
  kVacuum,
  /// CREATE DATABASE / DROP DATABASE / CREATE TABLESPACE / DROP TABLESPACE
  kCreateDatabase,
  kDropDatabase,
  kCreateTablespace,
  kDropTablespace,
  /// COPY table [(columns)] | (query) {FROM|TO} ...
  kCopy,
  /// BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT,
  /// RELEASE, PREPARE TRANSACTION (COMMIT PREPARED and ROLLBACK PREPARED too)
  kTransactionControl,
  /// SET [SESSION|LOCAL] name {=|TO} value
  kSet,
};

/// The facts of one statement that slugwright's rules read. Fields that do
/// not apply to the kind keep their defaults.
struct ClassifiedStatement {
  StatementKind kind = StatementKind::kOther;
  /// The tokens that say what the statement is, words upper-cased, joined
  /// by single spaces, for messages: "CREATE UNIQUE INDEX CONCURRENTLY",
  /// "REINDEX ( VERBOSE ) TABLE CONCURRENTLY" (through the CONCURRENTLY),
  /// "VACUUM", "CREATE DATABASE", "BEGIN TRANSACTION" (the first two
  /// tokens of transaction control); "" for kOther.
  std::string keywords;
  /// CREATE/DROP INDEX, REINDEX: CONCURRENTLY given.
  bool concurrently = false;
  /// CREATE INDEX: UNIQUE given.
  bool unique = false;
  /// CREATE TABLE, CREATE INDEX: IF NOT EXISTS; DROP, ALTER TABLE: IF EXISTS.
  bool if_exists_clause = false;
  /// CREATE TABLE: TEMP/TEMPORARY (the table ends with the session).
  bool temporary = false;
  /// CREATE TABLE: UNLOGGED.
  bool unlogged = false;
  /// CREATE INDEX: the index (empty when unnamed); CREATE/ALTER TABLE: the
  /// table; ALTER TYPE: the type.
  SqlName name;
  /// CREATE INDEX: the table it is built on (empty without ON and a name).
  SqlName table;
  /// CREATE INDEX ... ON ONLY, ALTER TABLE ONLY: not the partitions or
  /// children.
  bool only = false;
  /// CREATE INDEX: the position of the token after `INDEX` (where the lint
  /// points); past the last token when there is none.
  size_t after_keywords = 0;
  /// DROP INDEX, DROP TABLE: the names dropped, in order.
  std::vector<SqlName> names;
  /// ALTER TABLE: each action's tokens [begin, end), split at the commas
  /// outside parentheses (one empty action when none follows the name).
  std::vector<std::pair<size_t, size_t>> actions;
  /// ALTER TABLE: an action `DETACH PARTITION name CONCURRENTLY`.
  bool detaches_partition_concurrently = false;
  /// ALTER TYPE: ADD VALUE right after the type's name.
  bool adds_enum_value = false;
  /// COPY: `FROM STDIN` (rows the client sends) or `TO STDOUT` (rows it
  /// receives).
  bool copy_from_stdin = false;
  bool copy_to_stdout = false;
  /// SET: the setting (an unquoted word, lower-cased), SESSION or LOCAL
  /// as written ("" for neither, lower-cased), and the value's first token
  /// (a word lower-cased, a string's contents as written).
  std::string setting;
  std::string set_scope;
  std::string set_value;

  /// PostgreSQL refuses it inside a transaction block: CREATE/DROP INDEX
  /// CONCURRENTLY, REINDEX ... CONCURRENTLY, VACUUM, CREATE/DROP DATABASE,
  /// CREATE/DROP TABLESPACE, ALTER SYSTEM.
  bool CannotRunInTransaction() const;
  /// CREATE INDEX without CONCURRENTLY: a build that blocks the table's
  /// writes while it runs.
  bool BuildsIndexBlockingWrites() const;
};

/// Classifies the statement made of `tokens` (a final `;` is ignored).
ClassifiedStatement ClassifyStatement(const std::vector<SqlToken>& tokens);

/// Lexes `text`, one statement (as SplitSql cuts them), only as far as its
/// kind needs, and classifies it.
ClassifiedStatement ClassifyStatement(std::string_view text);

#endif  // SLUGWRIGHT_SQL_STATEMENT_CLASSIFIER_H_
