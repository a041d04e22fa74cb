#include "rehearse/rehearsal_observer.h"

#include "base/clock.h"
#include "postgres/sql_session.h"
#include "sql/splitter.h"

namespace {

/// Adds the time between construction and destruction to a counter.
class Timed {
 public:
  Timed(Clock* clock, double* total, double* also = nullptr)
      : clock_(clock), total_(total), also_(also), start_(clock->Now()) {}
  ~Timed() {
    double spent = clock_->Now() - start_;
    *total_ += spent;
    if (also_) *also_ += spent;
  }

 private:
  Clock* clock_;
  double* total_;
  double* also_;
  double start_;
};

// Every user relation, as `schema.name` with quote_ident, its kind, its
// relfilenode, and for an index its table. pg_* schemas (catalog, TOAST,
// temporary) and information_schema are left out.
const char* kSnapshotSql =
    "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind, "
    "c.relfilenode, coalesce(quote_ident(tn.nspname) || '.' || quote_ident(t.relname), '') "
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_index x ON x.indexrelid = c.oid "
    "LEFT JOIN pg_class t ON t.oid = x.indrelid "
    "LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace "
    "WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' "
    "AND c.relkind IN ('r', 'p', 'i', 'I', 'm', 'v', 'S', 'f')";

// The relation locks this session holds, granted, in this database.
const char* kLocksSql =
    "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind, l.mode "
    "FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
    "AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' "
    "ORDER BY 1, 3";

bool HasStorage(char kind) { return kind == 'r' || kind == 'i' || kind == 'm'; }

bool Blocks(const std::string& mode) { return !LockModeBlocks(mode).empty(); }

}  // namespace

RehearsalObserver::RehearsalObserver(SchemaInspection* session, const std::string& conninfo,
                                     const std::vector<const Migration*>& pending,
                                     Options options, Clock* clock)
    : session_(session),
      own_session_(std::make_unique<SqlSession>(conninfo)),
      clock_(clock),
      options_(std::move(options)) {
  for (const Migration* m : pending) {
    Record r;
    r.migration = m;
    r.result.version = m->version;
    r.result.name = m->name;
    r.result.file = m->up_path;
    r.result.in_transaction = m->up_in_transaction;
    if (!m->up_in_transaction) {
      std::vector<SqlStatement> statements;
      SqlSplitError error;
      if (SplitSql(m->up_sql, m->up_first_line, &statements, &error)) {
        std::vector<std::string> texts;
        for (const SqlStatement& s : statements) texts.push_back(s.text);
        r.plain_create_index = HasNonConcurrentIndexBuild(texts);
        r.result.plain_create_index = r.plain_create_index;
      }
    }
    records_.push_back(std::move(r));
  }
}

RehearsalObserver::~RehearsalObserver() = default;

RehearsalObserver::Record* RehearsalObserver::Find(const Migration& m) {
  for (Record& r : records_)
    if (r.result.version == m.version) return &r;
  return nullptr;
}

std::vector<std::vector<std::string>> RehearsalObserver::OwnQuery(const std::string& sql) {
  return own_session_->Query(sql);
}

RehearsalObserver::Snapshot RehearsalObserver::ParseSnapshot(
    const std::vector<std::vector<std::string>>& rows) {
  Snapshot snapshot;
  for (const auto& row : rows) {
    if (row.size() < 4 || row[1].empty()) continue;
    snapshot[row[0]] = Relation{row[1][0], row[2], row[3]};
  }
  return snapshot;
}

RehearsalObserver::Snapshot RehearsalObserver::OwnSnapshot() {
  return ParseSnapshot(OwnQuery(kSnapshotSql));
}

