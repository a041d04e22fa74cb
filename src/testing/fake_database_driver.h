#ifndef SLUGWRIGHT_TESTING_FAKE_DATABASE_DRIVER_H_
#define SLUGWRIGHT_TESTING_FAKE_DATABASE_DRIVER_H_

// Test doubles for the Migrator's collaborators: an in-memory database,
// a clock that advances when slept, a source of prepared migrations and a
// command runner that records calls.

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "migrate/database_driver.h"
#include "migrate/hook_runner.h"
#include "migrate/migration.h"

/// A DatabaseDriver keeping history in memory. Migration SQL is "run" by
/// logging it; `fail_sql` entries make a statement containing the key fail
/// with the given SQLSTATE (a count limits how often). It passes the
/// driver contract suite (testing/driver_contract.h) like PostgresDriver:
/// keep it so when changing either.
class FakeDatabaseDriver : public DatabaseDriver {
 public:
  struct Failure {
    std::string sqlstate;
    int times = 1000000;
    /// The connection is lost instead (connection_lost errors).
    bool lost = false;
    /// With `lost`: the server committed an own-transaction ApplyUp before
    /// the connection went (the reply never arrived).
    bool committed = false;
  };

  std::map<int64_t, HistoryRow> history;
  bool history_exists = false;
  bool lock_free = true;
  /// TryLock fails this many times before the lock frees up.
  int lock_busy_attempts = 0;
  bool locked = false;
  /// Who holds the lock when another session has it (lock_free false, or
  /// a busy attempt).
  std::vector<LockHolder> holders = {{4242, "slugwright release v41", "2024-01-01T00:00:00Z",
                                      "active", "2024-01-01T00:00:01Z"}};
  /// This session, as LockHolders() names it while it holds the lock.
  LockHolder self = {4141, "slugwright (fake)", "2024-01-01T00:00:00Z", "active",
                     "2024-01-01T00:00:02Z"};
  /// Another tool's history tables (foreign_history.h): name -> columns
  /// and rows as text.
  struct ForeignTable {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
  };
  std::map<std::string, ForeignTable> foreign_tables;
  std::map<std::string, Failure> fail_sql;
  /// What OtherHistoryTables() finds.
  std::vector<std::string> other_history_tables;
  /// ReadOutcomeOnNewSession() cannot reach the server.
  bool new_session_unreachable = false;
  /// Everything that happened, in order: "up 1", "down 2", "stmt ...",
  /// "begin", "commit", "rollback", "event run_started", ...
  std::vector<std::string> log;
  std::map<std::string, int> calls;
  bool in_transaction = false;
  std::vector<HistoryRow> pending_in_transaction;
  std::vector<int64_t> removed_in_transaction;

