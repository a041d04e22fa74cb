// The words of `slugwright rehearse`'s report: the text report printed
// through the Console and the `--json` document, both from the facts that
// rehearse/ records (rehearsal_report.h) and nothing else.
#include "cli/output/rehearsal_report_output.h"

#include <algorithm>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "base/text.h"
#include "cli/output/lint_output.h"
#include "rehearse/rehearsal_lint.h"

namespace {

using Status = MigrationRehearsal::Status;

std::string FirstLine(const std::string& text) {
  size_t end = text.find('\n');
  return end == std::string::npos ? text : text.substr(0, end);
}

/// "300,000 rows, 21 MB" from what is known of a table.
std::string TableFacts(const TableRows& t, int64_t fallback_bytes) {
  std::vector<std::string> facts;
  if (t.rows >= 0)
    facts.push_back((t.exact ? "" : "~") + FormatCount(t.rows) +
                    (t.rows == 1 ? " row" : " rows"));
  int64_t bytes = t.bytes >= 0 ? t.bytes : fallback_bytes;
  if (bytes >= 0) facts.push_back(FormatBytes(bytes));
  std::string out;
  for (const std::string& f : facts) out += (out.empty() ? "" : ", ") + f;
  return out;
}

const char* StatusName(Status s) {
  switch (s) {
    case Status::kNotRun: return "not_run";
    case Status::kApplied: return "applied";
    case Status::kFailed: return "failed";
    case Status::kRolledBack: return "rolled_back";
    case Status::kReverted: return "reverted";
  }
  return "not_run";
}

/// "probe: public.orders reads blocked up to 1.2 s, writes up to 1.2 s". A
/// lock the sampler saw held in a mode that blocks reads or writes, on a
/// relation whose probes all went through, came and went between probes:
/// said so, never "not blocked".
std::string DescribeBlocked(const MigrationRehearsal& m) {
  std::string out;
  for (const BlockedTable& b : m.blocked) {
    if (b.read_seconds <= 0 && b.write_seconds <= 0) continue;
    std::string what;
    if (b.read_seconds > 0) what = "reads blocked up to " + FormatDuration(b.read_seconds);
    if (b.write_seconds > 0)
      what += (what.empty() ? "writes blocked up to " : ", writes up to ") +
              FormatDuration(b.write_seconds);
    out += (out.empty() ? "" : ", ") + b.relation + " " + what;
  }
  std::vector<std::string> missed;
  for (const RelationLock& l : m.locks) {
    // The probe reads and writes tables; an index's lock goes with its table's.
    if (l.created || !IsTableKind(l.kind) || LockModeBlocks(l.mode).empty()) continue;
    bool caught = std::any_of(m.blocked.begin(), m.blocked.end(), [&](const BlockedTable& b) {
      return b.relation == l.relation && (b.read_seconds > 0 || b.write_seconds > 0);
    });
    std::string text = l.relation + " (" + LockModeName(l.mode) + ", blocks " +
                       LockModeBlocks(l.mode) + ")";
    if (!caught && std::find(missed.begin(), missed.end(), text) == missed.end())
      missed.push_back(text);
  }
  if (!missed.empty())
    out += (out.empty() ? "" : "; ") + std::string("no probe ran into the lock on ") +
           Join(missed, ", ") + ", held between probes";
  return "probe: " + (out.empty() ? std::string("no read or write was blocked") : out);
}

/// "reverted by on_failure: rollback-release in 2.8 s (rewrote public.accounts)".
std::string DescribeRevert(const MigrationRehearsal::Revert& r) {
  std::string text = "then reverted (on_failure: rollback-release) in " +
                     FormatDuration(r.seconds);
  std::vector<std::string> rewritten;
  for (const RelationChange& c : r.rewrites)
    if (!IsIndexKind(c.kind)) rewritten.push_back(c.relation);
  std::vector<std::string> locked;
  for (const RelationLock& l : r.locks)
    if (!l.created && l.mode == "AccessExclusiveLock" && IsTableKind(l.kind))
      locked.push_back(l.relation);
  std::vector<std::string> facts;
  if (!locked.empty()) facts.push_back("ACCESS EXCLUSIVE on " + Join(locked, ", "));
  if (!rewritten.empty()) facts.push_back("rewrote " + Join(rewritten, ", "));
  if (!facts.empty()) text += " (" + Join(facts, "; ") + ")";
  return text;
}

}  // namespace