void RehearsalObserver::BeforeApply(const Migration& m) noexcept {
  Timed timed(clock_, &overhead_seconds_);
  Record* r = Find(m);
  if (!r) return;
  if (options_.batch && !records_.empty() && r == &records_.front()) {
    // A batch (re)starts: nothing is attributed within it yet.
    batch_snapshot_valid_ = false;
    batch_locks_.clear();
  }
  r->phase = Phase::kStarted;
  MigrationRehearsal fresh;
  fresh.version = r->result.version;
  fresh.name = r->result.name;
  fresh.file = r->result.file;
  fresh.in_transaction = r->result.in_transaction;
  fresh.in_batch = options_.batch;
  fresh.plain_create_index = r->plain_create_index;
  r->result = std::move(fresh);
  r->touched.clear();
  r->compared = false;
  r->inspect_seconds = 0;
  r->started_at = clock_->Now();
  try {
    if (options_.batch && batch_snapshot_valid_) {
      r->before = batch_snapshot_;
    } else {
      r->before = OwnSnapshot();
    }
    r->before_valid = true;
  } catch (const std::exception& e) {
    r->before_valid = false;
    r->result.notes.push_back(std::string("could not list relations before it: ") + e.what());
  }
}

void RehearsalObserver::Compare(Record* r, const Snapshot& after) {
  if (!r->before_valid || r->compared) return;
  r->compared = true;
  for (const auto& [name, rel] : after) {
    if (options_.own_tables.count(name) || options_.own_tables.count(rel.table)) continue;
    auto old = r->before.find(name);
    if (old == r->before.end()) {
      if (rel.kind == 'S' || rel.kind == 'f') continue;
      r->result.created.push_back({name, rel.kind, rel.table, -1});
      if ((rel.kind == 'i' || rel.kind == 'I') && r->before.count(rel.table))
        r->touched.insert(rel.table);
      continue;
    }
    if (!HasStorage(rel.kind) || rel.filenode == old->second.filenode || rel.filenode == "0" ||
        old->second.filenode == "0")
      continue;
    r->result.rewrites.push_back({name, rel.kind, rel.table, -1});
    r->touched.insert(IsTableKind(rel.kind) ? name : rel.table);
  }
}

void RehearsalObserver::BeforeCommit(const Migration& m) noexcept {
  Record* r = Find(m);
  if (!r) return;
  Timed timed(clock_, &overhead_seconds_, &r->inspect_seconds);
  try {
    std::vector<std::vector<std::string>> locks = session_->Inspect(kLocksSql);
    Snapshot after = ParseSnapshot(session_->Inspect(kSnapshotSql));
    r->result.locks.clear();
    r->result.rewrites.clear();
    r->result.created.clear();
    r->compared = false;
    for (const auto& row : locks) {
      if (row.size() < 3 || row[1].empty()) continue;
      const std::string& name = row[0];
      char kind = row[1][0];
      const std::string& mode = row[2];
      if (options_.own_tables.count(name)) continue;
      bool created = r->before_valid && !r->before.count(name);
      // Within a batch, what earlier migrations locked stays locked: only
      // locks this migration added are its own.
      if (options_.batch && !batch_locks_.insert(name + " " + mode).second) continue;
      if (!created && IsTableKind(kind)) r->touched.insert(name);
      if (Blocks(mode)) r->result.locks.push_back({name, kind, mode, created});
    }
    r->result.locks_sampled = true;
    Compare(r, after);
    if (options_.batch) {
      batch_snapshot_ = std::move(after);
      batch_snapshot_valid_ = true;
    }
  } catch (const std::exception& e) {
    r->result.notes.push_back(std::string("could not inspect its transaction: ") + e.what());
  }
}