  std::string Describe() const override { return "u@fake:5432/db"; }
  void Connect() override { ++calls["connect"]; }
  void CheckSessionIsDirect(bool) override { ++calls["check_direct"]; }
  bool TryLock() override {
    ++calls["try_lock"];
    ++queries_;
    last_try_refused_ = true;
    if (lock_busy_attempts > 0) {
      --lock_busy_attempts;
      return false;
    }
    if (!lock_free) return false;
    last_try_refused_ = false;
    locked = true;
    return true;
  }
  bool Unlock() override {
    ++calls["unlock"];
    ++queries_;
    bool was = locked;
    locked = false;
    return was;
  }
  std::vector<LockHolder> LockHolders() override {
    ++calls["holders"];
    ++queries_;
    if (locked) return {self};
    if (!lock_free || last_try_refused_) return holders;
    return {};
  }
  bool LockHasWaiters() override {
    ++queries_;
    return false;
  }
  /// Like a session: its own open transaction's changes show.
  bool ReadHistory(std::vector<HistoryRow>* rows) override {
    ++calls["read_history"];
    ++queries_;
    rows->clear();
    if (!history_exists) return false;
    std::map<int64_t, HistoryRow> visible = history;
    for (const auto& r : pending_in_transaction) visible[r.version] = r;
    for (auto v : removed_in_transaction) visible.erase(v);
    for (auto& [v, r] : visible) rows->push_back(r);
    return true;
  }
  void CreateHistoryTables() override {
    ++calls["create_tables"];
    ++queries_;
    history_exists = true;
  }
  void SetTimeouts(double, double) override {
    ++calls["set_timeouts"];
    ++queries_;
  }
  void Begin() override {
    ++queries_;
    log.push_back("begin");
    in_transaction = true;
  }
  void Commit() override {
    ++queries_;
    log.push_back("commit");
    for (auto& r : pending_in_transaction) history[r.version] = r;
    for (auto v : removed_in_transaction) history.erase(v);
    Reset();
  }
  void Rollback() override {
    ++queries_;
    log.push_back("rollback");
    Reset();
  }
  std::vector<std::string> OtherHistoryTables() override {
    ++queries_;
    return other_history_tables;
  }
  void ApplyUp(const Migration& m, bool out_of_order, const RunInfo& run,
               Wrap wrap) override {
    ++queries_;
    HistoryRow r = RowFor(m, run);
    r.out_of_order = out_of_order;
    if (wrap == Wrap::kOwnTransaction) committed_if_lost_ = &r;
    MaybeFail(m.up_sql, wrap == Wrap::kOwnTransaction);
    committed_if_lost_ = nullptr;
    log.push_back("up " + std::to_string(m.version));
    if (wrap == Wrap::kOwnTransaction)
      history[m.version] = r;
    else
      pending_in_transaction.push_back(r);
  }
  void ApplyDown(const Migration& m, const RunInfo&, Wrap wrap) override {
    ++queries_;
    MaybeFail(m.down_sql, wrap == Wrap::kOwnTransaction);
    log.push_back("down " + std::to_string(m.version));
    if (wrap == Wrap::kOwnTransaction)
      history.erase(m.version);
    else
      removed_in_transaction.push_back(m.version);
  }
  void StartUnfinished(const Migration& m, int total, bool out_of_order,
                       const RunInfo& run) override {
    ++queries_;
    HistoryRow r = RowFor(m, run);
    r.state = MigrationState::kStarted;
    r.in_transaction = false;
    r.statements_total = total;
    r.out_of_order = out_of_order;
    history[m.version] = r;
    log.push_back("start " + std::to_string(m.version));
  }
  void ExecuteStatement(const std::string& sql) override {
    ++queries_;
    MaybeFail(sql, false);
    log.push_back("stmt " + sql);
  }
  // The row updates below change an existing row only, as an UPDATE does.
  void RecordProgress(int64_t version, int done) override {
    ++queries_;
    if (HistoryRow* r = Row(version)) r->statements_done = done;
  }
  void FinishUnfinished(const Migration& m, const RunInfo&) override {
    ++queries_;
    if (HistoryRow* r = Row(m.version)) {
      r->state = MigrationState::kApplied;
      r->statements_done = r->statements_total;
    }
    log.push_back("finish " + std::to_string(m.version));
  }
  void FailUnfinished(const Migration& m, int done, const std::string& error,
                      const RunInfo&) override {
    ++queries_;
    if (done == 0) {
      history.erase(m.version);
    } else if (HistoryRow* r = Row(m.version)) {
      r->state = MigrationState::kFailed;
      r->statements_done = done;
      r->error = error;
    }
    log.push_back("fail " + std::to_string(m.version));
  }
  void ForgetMigration(const Migration& m, const RunInfo&) override {
    ++queries_;
    history.erase(m.version);
    log.push_back("forget " + std::to_string(m.version));
  }
  LostOutcome ReadOutcomeOnNewSession(int64_t version) noexcept override {
    log.push_back("check " + std::to_string(version));
    if (new_session_unreachable) return LostOutcome::kUnknown;
    HistoryRow* r = Row(version);
    if (!r) return LostOutcome::kRolledBack;
    return r->state == MigrationState::kApplied ? LostOutcome::kApplied
                                                : LostOutcome::kUnknown;
  }
  void RecordRename(int64_t old_version, const Migration& renamed,
                    const RunInfo&) override {
    ++queries_;
    HistoryRow* r = Row(old_version);
    if (!r || r->state != MigrationState::kApplied) return;
    HistoryRow moved = *r;
    moved.version = renamed.version;
    moved.name = renamed.name;
    history.erase(old_version);
    history[moved.version] = moved;
    log.push_back("repair-rename " + std::to_string(old_version) + " " +
                  std::to_string(renamed.version));
  }
  void DeleteHistoryRow(int64_t version, const std::string&, const RunInfo&) override {
    ++queries_;
    history.erase(version);
    log.push_back("repair-delete " + std::to_string(version));
  }
  void MarkApplied(int64_t version, const std::string& checksum, const RunInfo&) override {
    ++queries_;
    if (HistoryRow* r = Row(version)) {
      r->state = MigrationState::kApplied;
      r->statements_done = r->statements_total;
      r->error.clear();
      r->checksum = checksum;
    }
    log.push_back("repair-mark " + std::to_string(version));
  }
  void UpdateChecksum(int64_t version, const std::string& checksum, const RunInfo&) override {
    ++queries_;
    if (HistoryRow* r = Row(version)) r->checksum = checksum;
    log.push_back("repair-checksum " + std::to_string(version));
  }
  void RecordEvent(const std::string& event, int64_t version, const std::string&,
                   const std::string&, const RunInfo&) noexcept override {
    ++queries_;
    log.push_back("event " + event + (version ? " " + std::to_string(version) : ""));
  }
  void RecordAdopted(const Migration& m, const std::string&, const RunInfo& run) override {
    ++queries_;
    HistoryRow r = RowFor(m, run);
    if (in_transaction)
      pending_in_transaction.push_back(r);
    else
      history[m.version] = r;
    log.push_back("adopt " + std::to_string(m.version));
  }
  std::map<std::string, std::vector<std::string>> ForeignTableColumns(
      const std::vector<std::string>& tables) override {
    ++calls["foreign_tables"];
    ++queries_;
    std::map<std::string, std::vector<std::string>> found;
    for (const auto& t : tables) {
      if (t == "slugwright_migrations" && history_exists) found[t] = HistoryAsTable().columns;
      auto it = foreign_tables.find(t);
      if (it != foreign_tables.end()) found[t] = it->second.columns;
    }
    return found;
  }
  std::vector<std::vector<std::string>> ReadForeignTable(
      const std::string& table, const std::vector<std::string>& columns) override {
    ++queries_;
    std::map<std::string, ForeignTable> tables = foreign_tables;
    if (history_exists) tables["slugwright_migrations"] = HistoryAsTable();
    auto it = tables.find(table);
    if (it == tables.end())
      throw DatabaseError("relation \"" + table + "\" does not exist", "42P01", false);
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : it->second.rows) {
      std::vector<std::string> picked;
      for (const auto& c : columns) {
        auto col = std::find(it->second.columns.begin(), it->second.columns.end(), c);
        if (col == it->second.columns.end())
          throw DatabaseError("column \"" + c + "\" does not exist", "42703", false);
        picked.push_back(row[col - it->second.columns.begin()]);
      }
      rows.push_back(picked);
    }
    return rows;
  }
  std::vector<std::string> InvalidIndexes() override {
    ++queries_;
    return {};
  }
  void Cancel() noexcept override { ++calls["cancel"]; }
  int queries_sent() const override { return queries_; }

  bool Logged(const std::string& entry) const {
    return std::find(log.begin(), log.end(), entry) != log.end();
  }
  /// Index of the first log entry, or -1.
  int IndexOf(const std::string& entry) const {
    auto it = std::find(log.begin(), log.end(), entry);
    return it == log.end() ? -1 : static_cast<int>(it - log.begin());
  }

 private:
  HistoryRow* Row(int64_t version) {
    auto it = history.find(version);
    return it == history.end() ? nullptr : &it->second;
  }
  void Reset() {
    in_transaction = false;
    pending_in_transaction.clear();
    removed_in_transaction.clear();
  }
  void MaybeFail(const std::string& sql, bool own_transaction) {
    for (auto& [key, failure] : fail_sql) {
      if (sql.find(key) == std::string::npos || failure.times <= 0) continue;
      --failure.times;
      if (failure.lost) {
        log.push_back("lost " + key);
        if (failure.committed && committed_if_lost_)
          history[committed_if_lost_->version] = *committed_if_lost_;
        throw DatabaseError("simulated lost connection at " + key, "08006", true);
      }
      log.push_back("error " + failure.sqlstate + " " + key);
      if (own_transaction) log.push_back("rollback");
      throw DatabaseError("simulated error " + failure.sqlstate + " at " + key,
                          failure.sqlstate, false);
    }
  }
  /// The history as the database shows it to a plain SELECT (committed).
  ForeignTable HistoryAsTable() const {
    ForeignTable t{{"version", "name", "checksum", "state"}, {}};
    for (const auto& [v, r] : history)
      t.rows.push_back({std::to_string(v), r.name, r.checksum, ToString(r.state)});
    return t;
  }
  int queries_ = 0;
  /// The row an own-transaction ApplyUp commits, while it runs.
  const HistoryRow* committed_if_lost_ = nullptr;
  /// The last TryLock found the lock held elsewhere.
  bool last_try_refused_ = false;

  static HistoryRow RowFor(const Migration& m, const RunInfo& run) {
    HistoryRow r;
    r.version = m.version;
    r.name = m.name;
    r.checksum = m.checksum;
    r.release = run.release;
    r.app = run.app;
    r.applied_at = "2024-01-01T00:00:00Z";
    return r;
  }
};

