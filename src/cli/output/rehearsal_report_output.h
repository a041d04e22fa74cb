#ifndef SLUGWRIGHT_CLI_OUTPUT_REHEARSAL_REPORT_OUTPUT_H_
#define SLUGWRIGHT_CLI_OUTPUT_REHEARSAL_REPORT_OUTPUT_H_

// `slugwright rehearse`'s report as people and programs read it: the text
// report and the `--json` document, worded here from the facts of
// rehearse/rehearsal_report.h. Pure: no I/O.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "rehearse/rehearsal_report.h"

/// One line of the text report, printed through the Console.
struct ReportLine {
  enum class Kind { kStep, kDetail, kWarning, kError };
  Kind kind;
  std::string text;
};

/// One sentence for a risk: what happens on production, and what to do
/// about it; e.g. "rewrote public.orders (300,000 rows, 21 MB) while
/// holding ACCESS EXCLUSIVE: reads and writes of it wait ...".
std::string RiskText(const Risk& risk);

/// The per-migration part of a migration's line: locks, rewrites, new
/// relations and rows, or the error; e.g. "ACCESS EXCLUSIVE on
/// public.orders (+2 indexes); rewrote public.orders 21 MB; ...".
std::string DescribeMigration(const MigrationRehearsal& m);

/// "Rewrite rate on the copy: 72 MB/s (M rewrote 45 MB of tables,
/// public.accounts the largest, in 620ms); ...": the report's line for it.
std::string RewriteRateText(const MeasuredRewriteRate& rate);

/// The text report: a step, one detail line per migration (flagged
/// `[RISK]`), one warning per risk, the lint's part, and a summary step.
std::vector<ReportLine> FormatReport(const RehearsalReport& report);

/// The same as JSON (`rehearse --json`).
nlohmann::json ReportJson(const RehearsalReport& report);

/// The report's lint part: a detail line saying what was linted, then one
/// warning per finding, worded as `migrate lint` prints it
/// (LintFindingText), migration by migration. None when it did not run.
std::vector<ReportLine> LintReportLines(const RehearsalReport& report);

/// {"ran", "postgres_version", "findings": N, "other_findings": [...]};
/// each migration's own findings are in its entry's "lint".
nlohmann::json LintSummaryJson(const RehearsalReport& report);

#endif  // SLUGWRIGHT_CLI_OUTPUT_REHEARSAL_REPORT_OUTPUT_H_
