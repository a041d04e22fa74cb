#include "rehearse/server_observation.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "base/ascii.h"
#include "sql/token_cursor.h"
#include "sql/tokens.h"

namespace {

/// pg_locks modes, weakest first (the table of conflicting modes).
int FullModeStrength(const std::string& mode) {
  static const char* kModes[] = {"AccessShareLock",          "RowShareLock",
                                 "RowExclusiveLock",         "ShareUpdateExclusiveLock",
                                 "ShareLock",                "ShareRowExclusiveLock",
                                 "ExclusiveLock",            "AccessExclusiveLock"};
  for (int i = 0; i < 8; ++i)
    if (mode == kModes[i]) return i + 1;
  return 0;
}

char KindOfObjectType(const std::string& type) {
  if (type == "table") return 'r';
  if (type == "index") return 'i';
  if (type == "materialized view") return 'm';
  return 0;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

int64_t LeadingVersion(const std::string& row) {
  size_t n = 0;
  while (n < row.size() && n < 18 && std::isdigit(static_cast<unsigned char>(row[n]))) ++n;
  return n ? std::stoll(row.substr(0, n)) : 0;
}

/// [start, end] of one migration, and what it became.
struct Span {
  double start = 0;
  double end = 0;
  MigrationRehearsal result;
  std::set<std::string> touched;
};

const RelationFacts* FactsOf(const ServerObservationInput& in, const std::string& relation) {
  for (const RelationFacts& f : in.facts)
    if (f.relation == relation) return &f;
  return nullptr;
}

/// The span `at` falls in: the first whose end is not before it.
Span* SpanAt(std::vector<Span>* spans, double at) {
  for (Span& s : *spans)
    if (at <= s.end) return &s;
  return nullptr;
}

void AddEvent(const ServerObservationInput& in, const ServerEvent& e, Span* span) {
  MigrationRehearsal& m = span->result;
  if (e.kind == ServerEvent::Kind::kRewrite) {
    for (const RelationChange& r : m.rewrites)
      if (r.relation == e.object) return;
    const RelationFacts* f = FactsOf(in, e.object);
    RelationChange change{e.object, f ? f->kind : 'r', "", f ? f->bytes : -1, e.bytes_before,
                          e.reason};
    m.rewrites.push_back(change);
    span->touched.insert(e.object);
    return;
  }
  if (e.kind != ServerEvent::Kind::kDdl) return;
  // Each command of a query has an event with the whole query: once.
  if (!e.query.empty() && (m.statements.empty() || m.statements.back() != e.query))
    m.statements.push_back(e.query);
  std::string verb = e.tag.substr(0, e.tag.find(' '));
  // One line per command on its own object ("CREATE TABLE public.t"), not
  // its side effects (the sequence and primary key of that CREATE TABLE).
  if (Upper(e.object_type) == e.tag.substr(e.tag.find(' ') + 1)) {
    std::string line = e.tag + " " + e.object;
    if (std::find(m.ddl.begin(), m.ddl.end(), line) == m.ddl.end()) m.ddl.push_back(line);
  }
  if (e.tag == "CREATE INDEX" && HasNonConcurrentIndexBuild({e.query})) m.plain_create_index = true;
  char kind = KindOfObjectType(e.object_type);
  if (verb != "CREATE" || !kind) return;
  const RelationFacts* f = FactsOf(in, e.object);
  RelationChange created{e.object, kind, f ? f->table : "", f ? f->bytes : -1};
  m.created.push_back(created);
  if (!created.table.empty()) span->touched.insert(created.table);
}

void AddLocks(const ServerObservationInput& in, std::vector<Span>* spans) {
  // span -> relation -> mode -> the samples that saw it (once per sample,
  // however many backends, e.g. parallel index build workers, held it).
  std::map<Span*, std::map<std::string, std::map<std::string, std::set<double>>>> seen;
  std::map<std::string, char> kinds;
  for (const LockSample& l : in.locks) {
    Span* s = SpanAt(spans, l.at);
    if (!s || FullModeStrength(l.mode) == 0) continue;
    seen[s][l.relation][l.mode].insert(l.at);
    kinds[l.relation] = l.kind;
  }
  for (auto& [span, relations] : seen) {
    for (auto& [relation, modes] : relations) {
      auto strongest = std::max_element(modes.begin(), modes.end(), [](auto& a, auto& b) {
        return FullModeStrength(a.first) < FullModeStrength(b.first);
      });
      bool created = false;
      for (const RelationChange& c : span->result.created) created |= c.relation == relation;
      char kind = kinds[relation];
      if (!created && (kind == 'r' || kind == 'p' || kind == 'm')) span->touched.insert(relation);
      if (LockModeBlocks(strongest->first).empty()) continue;
      RelationLock lock{relation, kind, strongest->first, created,
                        static_cast<double>(strongest->second.size()) *
                            in.lock_interval_seconds};
      span->result.locks.push_back(lock);
    }
  }
}

/// Blocked stretches of reads and writes: from the first attempt that ran
/// into its lock_timeout to the next that went through.
void AddProbes(const ServerObservationInput& in, std::vector<Span>* spans) {
  std::map<std::pair<std::string, bool>, double> blocked_since;
  std::map<Span*, std::map<std::string, BlockedTable>> blocked;
  auto close = [&](const std::string& relation, bool write, double since, double until) {
    Span* s = SpanAt(spans, since);
    if (!s) return;
    BlockedTable& b = blocked[s][relation];
    b.relation = relation;
    double& longest = write ? b.write_seconds : b.read_seconds;
    longest = std::max(longest, until - since);
  };
  for (const ProbeSample& p : in.probes) {
    auto key = std::make_pair(p.relation, p.write);
    auto it = blocked_since.find(key);
    if (!p.ok && it == blocked_since.end()) blocked_since[key] = p.at;
    if (p.ok && it != blocked_since.end()) {
      close(p.relation, p.write, it->second, p.at);
      blocked_since.erase(it);
    }
  }
  for (const auto& [key, since] : blocked_since) close(key.first, key.second, since, in.ended_at);
  for (Span& s : *spans) {
    s.result.probed = true;
    std::set<std::string> relations = s.touched;
    for (const auto& [relation, b] : blocked[&s]) relations.insert(relation);
    for (const std::string& r : relations) {
      auto it = blocked[&s].find(r);
      s.result.blocked.push_back(it == blocked[&s].end() ? BlockedTable{r, 0, 0} : it->second);
    }
  }
}

/// The statements the log says each migration sent: those before the
/// k-th history row's INSERT (since the previous one) are the k-th
/// migration's, those after the last the failed one's. False, with a note,
/// when the INSERTs and the rows do not pair up; the spans keep the DDL's
/// statements then.
bool DivideSentStatements(const ServerObservationInput& in, size_t rows, size_t failed_span,
                          std::vector<Span>* spans, std::vector<std::string>* notes) {
  size_t inserts = 0;
  for (const SentStatement& s : in.sent) inserts += s.history_row ? 1 : 0;
  if (inserts != rows) {
    if (notes)
      notes->push_back("the server's log shows " + std::to_string(inserts) +
                       " history rows inserted and the table gained " + std::to_string(rows) +
                       ", so only the DDL of each migration is known, not its other "
                       "statements (such as data changes)");
    return false;
  }
  size_t k = 0;
  std::vector<std::vector<std::string>> sent(rows + 1);
  for (const SentStatement& s : in.sent) {
    if (s.history_row) {
      ++k;
      continue;
    }
    if (!s.bookkeeping) sent[k].push_back(s.text);
  }
  for (size_t i = 0; i < rows; ++i) (*spans)[i].result.statements = sent[i];
  // No history table: the whole run is one.
  if (rows == 0 && !in.failed && !spans->empty() && failed_span == 1)
    (*spans)[0].result.statements = sent[0];
  // After the last row: the failed migration's, or the tool's own ending.
  if (in.failed && failed_span < spans->size()) (*spans)[failed_span].result.statements = sent[rows];
  return true;
}

}  // namespace

SentStatement ClassifySentStatement(const std::string& text, const std::string& history_table) {
  SentStatement s;
  s.text = text;
  if (history_table.empty()) return s;
  std::string lower = AsciiLower(text);
  std::string table = AsciiLower(history_table);
  s.bookkeeping = lower.find(table) != std::string::npos;
  if (!s.bookkeeping) return s;
  // INSERT INTO [schema.]table (the history table itself, not one whose
  // name only starts like it, as knex_migrations_lock), read from the
  // statement's first tokens: `insert into db.schema.table` is seven.
  SqlTokens tokens = TokenizeSql(text, 1, 7);
  SqlTokenCursor cursor(&tokens.tokens, 0, tokens.tokens.size());
  if (cursor.Word("insert") && cursor.Word("into"))
    s.history_row = AsciiLower(cursor.Name().name) == table;
  return s;
}

std::vector<MigrationRehearsal> AttributeServerObservation(const ServerObservationInput& in,
                                                           std::vector<std::string>* notes) {
  // The tool's own run ends when its process exited; without that mark,
  // when the whole observation did.
  const double tool_end = in.tool_ended_at > 0 ? in.tool_ended_at : in.ended_at;
  std::vector<Span> spans;
  double previous = in.started_at;
  std::vector<std::string> rows;
  for (const ServerEvent& e : in.events) {
    if (e.kind != ServerEvent::Kind::kHistoryRow || e.at > tool_end) continue;
    Span s;
    s.start = previous;
    s.end = previous = e.at;
    s.result.name = e.object;
    s.result.status = MigrationRehearsal::Status::kApplied;
    rows.push_back(e.object);
    spans.push_back(std::move(s));
  }
  // No history row to divide it by (an unknown tool, or none appeared):
  // the whole run as one, when it did anything.
  if (spans.empty() && !in.failed && (!in.locks.empty() || !in.events.empty())) {
    Span s;
    s.start = in.started_at;
    s.end = previous = std::max(in.started_at, tool_end);
    s.result.name = "(the whole run)";
    s.result.status = MigrationRehearsal::Status::kApplied;
    spans.push_back(std::move(s));
  }
  size_t failed_span = spans.size();
  if (in.failed) {
    Span s;
    s.start = previous;
    s.end = previous = std::max(previous, tool_end);
    s.result.name = !in.failed_name.empty()
                        ? in.failed_name
                        : rows.empty() ? "(its first migration)"
                                       : "(the migration after " + rows.back() + ")";
    s.result.status = MigrationRehearsal::Status::kFailed;
    s.result.error = in.error.empty() ? "the tool exited with an error" : in.error;
    s.result.sqlstate = in.sqlstate;
    spans.push_back(std::move(s));
  }
  const size_t migrations = spans.size();
  // What followed the tool's run: each revert, then whatever came after the
  // last one (a revert that failed or was refused), until the end.
  if (in.tool_ended_at > 0) {
    previous = std::max(previous, in.tool_ended_at);
    for (const ServerObservationInput::Revert& r : in.reverts) {
      Span s;
      s.start = previous;
      s.end = previous = std::max(previous, r.ended_at);
      s.result.name = r.name;
      spans.push_back(std::move(s));
    }
    Span rest;
    rest.start = previous;
    rest.end = std::max(previous, in.ended_at);
    spans.push_back(std::move(rest));
  }
  for (const ServerEvent& e : in.events)
    if (Span* s = SpanAt(&spans, e.at)) AddEvent(in, e, s);
  if (!in.sent_logged || !DivideSentStatements(in, rows.size(), failed_span, &spans, notes)) {
    if (in.failed && !in.failed_statement.empty())
      spans[failed_span].result.statements.push_back(in.failed_statement);
  }
  AddLocks(in, &spans);
  if (in.probed) AddProbes(in, &spans);

  std::vector<MigrationRehearsal> out;
  for (size_t i = 0; i < migrations; ++i) {
    Span& s = spans[i];
    MigrationRehearsal& m = s.result;
    m.version = LeadingVersion(m.name);
    m.server_observed = true;
    m.locks_sampled = true;
    m.in_transaction = false;
    // The first migration starts when the tool first did something.
    double start = s.start;
    if (i == 0) {
      double first = s.end;
      for (const ServerEvent& e : in.events)
        if (e.kind != ServerEvent::Kind::kHistoryRow) first = std::min(first, e.at);
      for (const LockSample& l : in.locks) first = std::min(first, l.at);
      start = std::max(start, first);
    }
    m.seconds = std::max(0.0, s.end - start);
    for (const std::string& t : s.touched) {
      const RelationFacts* f = FactsOf(in, t);
      if (f) m.tables.push_back({t, f->rows, true, f->bytes});
    }
    out.push_back(std::move(m));
  }
  for (size_t i = migrations; i < spans.size(); ++i) {
    Span& s = spans[i];
    const MigrationRehearsal& seen = s.result;
    auto reverted = std::find_if(out.begin(), out.end(), [&](const MigrationRehearsal& m) {
      return !seen.name.empty() && m.name == seen.name &&
             m.status == MigrationRehearsal::Status::kApplied;
    });
    if (reverted == out.end()) {
      // Not a completed revert: said, never charged to a migration.
      if (notes && !seen.ddl.empty()) {
        std::string ran;
        for (const std::string& d : seen.ddl) ran += (ran.empty() ? "" : "; ") + d;
        notes->push_back("after the tool's run (a revert that did not complete, or a hook), the "
                         "server saw: " + ran);
      }
      continue;
    }
    reverted->status = MigrationRehearsal::Status::kReverted;
    reverted->revert.seconds = std::max(0.0, s.end - s.start);
    reverted->revert.ddl = seen.ddl;
    reverted->revert.statements = seen.statements;
    reverted->revert.locks = seen.locks;
    reverted->revert.rewrites = seen.rewrites;
  }
  return out;
}

std::string RewriteReasonText(int bits) {
  std::vector<std::string> reasons;
  if (bits & 1) reasons.push_back("persistence change");
  if (bits & 2) reasons.push_back("column default");
  if (bits & 4) reasons.push_back("column type change");
  if (bits & 8) reasons.push_back("access method change");
  std::string out;
  for (const std::string& r : reasons) out += (out.empty() ? "" : ", ") + r;
  return out.empty() ? "rewrite" : out;
}

std::string FailedMigrationName(const std::vector<std::string>& output,
                                const std::vector<std::string>& recorded) {
  static const std::regex kName(R"((?:^|[^\w])(\d{3,}[\w.-]*[A-Za-z][\w.-]*))");
  std::string found;
  for (const std::string& line : output) {
    for (std::sregex_iterator it(line.begin(), line.end(), kName), end; it != end; ++it) {
      std::string name = (*it)[1];
      bool done = std::any_of(recorded.begin(), recorded.end(), [&](const std::string& row) {
        return row.compare(0, name.size(), name) == 0;
      });
      if (!done) found = name;
    }
  }
  return found;
}
