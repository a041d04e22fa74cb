#ifndef SLUGWRIGHT_REHEARSE_REHEARSAL_LINT_H_
#define SLUGWRIGHT_REHEARSE_REHEARSAL_LINT_H_

// The `migrate lint` rules inside `slugwright rehearse` (docs/rehearse.md,
// "Lint"): slugwright's own pending migration files are linted before any
// copy is made; in `command:` mode the statements the server saw the
// tool run for each migration are linted after the run. The findings go on
// the report's migrations, worded as `migrate lint` words them. Pure.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "lint/migration_lint.h"
#include "migrate/migration.h"
#include "rehearse/rehearsal_report.h"

/// What the lint said of a batch of migrations.
struct RehearsalLint {
  bool ran = false;
  int postgres_version = 0;
  /// Why it did not run (a source older than the rules), for a note.
  std::string skipped;
  std::vector<LintFinding> findings;
  /// (file, why it could not be linted): an unsplittable section, an
  /// ignore comment naming an unknown rule. The release may still apply it.
  std::vector<std::pair<std::string, std::string>> errors;
};

/// The options for a source of `version_key` (rehearsal_copy.h: 1500 for
/// 15.x, 0 unknown): its major version, 11 when unknown; *skipped says why
/// there is no lint for a source older than 11. lock_timeout is not
/// required: the release sets one (PGOPTIONS in `command:` mode).
LintOptions RehearsalLintOptions(int version_key, std::string* skipped);

/// Lints the pending files as one batch, in the order given (as `migrate
/// lint` does the same files); a file it cannot lint is an error, not a
/// stop.
RehearsalLint LintPendingMigrations(const std::vector<const Migration*>& pending,
                                    int version_key);

/// Lints what each migration observed on the server ran (its
/// `statements`), as one batch in run order; a finding names the migration
/// (its history row) as its file, with no line.
RehearsalLint LintObservedStatements(const std::vector<MigrationRehearsal>& migrations,
                                     int version_key);
/// The same with `options` as given (`migrate lint` of a `command:`
/// release: its --postgres-version and --require-lock-timeout).
RehearsalLint LintObservedStatements(const std::vector<MigrationRehearsal>& migrations,
                                     const LintOptions& options);

/// The file a migration's findings name: its migration file, or its
/// history row when observed on the server.
std::string LintFileOf(const MigrationRehearsal& m);

/// Puts each finding on the migration whose file it names and each error in
/// that migration's notes; the rest go to report->other_lint (findings)
/// and report->notes (errors, skipped).
void AttachLint(const RehearsalLint& lint, RehearsalReport* report);

/// How many findings the report holds (its migrations' and the others).
size_t LintFindingCount(const RehearsalReport& report);

#endif  // SLUGWRIGHT_REHEARSE_REHEARSAL_LINT_H_