std::string RiskText(const Risk& r) {
  const std::string here = " (" + FormatDuration(r.migration_seconds) + " on this copy)";
  if (r.kind == "access_exclusive_over_lock_timeout")
    return "held ACCESS EXCLUSIVE on " + r.relation + " for up to " +
           FormatDuration(r.held_seconds) + ", longer than lock_timeout (" +
           FormatDuration(r.lock_timeout_seconds) +
           "): every query on it, reads included, queues behind the migration, "
           "and sessions with that lock_timeout fail";
  if (r.kind == "large_rewrite") {
    std::string held =
        r.mode.empty() ? (r.locks_sampled ? "" : " (its lock was not sampled: transaction:false)")
                       : " while holding " + LockModeName(r.mode);
    std::string blocked = LockModeBlocks(r.mode).empty() ? "queries on it"
                                                         : LockModeBlocks(r.mode) + " of it";
    return "rewrote " + r.relation + " (" + TableFacts(r.table, r.rewrite_bytes) + ")" + held +
           ": " + blocked + " wait for the whole rewrite" + here + ", which grows with the table";
  }
  // blocking_index_build
  return "built " + r.index + " on " + r.relation + " (" + TableFacts(r.table, -1) +
         ") without CONCURRENTLY: writes to " + r.relation + " wait while it builds" + here +
         "; use CREATE INDEX CONCURRENTLY in a transaction:false migration";
}