void RehearsalObserver::MeasureSizes(Record* r) {
  std::vector<std::string> names;
  for (const RelationChange& c : r->result.rewrites) names.push_back(c.relation);
  for (const RelationChange& c : r->result.created) names.push_back(c.relation);
  for (const std::string& t : r->touched) names.push_back(t);
  if (names.empty()) return;
  std::string array;
  for (const std::string& n : names)
    array += (array.empty() ? "" : ", ") + own_session_->Quote(n);
  auto rows = OwnQuery(
      "SELECT u.r, coalesce(c.relkind::text, ''), CASE WHEN c.oid IS NULL THEN -1 "
      "WHEN c.relkind = 'p' THEN (SELECT coalesce(sum(pg_table_size(p.relid)), 0) "
      "FROM pg_partition_tree(c.oid) p) "
      "WHEN c.relkind IN ('r', 'm') THEN pg_table_size(c.oid) "
      "ELSE pg_relation_size(c.oid) END, coalesce(c.reltuples, -1)::bigint "
      "FROM unnest(ARRAY[" + array + "]::text[]) WITH ORDINALITY AS u(r, i) "
      "LEFT JOIN pg_class c ON c.oid = to_regclass(u.r) ORDER BY u.i");
  std::map<std::string, std::pair<int64_t, int64_t>> sizes;  // bytes, reltuples
  for (const auto& row : rows)
    sizes[row[0]] = {std::stoll(row[2]), std::stoll(row[3])};
  auto bytes_of = [&](const std::string& n) {
    auto it = sizes.find(n);
    return it == sizes.end() ? int64_t{-1} : it->second.first;
  };
  for (RelationChange& c : r->result.rewrites) c.bytes = bytes_of(c.relation);
  for (RelationChange& c : r->result.created) c.bytes = bytes_of(c.relation);
  for (const std::string& t : r->touched) {
    auto it = sizes.find(t);
    if (it == sizes.end() || it->second.first < 0) continue;  // dropped since
    TableRows rows_of{t, -1, true, it->second.first};
    if (it->second.first <= options_.exact_count_max_bytes) {
      rows_of.rows = std::stoll(OwnQuery("SELECT count(*) FROM " + t).at(0).at(0));
    } else if (it->second.second >= 0) {
      rows_of.rows = it->second.second;
      rows_of.exact = false;
    }
    r->result.tables.push_back(rows_of);
  }
}

void RehearsalObserver::AfterApply(const Migration& m, double seconds) noexcept {
  Record* r = Find(m);
  if (!r) return;
  Timed timed(clock_, &overhead_seconds_);
  r->phase = Phase::kApplied;
  r->result.status = MigrationRehearsal::Status::kApplied;
  // transaction: all measures each migration's SQL alone; otherwise the
  // Migrator's time includes BeforeCommit's queries.
  r->result.seconds = options_.batch ? seconds : std::max(0.0, seconds - r->inspect_seconds);
  try {
    if (!m.up_in_transaction) Compare(r, OwnSnapshot());
    MeasureSizes(r);
  } catch (const std::exception& e) {
    r->result.notes.push_back(std::string("could not measure sizes and rows: ") + e.what());
  }
  if (!options_.batch) batch_snapshot_valid_ = false;
}

void RehearsalObserver::OnFailure(const Migration& m, const DatabaseError& error) noexcept {
  Record* r = Find(m);
  if (!r) return;
  r->phase = Phase::kFailed;
  r->result.status = MigrationRehearsal::Status::kFailed;
  r->result.seconds = std::max(0.0, clock_->Now() - r->started_at - r->inspect_seconds);
  r->result.error = error.what();
  r->result.sqlstate = error.sqlstate();
  // Whatever was seen inside it was rolled back.
  r->result.locks.clear();
  r->result.rewrites.clear();
  r->result.created.clear();
  r->result.locks_sampled = false;
  batch_snapshot_valid_ = false;
}

std::vector<MigrationRehearsal> RehearsalObserver::Results() const {
  std::vector<MigrationRehearsal> out;
  for (const Record& r : records_) {
    MigrationRehearsal m = r.result;
    if (r.phase == Phase::kWaiting) m.status = MigrationRehearsal::Status::kNotRun;
    if (r.phase == Phase::kStarted) m.status = MigrationRehearsal::Status::kRolledBack;
    out.push_back(std::move(m));
  }
  return out;
}
