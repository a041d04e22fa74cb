// The risk rules of `rehearse` and the lock and relation vocabulary they
// share with the report (cli/output/rehearsal_report_output.cc words both).
#include "rehearse/rehearsal_report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "base/duration.h"
#include "base/text.h"
#include "rehearse/rehearsal_lint.h"
#include "sql/statement_classifier.h"

namespace {

using Status = MigrationRehearsal::Status;

const TableRows* FindTable(const MigrationRehearsal& m, const std::string& relation) {
  for (const TableRows& t : m.tables)
    if (t.relation == relation) return &t;
  return nullptr;
}

std::string StrongestModeOn(const MigrationRehearsal& m, const std::string& relation) {
  std::string best;
  for (const RelationLock& l : m.locks)
    if (l.relation == relation && LockModeStrength(l.mode) > LockModeStrength(best)) best = l.mode;
  return best;
}

bool HasRows(const TableRows* t) {
  if (!t) return false;
  if (t->rows >= 0) return t->rows > 0;
  return t->bytes > 0;
}

}  // namespace

bool ListsRelation(const std::vector<RelationChange>& list, const std::string& relation) {
  return std::any_of(list.begin(), list.end(),
                     [&](const RelationChange& c) { return c.relation == relation; });
}

int LockModeStrength(const std::string& mode) {
  if (mode == "AccessExclusiveLock") return 4;
  if (mode == "ExclusiveLock") return 3;
  if (mode == "ShareRowExclusiveLock") return 2;
  if (mode == "ShareLock") return 1;
  return 0;
}

bool IsIndexKind(char kind) { return kind == 'i' || kind == 'I'; }
bool IsTableKind(char kind) { return kind == 'r' || kind == 'p' || kind == 'm'; }

std::string LockModeName(const std::string& mode) {
  std::string base = mode;
  if (base.size() > 4 && base.compare(base.size() - 4, 4, "Lock") == 0)
    base.resize(base.size() - 4);
  std::string out;
  for (size_t i = 0; i < base.size(); ++i) {
    char c = base[i];
    if (i > 0 && std::isupper(static_cast<unsigned char>(c))) out += ' ';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string LockModeBlocks(const std::string& mode) {
  if (mode == "AccessExclusiveLock") return "reads and writes";
  if (LockModeStrength(mode) > 0) return "writes";
  return "";
}

std::string RelationKindName(char kind) {
  switch (kind) {
    case 'r': return "table";
    case 'p': return "partitioned table";
    case 'i': return "index";
    case 'I': return "partitioned index";
    case 'm': return "materialized view";
    case 'v': return "view";
    case 'S': return "sequence";
    case 'f': return "foreign table";
    case 't': return "TOAST table";
    default: return "relation";
  }
}

bool HasNonConcurrentIndexBuild(const std::vector<std::string>& statements) {
  return std::any_of(statements.begin(), statements.end(), [](const std::string& s) {
    return ClassifyStatement(s).BuildsIndexBlockingWrites();
  });
}

std::optional<MeasuredRewriteRate> MeasureRewriteRate(
    const std::vector<MigrationRehearsal>& migrations) {
  using Status = MigrationRehearsal::Status;
  std::optional<MeasuredRewriteRate> best;
  for (const MigrationRehearsal& m : migrations) {
    if (m.status == Status::kNotRun || m.status == Status::kFailed || m.seconds <= 0) continue;
    MeasuredRewriteRate rate;
    int64_t largest = -1;
    for (const RelationChange& c : m.rewrites) {
      if (!IsTableKind(c.kind)) continue;
      int64_t bytes = c.bytes_before >= 0 ? c.bytes_before : c.bytes;
      if (bytes <= 0) continue;
      rate.bytes += bytes;
      if (bytes > largest) {
        largest = bytes;
        rate.relation = c.relation;
      }
    }
    if (rate.bytes < kMinRewriteRateBytes || (best && rate.bytes <= best->bytes)) continue;
    rate.migration = m.Label();
    rate.seconds = m.seconds;
    best = rate;
  }
  return best;
}

void EvaluateRisks(const RiskSettings& settings, MigrationRehearsal* m) {
  m->risks.clear();
  // A reverted migration was applied first: production would hold its
  // locks and rewrite its tables just the same.
  if (m->status != Status::kApplied && m->status != Status::kReverted) return;
  auto risk = [&](const char* kind, const std::string& relation) {
    Risk r;
    r.kind = kind;
    r.relation = relation;
    r.migration_seconds = m->seconds;
    r.locks_sampled = m->locks_sampled;
    return r;
  };
  auto table_of = [&](const std::string& relation) {
    const TableRows* t = FindTable(*m, relation);
    return t ? *t : TableRows{relation};
  };

  // 1. ACCESS EXCLUSIVE for longer than lock_timeout: prefer naming a table.
  // Observed from the server, each lock has its own sampled duration.
  auto held = [&](const RelationLock& l) { return l.held_seconds >= 0 ? l.held_seconds : m->seconds; };
  if ((m->in_transaction || m->server_observed) && settings.lock_timeout_seconds > 0) {
    const RelationLock* worst = nullptr;
    for (const RelationLock& l : m->locks) {
      if (l.created || l.mode != "AccessExclusiveLock") continue;
      if (held(l) <= settings.lock_timeout_seconds) continue;
      if (!worst || (IsTableKind(l.kind) && !IsTableKind(worst->kind))) worst = &l;
    }
    if (worst) {
      Risk r = risk("access_exclusive_over_lock_timeout", worst->relation);
      r.held_seconds = held(*worst);
      r.lock_timeout_seconds = settings.lock_timeout_seconds;
      r.mode = worst->mode;
      m->risks.push_back(r);
    }
  }

  // 2. A rewrite of a large table.
  for (const RelationChange& c : m->rewrites) {
    if (!IsTableKind(c.kind)) continue;
    const TableRows* t = FindTable(*m, c.relation);
    int64_t bytes = t && t->bytes >= 0 ? t->bytes : c.bytes;
    bool large = (t && t->rows >= settings.large_table_rows) ||
                 (bytes >= 0 && bytes >= settings.large_table_bytes);
    if (!large) continue;
    Risk r = risk("large_rewrite", c.relation);
    r.table = table_of(c.relation);
    r.rewrite_bytes = c.bytes;
    r.mode = StrongestModeOn(*m, c.relation);
    m->risks.push_back(r);
  }

  // 3. An index built without CONCURRENTLY on a table with rows.
  if (m->in_transaction || m->plain_create_index) {
    for (const RelationChange& c : m->created) {
      if (!IsIndexKind(c.kind) || c.table.empty()) continue;
      if (ListsRelation(m->created, c.table) || ListsRelation(m->rewrites, c.table)) continue;
      if (!HasRows(FindTable(*m, c.table))) continue;
      Risk r = risk("blocking_index_build", c.table);
      r.index = c.relation;
      r.table = table_of(c.table);
      m->risks.push_back(r);
    }
  }
}