std::string DescribeMigration(const MigrationRehearsal& m) {
  switch (m.status) {
    case Status::kNotRun:
      return "not run (the run stopped before it)";
    case Status::kFailed:
      return "FAILED: " + FirstLine(m.error) +
             (m.sqlstate.empty() ? "" : " (SQLSTATE " + m.sqlstate + ")");
    case Status::kRolledBack:
    case Status::kReverted:
    case Status::kApplied:
      break;
  }
  std::vector<std::string> parts;
  if (m.status == Status::kRolledBack) parts.push_back("rolled back with its batch");

  // Locks, by mode, strongest first; indexes folded into their count.
  if (m.locks_sampled) {
    std::map<int, std::pair<std::vector<std::string>, std::vector<std::string>>, std::greater<int>>
        by_mode;
    std::map<int, std::string> mode_of;
    // Each relation once, under the strongest mode it was held in.
    std::map<std::string, const RelationLock*> strongest;
    std::vector<std::string> order;
    for (const RelationLock& l : m.locks) {
      if (l.created || LockModeStrength(l.mode) == 0) continue;
      auto it = strongest.find(l.relation);
      if (it == strongest.end()) {
        order.push_back(l.relation);
        strongest[l.relation] = &l;
      } else if (LockModeStrength(l.mode) > LockModeStrength(it->second->mode)) {
        it->second = &l;
      }
    }
    for (const std::string& relation : order) {
      const RelationLock& l = *strongest[relation];
      int strength = LockModeStrength(l.mode);
      mode_of[strength] = l.mode;
      (IsIndexKind(l.kind) ? by_mode[strength].second : by_mode[strength].first)
          .push_back(l.relation +
                     (l.held_seconds >= 0 ? " (held " + FormatDuration(l.held_seconds) + ")"
                                          : ""));
    }
    if (by_mode.empty())
      parts.push_back(m.in_batch ? "no new blocking locks" : "no blocking locks");
    for (const auto& [strength, lists] : by_mode) {
      const auto& [others, indexes] = lists;
      std::string text = LockModeName(mode_of[strength]) + " on ";
      if (!others.empty()) {
        for (size_t i = 0; i < others.size(); ++i) text += (i ? ", " : "") + others[i];
        if (!indexes.empty())
          text += " (+" + Plural(static_cast<int64_t>(indexes.size()), "index", "indexes") + ")";
      } else {
        text += indexes.size() == 1 ? "index " : "indexes ";
        for (size_t i = 0; i < indexes.size(); ++i) text += (i ? ", " : "") + indexes[i];
      }
      parts.push_back(text);
    }
  } else {
    parts.push_back(m.in_transaction ? "locks not sampled"
                                     : "transaction:false: locks not sampled (each statement "
                                       "commits on its own)");
  }

  // Rewrites: tables with their indexes folded in, then lone indexes.
  std::vector<std::string> rewritten;
  for (const RelationChange& r : m.rewrites) {
    if (IsIndexKind(r.kind) && ListsRelation(m.rewrites, r.table)) continue;
    std::string text = (IsIndexKind(r.kind) ? "index " : "") + r.relation;
    if (r.bytes_before >= 0) text += " " + FormatBytes(r.bytes_before) + " ->";
    if (r.bytes >= 0) text += " " + FormatBytes(r.bytes);
    if (!r.reason.empty()) text += " (" + r.reason + ")";
    if (!IsIndexKind(r.kind)) {
      int64_t n = 0, bytes = 0;
      bool known = true;
      for (const RelationChange& i : m.rewrites)
        if (IsIndexKind(i.kind) && i.table == r.relation) {
          ++n;
          if (i.bytes < 0) known = false;
          bytes += std::max<int64_t>(i.bytes, 0);
        }
      if (n)
        text += " (+" + Plural(n, "index", "indexes") + (known ? " " + FormatBytes(bytes) : "") +
                ")";
    }
    rewritten.push_back(text);
  }
  if (!rewritten.empty()) {
    std::string text = "rewrote ";
    for (size_t i = 0; i < rewritten.size(); ++i) text += (i ? ", " : "") + rewritten[i];
    parts.push_back(text);
  }

  // New relations; the indexes of a new table are folded into it.
  for (const RelationChange& c : m.created) {
    if (IsIndexKind(c.kind) && ListsRelation(m.created, c.table)) continue;
    std::string text = "new " + RelationKindName(c.kind) + " " + c.relation;
    if (c.bytes > 0 && IsIndexKind(c.kind)) text += " " + FormatBytes(c.bytes);
    int64_t indexes = 0;
    for (const RelationChange& i : m.created)
      if (IsIndexKind(i.kind) && i.table == c.relation) ++indexes;
    if (indexes) text += " (+" + Plural(indexes, "index", "indexes") + ")";
    parts.push_back(text);
  }

  const size_t kMaxTables = 3;
  std::string rows;
  size_t shown = 0;
  for (const TableRows& t : m.tables) {
    if (t.rows < 0) continue;
    if (shown == kMaxTables) {
      rows += " (+" + std::to_string(m.tables.size() - shown) + " more)";
      break;
    }
    rows += std::string(shown ? ", " : "") + t.relation + ": " + (t.exact ? "" : "~") +
            FormatCount(t.rows) + (t.rows == 1 ? " row" : " rows");
    ++shown;
  }
  if (!rows.empty()) parts.push_back(rows);
  if (m.probed) parts.push_back(DescribeBlocked(m));
  if (m.status == Status::kReverted) parts.push_back(DescribeRevert(m.revert));

  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

std::string RewriteRateText(const MeasuredRewriteRate& rate) {
  return "Rewrite rate on the copy: " + FormatBytes(static_cast<int64_t>(rate.BytesPerSecond())) +
         "/s (" + rate.migration + " rewrote " + FormatBytes(rate.bytes) + " of tables, " +
         rate.relation + " the largest, in " + FormatDuration(rate.seconds) +
         "); `slugwright migrate lint --rate-from` this run's --json report estimates lock "
         "times with it";
}

std::vector<ReportLine> FormatReport(const RehearsalReport& report) {
  using Kind = ReportLine::Kind;
  std::vector<ReportLine> lines;
  const auto& ms = report.migrations;
  lines.push_back({Kind::kStep,
                   "Rehearsal report: " +
                       (report.pending_known
                            ? Plural(static_cast<int64_t>(ms.size()), "pending migration")
                            : std::string("pending migrations unknown (only the tool knows "
                                          "them)")) +
                       " on a copy of " + report.copy.source});
  if (report.copy.target == "embedded" && !report.copy.ssl && !report.copy.ssl_error.empty())
    lines.push_back({Kind::kWarning, "The throwaway cluster serves no SSL (" +
                                         report.copy.ssl_error +
                                         "): a tool that requires SSL cannot connect to the copy"});
  if (report.copy.schema_only)
    lines.push_back({Kind::kDetail,
                     "Schema only: no rows were copied, so failures that depend on the "
                     "data cannot show, and no table counts as large"});
  if (!report.copy.exclude_table_data.empty()) {
    std::string list;
    for (const std::string& p : report.copy.exclude_table_data)
      list += (list.empty() ? "" : ", ") + p;
    lines.push_back({Kind::kDetail, "Copied without the rows of: " + list});
  }
  if (report.transaction == "all")
    lines.push_back({Kind::kDetail,
                     "transaction: all: every lock below is held until the whole batch "
                     "commits"});

  int applied = 0, reverted = 0, flagged = 0;
  double migration_seconds = 0;
  const MigrationRehearsal* failed = nullptr;
  for (const MigrationRehearsal& m : ms) {
    std::string line = m.Label();
    if (m.status != MigrationRehearsal::Status::kNotRun) {
      line += "  " + FormatDuration(m.seconds);
      migration_seconds += m.seconds;
    }
    line += "  " + DescribeMigration(m);
    if (!m.risks.empty()) {
      line += "  [RISK]";
      ++flagged;
    }
    if (m.status == MigrationRehearsal::Status::kApplied) ++applied;
    if (m.status == MigrationRehearsal::Status::kReverted) ++reverted;
    if (m.status == MigrationRehearsal::Status::kFailed && !failed) failed = &m;
    lines.push_back({Kind::kDetail, line});
  }
  for (const MigrationRehearsal& m : ms)
    if (!m.ddl.empty()) {
      std::string ran;
      for (const std::string& d : m.ddl) ran += (ran.empty() ? "" : "; ") + d;
      lines.push_back({Kind::kDetail, m.Label() + " ran: " + ran});
    }
  for (const MigrationRehearsal& m : ms)
    if (m.status == MigrationRehearsal::Status::kReverted && !m.revert.ddl.empty())
      lines.push_back({Kind::kDetail, m.Label() + " was reverted with: " + Join(m.revert.ddl, "; ")});
  for (const MigrationRehearsal& m : ms)
    for (const std::string& note : m.notes)
      lines.push_back({Kind::kDetail, m.Label() + ": " + note});
  for (const std::string& note : report.notes) lines.push_back({Kind::kDetail, note});
  for (const MigrationRehearsal& m : ms)
    for (const Risk& r : m.risks)
      lines.push_back({Kind::kWarning, "RISK " + m.Label() + ": " + RiskText(r)});
  for (ReportLine& line : LintReportLines(report)) lines.push_back(std::move(line));
  if (!report.copy.warnings.empty()) {
    std::string text = "pg_restore went past " +
                       Plural(static_cast<int64_t>(report.copy.warnings.size()), "error") +
                       "; the copy may lack what they concern:";
    const size_t kMax = 5;
    for (size_t i = 0; i < report.copy.warnings.size() && i < kMax; ++i)
      text += "\n" + report.copy.warnings[i];
    if (report.copy.warnings.size() > kMax)
      text += "\n(" + std::to_string(report.copy.warnings.size() - kMax) + " more)";
    lines.push_back({Kind::kWarning, text});
  }

  if (const auto& rate = report.rewrite_rate)
    lines.push_back({Kind::kDetail, RewriteRateText(*rate)});

  const CopyInfo& c = report.copy;
  double copy_seconds = c.dump_seconds + c.restore_seconds + c.analyze_seconds;
  if (copy_seconds > 0)
    lines.push_back({Kind::kDetail, "The copy took " + FormatDuration(copy_seconds) + ": dump " +
                                        FormatDuration(c.dump_seconds) + ", restore " +
                                        FormatDuration(c.restore_seconds) + ", ANALYZE " +
                                        FormatDuration(c.analyze_seconds)});
  lines.push_back({Kind::kDetail,
                   "Durations are this machine's, on a copy no one else uses; on production a "
                   "lock also waits for the queries running there"});
  std::string timing = "the release phase took " + FormatDuration(report.release_seconds) +
                       " on the copy (migrations " + FormatDuration(migration_seconds) + ")";
  std::string flags = flagged ? "; " + Plural(flagged, "migration") + " flagged" : "";
  if (size_t lint = LintFindingCount(report))
    flags += "; " + Plural(static_cast<int64_t>(lint), "lint finding");
  if (report.interrupted) {
    lines.push_back({Kind::kStep, "Rehearsal interrupted" +
                                      (failed ? " during " + failed->Label() : std::string()) +
                                      ": " + std::to_string(applied) + " of " +
                                      std::to_string(ms.size()) +
                                      " applied on the copy; nothing is known of the rest"});
  } else if (!report.tool_connect_error.empty()) {
    lines.push_back({Kind::kError,
                     "the tool could not connect to the copy: " + report.tool_connect_error});
    lines.push_back({Kind::kStep, "Rehearsal failed (exit " + std::to_string(report.exit_code) +
                                      "): the tool never reached the copy, so nothing is known "
                                      "of its migrations"});
  } else if (failed) {
    lines.push_back({Kind::kError, failed->Label() + " would fail on this data: " +
                                       failed->error +
                                       (failed->sqlstate.empty()
                                            ? ""
                                            : " (SQLSTATE " + failed->sqlstate + ")")});
    std::string before = std::to_string(applied + reverted) +
                         (report.pending_known ? " of " + std::to_string(ms.size()) : "") +
                         " applied before it";
    if (reverted)
      before += (applied ? ", " + std::to_string(reverted) + " of them" : std::string(", all")) +
                " reverted by on_failure: rollback-release";
    lines.push_back({Kind::kStep, "Rehearsal failed: " + failed->Label() +
                                      " failed on the copy, " + before + flags});
  } else if (report.exit_code != 0) {
    if (!report.failure.empty()) lines.push_back({Kind::kError, report.failure});
    lines.push_back({Kind::kStep, "Rehearsal failed (exit " + std::to_string(report.exit_code) +
                                      "): " + std::to_string(applied) + " of " +
                                      std::to_string(ms.size()) + " applied" + flags});
  } else if (!report.pending_known) {
    lines.push_back({Kind::kStep, "Rehearsal passed: the tool exited 0 and recorded " +
                                      (ms.empty() ? std::string("no migration")
                                                  : Plural(static_cast<int64_t>(ms.size()),
                                                           "migration")) +
                                      " on the copy; " + timing + flags});
  } else {
    lines.push_back({Kind::kStep, "Rehearsal passed: " +
                                      (ms.size() == 1 ? std::string("the pending migration")
                                                      : "all " + std::to_string(ms.size()) +
                                                            " pending migrations") +
                                      " applied on the copy; " + timing + flags});
  }
  return lines;
}

nlohmann::json ReportJson(const RehearsalReport& report) {
  using nlohmann::json;
  auto change_json = [](const RelationChange& c) {
    json j = {{"relation", c.relation}, {"kind", RelationKindName(c.kind)}};
    if (!c.table.empty()) j["table"] = c.table;
    j["bytes"] = c.bytes >= 0 ? json(c.bytes) : json(nullptr);
    if (c.bytes_before >= 0) j["bytes_before"] = c.bytes_before;
    if (!c.reason.empty()) j["reason"] = c.reason;
    return j;
  };
  json migrations = json::array();
  int applied = 0, failed = 0, not_run = 0, rolled_back = 0, reverted = 0, flagged = 0;
  double migration_seconds = 0;
  json failed_migration = nullptr;
  for (const MigrationRehearsal& m : report.migrations) {
    json locks = json::array(), rewrites = json::array(), created = json::array(),
         tables = json::array(), risks = json::array();
    for (const RelationLock& l : m.locks)
      locks.push_back({{"relation", l.relation},
                       {"kind", RelationKindName(l.kind)},
                       {"mode", LockModeName(l.mode)},
                       {"blocks", LockModeBlocks(l.mode)},
                       {"created", l.created},
                       {"held_seconds", l.held_seconds >= 0 ? json(l.held_seconds)
                                                            : json(nullptr)}});
    for (const RelationChange& c : m.rewrites) rewrites.push_back(change_json(c));
    for (const RelationChange& c : m.created) created.push_back(change_json(c));
    for (const TableRows& t : m.tables)
      tables.push_back({{"relation", t.relation},
                        {"rows", t.rows >= 0 ? json(t.rows) : json(nullptr)},
                        {"rows_exact", t.exact},
                        {"bytes", t.bytes >= 0 ? json(t.bytes) : json(nullptr)}});
    for (const Risk& r : m.risks)
      risks.push_back({{"kind", r.kind}, {"relation", r.relation}, {"message", RiskText(r)}});
    json entry = {{"version", m.version},
                  {"name", m.name},
                  {"file", m.file},
                  {"in_transaction", m.in_transaction},
                  {"in_batch", m.in_batch},
                  {"status", StatusName(m.status)},
                  {"seconds", m.status == MigrationRehearsal::Status::kNotRun
                                  ? json(nullptr)
                                  : json(m.seconds)},
                  {"locks_sampled", m.locks_sampled},
                  {"locks", locks},
                  {"rewrites", rewrites},
                  {"created", created},
                  {"tables", tables},
                  {"risks", risks},
                  {"lint", m.lint},
                  {"notes", m.notes}};
    if (m.server_observed) {
      entry["server_observed"] = true;
      entry["ddl"] = m.ddl;
    }
    if (m.status == MigrationRehearsal::Status::kReverted) {
      json revert_locks = json::array(), revert_rewrites = json::array();
      for (const RelationLock& l : m.revert.locks)
        revert_locks.push_back({{"relation", l.relation},
                                {"kind", RelationKindName(l.kind)},
                                {"mode", LockModeName(l.mode)},
                                {"blocks", LockModeBlocks(l.mode)},
                                {"held_seconds", l.held_seconds >= 0 ? json(l.held_seconds)
                                                                     : json(nullptr)}});
      for (const RelationChange& c : m.revert.rewrites) revert_rewrites.push_back(change_json(c));
      entry["revert"] = {{"seconds", m.revert.seconds},
                         {"ddl", m.revert.ddl},
                         {"statements", m.revert.statements},
                         {"locks", revert_locks},
                         {"rewrites", revert_rewrites}};
    }
    if (m.probed) {
      json blocked = json::array();
      for (const BlockedTable& b : m.blocked)
        blocked.push_back({{"relation", b.relation},
                           {"read_blocked_seconds", b.read_seconds},
                           {"write_blocked_seconds", b.write_seconds}});
      entry["probe"] = blocked;
    }
    entry["error"] = m.status == MigrationRehearsal::Status::kFailed
                         ? json{{"message", m.error}, {"sqlstate", m.sqlstate}}
                         : json(nullptr);
    migrations.push_back(entry);
    switch (m.status) {
      case MigrationRehearsal::Status::kApplied: ++applied; break;
      case MigrationRehearsal::Status::kFailed:
        ++failed;
        if (failed_migration.is_null()) failed_migration = m.Label();
        break;
      case MigrationRehearsal::Status::kRolledBack: ++rolled_back; break;
      // Undone on the copy too, by the release's rollback_command.
      case MigrationRehearsal::Status::kReverted:
        ++rolled_back;
        ++reverted;
        break;
      case MigrationRehearsal::Status::kNotRun: ++not_run; break;
    }
    if (m.status != MigrationRehearsal::Status::kNotRun) migration_seconds += m.seconds;
    if (!m.risks.empty()) ++flagged;
  }
  const CopyInfo& c = report.copy;
  json out = {
      {"source", {{c.from_dump ? "dump" : "database", c.source}, {"server_version", c.source_version}}},
      {"copy",
       {{"target", c.target},
        {"database", c.copy},
        {"kept", c.kept},
        {"ssl", c.target == "embedded" ? json(c.ssl) : json(nullptr)},
        {"ssl_error", c.ssl_error.empty() ? json(nullptr) : json(c.ssl_error)},
        {"schema_only", c.schema_only},
        {"exclude_table_data", c.exclude_table_data},
        {"tables", c.tables},
        {"bytes", c.bytes},
        {"dump_seconds", c.dump_seconds},
        {"restore_seconds", c.restore_seconds},
        {"analyze_seconds", c.analyze_seconds},
        {"warnings", c.warnings}}},
      {"settings",
       {{"transaction", report.transaction},
        {"lock_timeout_seconds", report.lock_timeout_seconds},
        {"statement_timeout_seconds", report.statement_timeout_seconds},
        {"hooks", report.hooks}}},
      {"migrations", migrations},
      {"summary",
       {{"pending", report.pending_known ? json(report.migrations.size()) : json(nullptr)},
        {"applied", applied},
        {"failed", failed},
        {"rolled_back", rolled_back},
        {"reverted", reverted},
        {"not_run", not_run},
        {"flagged", flagged},
        {"lint_findings", LintFindingCount(report)},
        {"failed_migration", failed_migration},
        {"failure", report.failure.empty() ? json(nullptr) : json(report.failure)},
        {"tool_connect_error",
         report.tool_connect_error.empty() ? json(nullptr) : json(report.tool_connect_error)},
        {"migration_seconds", migration_seconds},
        {"release_phase_seconds", report.release_seconds}}},
      {"lint", LintSummaryJson(report)},
      {"rewrite_rate",
       report.rewrite_rate
           ? json{{"bytes_per_second", report.rewrite_rate->BytesPerSecond()},
                  {"bytes", report.rewrite_rate->bytes},
                  {"seconds", report.rewrite_rate->seconds},
                  {"relation", report.rewrite_rate->relation},
                  {"migration", report.rewrite_rate->migration}}
           : json(nullptr)},
      {"interrupted", report.interrupted},
      {"exit_code", report.exit_code},
  };
  if (!report.notes.empty()) out["notes"] = report.notes;
  return out;
}

std::vector<ReportLine> LintReportLines(const RehearsalReport& report) {
  std::vector<ReportLine> lines;
  if (!report.linted) return lines;
  size_t flagged = report.other_lint.empty() ? 0 : 1;
  for (const MigrationRehearsal& m : report.migrations) flagged += m.lint.empty() ? 0 : 1;
  size_t count = LintFindingCount(report);
  std::string what = "Lint (`slugwright migrate lint`, PostgreSQL " +
                     std::to_string(report.lint_postgres_version) + " rules, docs/lint.md): ";
  lines.push_back({ReportLine::Kind::kDetail,
                   what + (count == 0 ? "no findings"
                                      : Plural(static_cast<int64_t>(count), "finding") + " in " +
                                            std::to_string(flagged) + " of " +
                                            Plural(static_cast<int64_t>(
                                                       report.migrations.size()),
                                                   "migration"))});
  for (const MigrationRehearsal& m : report.migrations)
    for (const LintFinding& f : m.lint)
      lines.push_back({ReportLine::Kind::kWarning, LintFindingText(f)});
  for (const LintFinding& f : report.other_lint)
    lines.push_back({ReportLine::Kind::kWarning, LintFindingText(f)});
  return lines;
}

nlohmann::json LintSummaryJson(const RehearsalReport& report) {
  nlohmann::json other = nlohmann::json::array();
  for (const LintFinding& f : report.other_lint) other.push_back(f);
  return {{"ran", report.linted},
          {"postgres_version", report.linted ? nlohmann::json(report.lint_postgres_version)
                                             : nlohmann::json(nullptr)},
          {"findings", LintFindingCount(report)},
          {"other_findings", other}};
}
