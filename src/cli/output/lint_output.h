#ifndef SLUGWRIGHT_CLI_OUTPUT_LINT_OUTPUT_H_
#define SLUGWRIGHT_CLI_OUTPUT_LINT_OUTPUT_H_

// The renderings of `migrate lint` (lint/migration_lint.h): text for a
// terminal, JSON, GitHub workflow annotations and a Markdown pull-request
// comment. docs/lint.md shows each.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "lint/migration_lint.h"

/// Where the PostgreSQL major version the rules were applied for came from.
enum class LintVersionOrigin {
  kFlag,      // --postgres-version
  kServer,    // the server of --database-url
  kSettings,  // slugwright.yml `release.postgres_version`
  kDefault,   // none said: the oldest version the rules are for
};

/// Which migrations were linted, as the user chose them.
struct LintBatchChoice {
  /// The directory the migrations were read from; "" for FILE arguments.
  std::string dir;
  /// --since: only versions above this one; -1 when not given.
  int64_t since = -1;
  /// --git-base: the ref named and the merge base of it and HEAD that the
  /// files were compared with; "" when not given.
  std::string git_base;
  std::string merge_base;
  /// --database-url: the database (as the driver describes it, no
  /// password) whose pending migrations were linted; "" when not given.
  std::string database;
  /// A `command:` release: the tool's command, which ran the migrations
  /// pending on `database` on a throwaway schema-only copy of it; "" when
  /// slugwright read the files.
  std::string tool;
};

/// A table's size on the database lint was given, from what the server
/// keeps without scanning: rows from the planner's estimate
/// (pg_class.reltuples; -1 when the table was never vacuumed or analyzed),
/// bytes from pg_total_relation_size (with its indexes and TOAST).
struct LintTableSize {
  SqlName table;
  int64_t rows = -1;
  int64_t bytes = 0;
  /// pg_table_size: heap and TOAST, what a rewrite writes and a validation
  /// reads (the measured rate is of these bytes too).
  int64_t table_bytes = 0;
};

/// A rate of table rewrites measured by `slugwright rehearse` on a copy
/// (`--rate-from`: its --json report's "rewrite_rate"), which lock-time
/// estimates are made with.
struct LintRewriteRate {
  double bytes_per_second = 0;
  /// Where it was measured: the report's file, the migration and its
  /// largest rewritten table.
  std::string report_file;
  std::string migration;
  std::string relation;
};

/// What `migrate lint` found, and for what.
struct LintReport {
  /// The findings in the order they are printed: by risk when the tables'
  /// sizes are known (OrderFindingsByRisk), otherwise as the release
  /// applies the statements.
  LintOutcome outcome;
  int postgres_version = 11;
  LintVersionOrigin version_origin = LintVersionOrigin::kDefault;
  LintBatchChoice batch;
  /// The sizes of the database's tables (--database-url); empty without one.
  std::vector<LintTableSize> table_sizes;
  /// --rate-from; none without it.
  std::optional<LintRewriteRate> rewrite_rate;
};

/// The size of the table `finding` is about, or null when it is about no
/// table or the database has no such table. A name without a schema is
/// looked up in `public` first.
const LintTableSize* FindingTableSize(const LintReport& report, const LintFinding& finding);

/// How long `finding`'s statement would hold its lock, in seconds: its
/// table's heap bytes (`size`, FindingTableSize's) at the measured rate,
/// for a rule that rewrites or validates the table (RuleTableWork); -1
/// without a rate, a size or such a rule.
double EstimatedLockSeconds(const LintReport& report, const LintFinding& finding,
                            const LintTableSize* size);

/// "~2.1s for the rewrite of 12 MB at 5.6 MB/s (measured by `slugwright
/// rehearse`: rehearsal.json, where 2_widen rewrote public.accounts)";
/// a validation reads: "up to ~2.1s for the validation scan of ...". ""
/// when EstimatedLockSeconds has none.
std::string DescribeEstimatedLock(const LintReport& report, const LintFinding& finding,
                                  const LintTableSize* size);

/// Orders report->outcome.findings by risk, keeping the release's order
/// among equals: first what cannot run at all (the release would fail
/// there), then findings on tables by their size, largest first, then the
/// rest (no table, or one the database does not have).
void OrderFindingsByRisk(LintReport* report);

/// "public.accounts: ~100,000 rows, 12 MB" (rows estimated by the planner),
/// "public.accounts: empty (0 rows, 16 kB)", "...: tiny (12 rows, 16 kB)"
/// under 1,000 rows, "...: rows not yet estimated (never analyzed), 16 kB".
std::string DescribeTableSize(const LintTableSize& size);

/// One finding as `migrate lint` and the `rehearse` report print it, four
/// lines without a final newline: "file:line: rule" ("file: rule" for line
/// 0), then the statement, "why: ..." and "instead: ..." indented; with
/// `size`, a fifth: "table: " and DescribeTableSize; with `lock`
/// (DescribeEstimatedLock), a sixth: "lock: " and it.
std::string LintFindingText(const LintFinding& finding, const LintTableSize* size = nullptr,
                            const std::string& lock = "");

/// {file, line (null for 0), version, rule, statement, why, instead,
/// table (its name, or null)}: the JSON of `migrate lint --json` and
/// `rehearse --json`.
void to_json(nlohmann::json& j, const LintFinding& finding);

/// The text report for stdout: the findings (LintFindingText), the count
/// (with how many migrations could not be linted, whose messages the
/// command prints on stderr), then which PostgreSQL version the rules were
/// for and where that came from, and which batch.
std::string LintReportText(const LintReport& report);

/// {"migrations", "postgres_version", "postgres_version_from" (flag,
/// server, settings, default), "batch": {dir, since, git_base, merge_base,
/// database, tool}, "findings": [...], "errors": [{file, message}]}; with a
/// database, each finding on one of its tables also has "table_size":
/// {rows (null when not estimated), bytes, table_bytes, size_class
/// ("empty", "tiny" or "other")}; with --rate-from, "rewrite_rate":
/// {bytes_per_second, report_file, migration, relation} (null without)
/// and each finding with an estimate "estimated_lock_seconds".
nlohmann::json LintReportJson(const LintReport& report);

/// GitHub Actions workflow commands: `::error file=F,line=L,title=RULE::...`
/// per finding (the statement, why and instead on three lines), `::error
/// file=F::...` per migration that could not be linted, then the summary
/// as a plain log line.
std::string LintReportGithub(const LintReport& report);

/// One pull-request comment in GitHub Markdown: a heading with the count,
/// a table per migration (line, rule, statement, why, safe rewrite), the
/// errors, and the version and batch line.
std::string LintReportMarkdown(const LintReport& report);

/// `value` escaped as a workflow command's message (% \r \n) or, with
/// `property`, as a property value (also : and ,).
std::string GithubEscape(const std::string& value, bool property);

#endif  // SLUGWRIGHT_CLI_OUTPUT_LINT_OUTPUT_H_
