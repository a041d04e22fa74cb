// The renderings of `migrate lint`: lint_output.h.

#include "cli/output/lint_output.h"

#include <algorithm>
#include <set>
#include <vector>

#include "base/duration.h"
#include "base/text.h"

namespace {

const char* OriginId(LintVersionOrigin origin) {
  switch (origin) {
    case LintVersionOrigin::kFlag: return "flag";
    case LintVersionOrigin::kServer: return "server";
    case LintVersionOrigin::kSettings: return "settings";
    case LintVersionOrigin::kDefault: break;
  }
  return "default";
}

/// "Rules for PostgreSQL 16 (the server's version)."
std::string VersionLine(const LintReport& r) {
  std::string from;
  switch (r.version_origin) {
    case LintVersionOrigin::kFlag: from = "--postgres-version"; break;
    case LintVersionOrigin::kServer: from = "the server's version"; break;
    case LintVersionOrigin::kSettings: from = "slugwright.yml release.postgres_version"; break;
    case LintVersionOrigin::kDefault:
      from = "the default, the oldest the rules are for; set --postgres-version or "
             "release.postgres_version in slugwright.yml";
      break;
  }
  return "Rules for PostgreSQL " + std::to_string(r.postgres_version) + " (" + from + ").";
}

/// "Batch: ..." : which migrations were linted and, for a whole directory,
/// how to lint only what the next release applies.
std::string BatchLine(const LintReport& r) {
  const LintBatchChoice& b = r.batch;
  if (!b.tool.empty())
    return "Batch: the migrations `" + b.tool + "` applied on a throwaway schema-only copy of " +
           b.database + " (those pending there), every statement it sent, by the migration "
           "file it recorded.";
  std::vector<std::string> parts;
  if (!b.database.empty()) parts.push_back("pending on " + b.database);
  if (!b.git_base.empty())
    parts.push_back("added or changed since " + b.git_base + " (merge base " +
                    b.merge_base.substr(0, 12) + ")");
  if (b.since >= 0) parts.push_back("newer than version " + std::to_string(b.since));
  std::string where = b.dir.empty() ? "the files given" : "the migrations in " + b.dir;
  if (parts.empty() && b.dir.empty()) return "Batch: the files given.";
  if (parts.empty())
    return "Batch: every migration in " + b.dir + " (a table counts as new only in the "
           "migration that creates it; --git-base REF or --database-url URL lints only what "
           "the next release applies).";
  std::string out = "Batch: " + where + " ";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out + ".";
}

/// "3 findings in 2 of 4 migrations", "No findings in 1 migration".
std::string CountLine(const LintReport& r) {
  const LintOutcome& o = r.outcome;
  std::string migrations = Plural(static_cast<int64_t>(o.migrations), "migration");
  std::string errors = o.errors.empty()
                           ? ""
                           : "; " + Plural(static_cast<int64_t>(o.errors.size()), "migration") +
                                 " could not be linted";
  if (o.findings.empty()) return "No findings in " + migrations + errors;
  std::set<std::string> files;
  for (const LintFinding& f : o.findings) files.insert(f.file);
  return Plural(static_cast<int64_t>(o.findings.size()), "finding") + " in " +
         std::to_string(files.size()) + " of " + migrations + errors;
}

/// Markdown table cell: `|` escaped, line breaks as spaces.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

/// `text` as Markdown inline code that survives backticks inside it.
std::string Code(const std::string& text) {
  if (text.find('`') == std::string::npos) return "`" + Cell(text) + "`";
  return "`` " + Cell(text) + " ``";
}

/// Fewer rows than this, and the rewrite or scan a finding warns of is over
/// at once: the table is "tiny".
constexpr int64_t kTinyTableRows = 1000;

const char* SizeClass(const LintTableSize& size) {
  if (size.rows == 0) return "empty";
  if (size.rows > 0 && size.rows < kTinyTableRows) return "tiny";
  return "other";
}

/// Statements the release cannot run where they are: it would fail there.
bool CannotRun(const LintFinding& f) {
  return f.rule == "cannot-run-in-transaction" || f.rule == "transaction-control-in-migration" ||
         f.rule == "statement-not-runnable";
}

}  // namespace

const LintTableSize* FindingTableSize(const LintReport& report, const LintFinding& finding) {
  if (finding.table.name.empty()) return nullptr;
  const LintTableSize* found = nullptr;
  for (const LintTableSize& size : report.table_sizes) {
    if (!SameSqlName(size.table, finding.table)) continue;
    if (!finding.table.schema.empty() || size.table.schema == "public") return &size;
    if (!found) found = &size;
  }
  return found;
}