/// Time that passes only when slept.
class FakeClock : public Clock {
 public:
  double now = 1000;
  std::vector<double> sleeps;
  double Now() override { return now; }
  bool Sleep(double seconds) override {
    sleeps.push_back(seconds);
    now += seconds;
    return true;
  }
};

/// A MigrationSource handing out prepared migrations.
class FakeSource : public MigrationSource {
 public:
  std::vector<Migration> migrations;
  std::vector<Migration> ReadAll() override { return migrations; }
  std::string Describe() const override { return "migrations/"; }

  Migration& Add(int64_t version, const std::string& up, const std::string& down = "",
                 bool in_transaction = true) {
    Migration m;
    m.version = version;
    m.name = "m" + std::to_string(version);
    m.up_path = m.down_path = "migrations/" + std::to_string(version) + "_" + m.name + ".sql";
    m.up_sql = up;
    m.down_sql = down;
    m.has_down = !down.empty();
    m.up_in_transaction = in_transaction;
    m.checksum = "sha256:" + up;
    migrations.push_back(m);
    return migrations.back();
  }
};

/// Records commands instead of running them; `exit_codes` says how each
/// command ends (0 by default), `outputs` what it printed last, `effects`
/// what it does meanwhile (e.g. a tool writing its history table).
class RecordingRunner : public CommandRunner {
 public:
  struct Call {
    std::string command;
    std::map<std::string, std::string> env;
  };
  std::vector<Call> calls;
  std::map<std::string, int> exit_codes;
  std::map<std::string, std::vector<std::string>> outputs;
  std::map<std::string, std::function<void()>> effects;

  ProcessResult Run(const std::string& command, const std::map<std::string, std::string>& env,
                    double, const std::string&, bool) override {
    calls.push_back({command, env});
    auto effect = effects.find(command);
    if (effect != effects.end()) effect->second();
    ProcessResult result;
    auto it = exit_codes.find(command);
    result.exit_code = it == exit_codes.end() ? 0 : it->second;
    auto said = outputs.find(command);
    if (said != outputs.end()) result.last_lines = said->second;
    return result;
  }
};

#endif  // SLUGWRIGHT_TESTING_FAKE_DATABASE_DRIVER_H_
