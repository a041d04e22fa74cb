#ifndef SLUGWRIGHT_SQL_STATEMENT_RULES_H_
#define SLUGWRIGHT_SQL_STATEMENT_RULES_H_

#include <string>

#include "sql/splitter.h"

/// Statements a migration cannot run the way slugwright would send it,
/// found when the file is read: before anything connects. What a statement
/// is comes from the classifier (sql/statement_classifier.h).
///
/// Returns "" when `statement` can run in a migration that runs in one
/// transaction (`in_transaction`) or statement by statement; otherwise why
/// not and what to do, without file or line. `annotation` is the line that
/// turns the transaction off in this file's format (`-- migrate:up
/// transaction:false` or `-- slugwright: transaction:false`).
///  - `COPY ... FROM STDIN`: reads rows slugwright does not send;
///  - `COPY table|(query) TO STDOUT`: sends rows slugwright does not read.
///  - in a transaction: statements PostgreSQL refuses inside a transaction
///    block (`CREATE/DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY`,
///    `VACUUM`, `CREATE/DROP DATABASE`, `CREATE/DROP TABLESPACE`,
///    `ALTER SYSTEM`), with the annotation to add;
///  - in a transaction: `SET standard_conforming_strings = off`, which the
///    server would apply only after reading the whole migration;
///  - statement by statement: explicit transaction control (`BEGIN`,
///    `START TRANSACTION`, `COMMIT`, `END`, `ROLLBACK`, `ABORT`,
///    `SAVEPOINT`...), which would hide the real error behind "current
///    transaction is aborted" and leave the migration half done.
std::string CheckStatement(const SqlStatement& statement, bool in_transaction,
                           const std::string& annotation);

/// Whether PostgreSQL refuses `statement` inside a transaction block
/// (`CREATE INDEX CONCURRENTLY`, `VACUUM`, ... as listed above:
/// ClassifiedStatement::CannotRunInTransaction).
bool CannotRunInTransaction(const SqlStatement& statement);

#endif  // SLUGWRIGHT_SQL_STATEMENT_RULES_H_
