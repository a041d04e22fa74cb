#ifndef SLUGWRIGHT_LINT_MIGRATION_LINT_H_
#define SLUGWRIGHT_LINT_MIGRATION_LINT_H_

// `migrate lint`: a static check of migrations' SQL, before any database
// exists, for the operations that take strong locks or rewrite tables on
// PostgreSQL 11 and later (docs/lint.md has the rules and the safe
// rewrites). Pure: takes parsed migrations or statements, returns findings.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "migrate/migration.h"
#include "sql/splitter.h"
#include "sql/token_cursor.h"

/// One rule: its id (what `-- slugwright-lint-ignore` names), what it
/// flags, why that hurts and what to write instead.
struct LintRule {
  std::string id;
  std::string flags;
  std::string why;
  std::string instead;
};

/// Every rule, in the order docs/lint.md lists them.
const std::vector<LintRule>& LintRules();

/// A rule of squawk (the PostgreSQL migration linter, `squawk-cli` on npm)
/// and the slugwright rules that flag what it flags; none when slugwright
/// does not (docs/lint.md says why). `-- squawk-ignore NAME` silences them.
struct SquawkRule {
  std::string name;
  std::vector<std::string> rules;
};

/// The squawk rules slugwright knows, as docs/lint.md's mapping lists them.
const std::vector<SquawkRule>& SquawkRules();

/// One statement a rule flags.
struct LintFinding {
  std::string file;
  /// The line of the part of the statement the rule is about (for an
  /// `ALTER TABLE` with several actions, the action's line); 0 when there
  /// is no file to point into (statements captured on a server).
  int line = 0;
  int64_t version = 0;
  std::string rule;
  /// The statement on one line, cut after about 100 bytes.
  std::string statement;
  /// Why it hurts (the lock and the rewrite or scan), about this statement.
  std::string why;
  /// The safe rewrite.
  std::string instead;
  /// The existing table the statement locks, scans or rewrites, as the
  /// statement names it (so `migrate lint --database-url` can weigh the
  /// finding by the table's size); an empty name when the finding is about
  /// no one table (an index dropped by name, a type, a transaction).
  SqlName table;
};

/// What a rule's statement makes PostgreSQL do to the whole existing table
/// while it holds the lock: write every row anew (a rewrite, its indexes
/// rebuilt), read every row (a validation), or nothing in proportion to its
/// size. Lock-time estimates are made for the first two.
enum class LintTableWork { kNone, kRewrite, kScan };
LintTableWork RuleTableWork(const std::string& rule);

struct LintOptions {
  /// The PostgreSQL major version the release runs on; the rules hold
  /// from 11 (earlier servers are refused by the command).
  int postgres_major = 11;
  /// Also flag migrations that take a strong lock without setting
  /// lock_timeout first (`missing-lock-timeout`): for SQL run by another
  /// tool than slugwright, whose runner sets one itself.
  bool require_lock_timeout = false;
  /// Tables known to exist already (read from the database lint was given):
  /// a `CREATE TABLE IF NOT EXISTS` of one of them creates nothing, so the
  /// table stays existing for the rest of its migration.
  std::vector<SqlName> existing_tables;
};

/// A migration lint could not read or split (its message names the file
/// and line); the other migrations of the batch are linted all the same.
struct LintFileError {
  std::string file;
  std::string message;
};

/// What linting a batch found.
struct LintOutcome {
  std::vector<LintFinding> findings;
  std::vector<LintFileError> errors;
  /// How many migrations were linted (with an error or not).
  size_t migrations = 0;
};

/// What earlier statements told: the tables and indexes the current
/// migration created (no one reads them yet) and the NOT NULL checks the
/// batch validated.
struct LintBatchState;

/// Lints migrations in the order a release applies them. A table counts as
/// new only within the migration that creates it (as squawk and
/// strong_migrations count it): the rules about existing tables leave it
/// alone there, and flag it in every later migration, which runs once
/// production has the table and its rows.
class MigrationLinter {
 public:
  explicit MigrationLinter(LintOptions options);
  ~MigrationLinter();
  MigrationLinter(const MigrationLinter&) = delete;
  MigrationLinter& operator=(const MigrationLinter&) = delete;

  /// The up section of `migration` (split as the runner splits it; the
  /// down section is not linted). A statement the runner could not run as
  /// written (CREATE INDEX CONCURRENTLY in a transaction, BEGIN in a
  /// transactional migration, COPY FROM STDIN...) is a finding too
  /// (`cannot-run-in-transaction`, `transaction-control-in-migration`,
  /// `statement-not-runnable`). Throws UserError(kExitUsage) naming the
  /// file and line for an unsplittable section or a lint-ignore comment
  /// naming no rule or an unknown one.
  std::vector<LintFinding> Lint(const Migration& migration);

  /// Statements from elsewhere (e.g. captured on a server), as one
  /// migration, without the checks of what slugwright's runner could run:
  /// `source` is the text they were split from, or "" when there is none
  /// (no lint-ignore comments between statements then). `annotation` is the
  /// line that turns the transaction off for the safe rewrites that need it.
  std::vector<LintFinding> LintStatements(const std::string& file, int64_t version,
                                          const std::vector<SqlStatement>& statements,
                                          const std::string& source, bool in_transaction,
                                          const std::string& annotation);

 private:
  /// One migration's statements; `runner_checks`: also flag what
  /// slugwright's runner could not run as written.
  std::vector<LintFinding> LintMigrationStatements(
      const std::string& file, int64_t version, const std::vector<SqlStatement>& statements,
      const std::string& source, bool in_transaction, const std::string& annotation,
      bool runner_checks);

  LintOptions options_;
  std::unique_ptr<LintBatchState> batch_;
};

/// Lints `migrations` as one batch (the pending migrations of a release,
/// or the files given to `migrate lint`), in order. Throws as
/// MigrationLinter::Lint does.
std::vector<LintFinding> LintMigrations(const std::vector<Migration>& migrations,
                                        const LintOptions& options);

/// The same, with a migration that cannot be linted (Lint throws a
/// UserError) recorded as an error and the rest linted all the same.
LintOutcome LintBatch(const std::vector<Migration>& migrations, const LintOptions& options);

#endif  // SLUGWRIGHT_LINT_MIGRATION_LINT_H_