void OrderFindingsByRisk(LintReport* report) {
  // Each finding's place, looked up once: its rank (0 cannot run, 1 on a
  // table of known size, 2 the rest), then its table's bytes, largest first.
  struct Place {
    int rank;
    int64_t bytes;
    LintFinding finding;
  };
  std::vector<Place> places;
  places.reserve(report->outcome.findings.size());
  for (LintFinding& f : report->outcome.findings) {
    const LintTableSize* size = CannotRun(f) ? nullptr : FindingTableSize(*report, f);
    places.push_back({CannotRun(f) ? 0 : size ? 1 : 2, size ? size->bytes : 0, std::move(f)});
  }
  std::stable_sort(places.begin(), places.end(), [](const Place& a, const Place& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.bytes > b.bytes;
  });
  report->outcome.findings.clear();
  for (Place& p : places) report->outcome.findings.push_back(std::move(p.finding));
}

std::string DescribeTableSize(const LintTableSize& size) {
  std::string name = size.table.Display() + ": ";
  std::string bytes = FormatBytes(size.bytes);
  if (size.rows < 0) return name + "rows not yet estimated (never analyzed), " + bytes;
  const std::string size_class = SizeClass(size);
  if (size_class != "other")
    return name + size_class + " (" + Plural(size.rows, "row") + ", " + bytes + ")";
  return name + "~" + FormatCount(size.rows) + " rows, " + bytes;
}

double EstimatedLockSeconds(const LintReport& report, const LintFinding& finding,
                            const LintTableSize* size) {
  if (!report.rewrite_rate || report.rewrite_rate->bytes_per_second <= 0) return -1;
  if (RuleTableWork(finding.rule) == LintTableWork::kNone) return -1;
  if (!size) return -1;
  return static_cast<double>(size->table_bytes) / report.rewrite_rate->bytes_per_second;
}

std::string DescribeEstimatedLock(const LintReport& report, const LintFinding& finding,
                                  const LintTableSize* size) {
  double seconds = EstimatedLockSeconds(report, finding, size);
  if (seconds < 0) return "";
  const LintRewriteRate& rate = *report.rewrite_rate;
  bool scan = RuleTableWork(finding.rule) == LintTableWork::kScan;
  return std::string(scan ? "up to " : "") + "~" + FormatDuration(seconds) + " for the " +
         (scan ? "validation scan" : "rewrite") + " of " + FormatBytes(size->table_bytes) +
         " at " + FormatBytes(static_cast<int64_t>(rate.bytes_per_second)) +
         "/s (measured by `slugwright rehearse`: " + rate.report_file + ", where " +
         rate.migration + " rewrote " + rate.relation + ")" +
         (scan ? "; a scan only reads, so it takes less than a rewrite" : "");
}

std::string LintFindingText(const LintFinding& f, const LintTableSize* size,
                            const std::string& lock) {
  std::string where = f.file + (f.line > 0 ? ":" + std::to_string(f.line) : "");
  std::string text = where + ": " + f.rule + "\n    " + f.statement + "\n    why: " + f.why +
                     "\n    instead: " + f.instead;
  if (size) text += "\n    table: " + DescribeTableSize(*size);
  if (!lock.empty()) text += "\n    lock: " + lock;
  return text;
}

void to_json(nlohmann::json& j, const LintFinding& f) {
  j = {{"file", f.file},
       {"line", f.line > 0 ? nlohmann::json(f.line) : nlohmann::json(nullptr)},
       {"version", f.version},
       {"rule", f.rule},
       {"statement", f.statement},
       {"why", f.why},
       {"instead", f.instead},
       {"table", f.table.name.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.table.Display())}};
}

std::string LintReportText(const LintReport& r) {
  std::string out;
  for (const LintFinding& f : r.outcome.findings) {
    const LintTableSize* size = FindingTableSize(r, f);
    out += LintFindingText(f, size, DescribeEstimatedLock(r, f, size)) + "\n";
  }
  out += CountLine(r);
  if (!r.outcome.findings.empty())
    out += " (docs/lint.md; silence one with `-- slugwright-lint-ignore RULE`)";
  return out + "\n" + VersionLine(r) + "\n" + BatchLine(r) + "\n";
}

