// The lint inside `rehearse`: rehearsal_lint.h.
#include "rehearse/rehearsal_lint.h"

#include <nlohmann/json.hpp>
#include <set>

#include "base/exit_codes.h"
#include "base/text.h"
#include "rehearse/rehearsal_copy.h"
#include "sql/splitter.h"

namespace {

/// The line that turns the transaction off, in a safe rewrite of a
/// statement another tool ran: each tool says it its own way.
const char* kToolAnnotation = "no transaction around it (the tool's option for that)";

}  // namespace

LintOptions RehearsalLintOptions(int version_key, std::string* skipped) {
  LintOptions options;
  int major = version_key > 0 ? version_key / 100 : 11;
  if (major < 11)
    *skipped = "not linted: the source is PostgreSQL " + MajorText(version_key) +
               ", and the lint rules (docs/lint.md) are for PostgreSQL 11 and later";
  options.postgres_major = major;
  options.require_lock_timeout = false;
  return options;
}

namespace {

/// A lint with the rules of `version_key`'s server: `lint_each(linter,
/// lint)` fills it, unless the server is older than the rules (then only
/// `skipped` says why).
template <typename LintEach>
RehearsalLint RunLint(int version_key, LintEach lint_each) {
  RehearsalLint lint;
  LintOptions options = RehearsalLintOptions(version_key, &lint.skipped);
  if (!lint.skipped.empty()) return lint;
  lint.ran = true;
  lint.postgres_version = options.postgres_major;
  MigrationLinter linter(options);
  lint_each(linter, lint);
  return lint;
}

}  // namespace

RehearsalLint LintPendingMigrations(const std::vector<const Migration*>& pending,
                                    int version_key) {
  return RunLint(version_key, [&](MigrationLinter& linter, RehearsalLint& lint) {
    for (const Migration* m : pending) {
      if (m->up_blank) continue;
      try {
        std::vector<LintFinding> found = linter.Lint(*m);
        lint.findings.insert(lint.findings.end(), found.begin(), found.end());
      } catch (const UserError& e) {
        lint.errors.push_back({m->up_path, e.what()});
      }
    }
  });
}

namespace {

/// Each migration's observed statements, as one batch in run order.
void LintObserved(const std::vector<MigrationRehearsal>& migrations, MigrationLinter& linter,
                  RehearsalLint& lint) {
  for (const MigrationRehearsal& m : migrations) {
    std::vector<SqlStatement> statements;
    for (const std::string& query : m.statements) {
      std::vector<SqlStatement> split;
      SqlSplitError error;
      if (!SplitSql(query, 1, &split, &error)) {
        lint.errors.push_back({LintFileOf(m), "could not split a statement it ran (" +
                                                  error.message + "): not linted"});
        continue;
      }
      statements.insert(statements.end(), split.begin(), split.end());
    }
    if (statements.empty()) continue;
    std::vector<LintFinding> found = linter.LintStatements(
        LintFileOf(m), m.version, statements, "", m.in_transaction, kToolAnnotation);
    for (LintFinding& f : found) f.line = 0;
    lint.findings.insert(lint.findings.end(), found.begin(), found.end());
  }
}

}  // namespace

RehearsalLint LintObservedStatements(const std::vector<MigrationRehearsal>& migrations,
                                     int version_key) {
  return RunLint(version_key, [&](MigrationLinter& linter, RehearsalLint& lint) {
    LintObserved(migrations, linter, lint);
  });
}

RehearsalLint LintObservedStatements(const std::vector<MigrationRehearsal>& migrations,
                                     const LintOptions& options) {
  RehearsalLint lint;
  lint.ran = true;
  lint.postgres_version = options.postgres_major;
  MigrationLinter linter(options);
  LintObserved(migrations, linter, lint);
  return lint;
}

std::string LintFileOf(const MigrationRehearsal& m) {
  return m.server_observed || m.file.empty() ? m.name : m.file;
}

void AttachLint(const RehearsalLint& lint, RehearsalReport* report) {
  report->linted = lint.ran;
  report->lint_postgres_version = lint.postgres_version;
  if (!lint.skipped.empty()) report->notes.push_back(lint.skipped);
  auto find = [&](const std::string& file) -> MigrationRehearsal* {
    for (MigrationRehearsal& m : report->migrations)
      if (LintFileOf(m) == file) return &m;
    return nullptr;
  };
  for (const LintFinding& f : lint.findings) {
    if (MigrationRehearsal* m = find(f.file))
      m->lint.push_back(f);
    else
      report->other_lint.push_back(f);
  }
  for (const auto& [file, why] : lint.errors) {
    std::string note = "lint: " + why;
    if (MigrationRehearsal* m = find(file))
      m->notes.push_back(note);
    else
      report->notes.push_back(note);
  }
}

size_t LintFindingCount(const RehearsalReport& report) {
  size_t n = report.other_lint.size();
  for (const MigrationRehearsal& m : report.migrations) n += m.lint.size();
  return n;
}