nlohmann::json LintReportJson(const LintReport& r) {
  nlohmann::json findings = nlohmann::json::array();
  for (const LintFinding& f : r.outcome.findings) {
    nlohmann::json finding = f;
    const LintTableSize* size = FindingTableSize(r, f);
    if (size)
      finding["table_size"] = {
          {"rows", size->rows >= 0 ? nlohmann::json(size->rows) : nlohmann::json(nullptr)},
          {"bytes", size->bytes},
          {"table_bytes", size->table_bytes},
          {"size_class", SizeClass(*size)}};
    double lock = EstimatedLockSeconds(r, f, size);
    if (lock >= 0) finding["estimated_lock_seconds"] = lock;
    findings.push_back(std::move(finding));
  }
  nlohmann::json errors = nlohmann::json::array();
  for (const LintFileError& e : r.outcome.errors)
    errors.push_back({{"file", e.file}, {"message", e.message}});
  const LintBatchChoice& b = r.batch;
  auto or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
  };
  return {{"migrations", r.outcome.migrations},
          {"postgres_version", r.postgres_version},
          {"postgres_version_from", OriginId(r.version_origin)},
          {"batch",
           {{"dir", or_null(b.dir)},
            {"since", b.since >= 0 ? nlohmann::json(b.since) : nlohmann::json(nullptr)},
            {"git_base", or_null(b.git_base)},
            {"merge_base", or_null(b.merge_base)},
            {"database", or_null(b.database)},
            {"tool", or_null(b.tool)}}},
          {"rewrite_rate", r.rewrite_rate ? nlohmann::json{{"bytes_per_second",
                                                             r.rewrite_rate->bytes_per_second},
                                                            {"report_file",
                                                             r.rewrite_rate->report_file},
                                                            {"migration",
                                                             r.rewrite_rate->migration},
                                                            {"relation",
                                                             r.rewrite_rate->relation}}
                                          : nlohmann::json(nullptr)},
          {"findings", findings},
          {"errors", errors}};
}

std::string GithubEscape(const std::string& value, bool property) {
  std::string out;
  for (char c : value) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

std::string LintReportGithub(const LintReport& r) {
  std::string out;
  for (const LintFinding& f : r.outcome.findings) {
    std::string properties = "file=" + GithubEscape(f.file, true);
    if (f.line > 0) properties += ",line=" + std::to_string(f.line);
    properties += ",title=" + GithubEscape(f.rule, true);
    std::string message = f.statement + "\nwhy: " + f.why + "\ninstead: " + f.instead;
    const LintTableSize* size = FindingTableSize(r, f);
    if (size) message += "\ntable: " + DescribeTableSize(*size);
    std::string lock = DescribeEstimatedLock(r, f, size);
    if (!lock.empty()) message += "\nlock: " + lock;
    out += "::error " + properties + "::" + GithubEscape(message, false) + "\n";
  }
  for (const LintFileError& e : r.outcome.errors)
    out += "::error file=" + GithubEscape(e.file, true) + ",title=" +
           GithubEscape("migrate lint", true) + "::" + GithubEscape(e.message, false) + "\n";
  return out + CountLine(r) + ". " + VersionLine(r) + " " + BatchLine(r) + "\n";
}

std::string LintReportMarkdown(const LintReport& r) {
  const LintOutcome& o = r.outcome;
  std::string out = "### slugwright migrate lint: " + CountLine(r) + "\n\n";
  // One table per migration, in the order the findings came (version order).
  std::vector<std::string> files;
  for (const LintFinding& f : o.findings)
    if (std::find(files.begin(), files.end(), f.file) == files.end()) files.push_back(f.file);
  for (const std::string& file : files) {
    out += "#### " + Code(file) + "\n\n| line | rule | statement | why | safe rewrite |\n"
           "|---|---|---|---|---|\n";
    for (const LintFinding& f : o.findings) {
      if (f.file != file) continue;
      const LintTableSize* size = FindingTableSize(r, f);
      std::string weight = size ? "**" + Cell(DescribeTableSize(*size)) + ".** " : "";
      std::string lock = DescribeEstimatedLock(r, f, size);
      if (!lock.empty()) weight += "**Lock: " + Cell(lock) + ".** ";
      out += "| " + (f.line > 0 ? std::to_string(f.line) : std::string()) + " | " +
             Code(f.rule) + " | " + Code(f.statement) + " | " + weight + Cell(f.why) + " | " +
             Cell(f.instead) + " |\n";
    }
    out += "\n";
  }
  if (!o.errors.empty()) {
    out += "#### Not linted\n\n";
    for (const LintFileError& e : o.errors) out += "- " + Cell(e.message) + "\n";
    out += "\n";
  }
  if (!o.findings.empty())
    out += "Each rule is explained in docs/lint.md; silence one finding with "
           "`-- slugwright-lint-ignore RULE` on or above its statement.\n\n";
  return out + VersionLine(r) + " " + BatchLine(r) + "\n";
}
