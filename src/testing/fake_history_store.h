#ifndef SLUGWRIGHT_TESTING_FAKE_HISTORY_STORE_H_
#define SLUGWRIGHT_TESTING_FAKE_HISTORY_STORE_H_

// The history roles in memory: the history table (FakeHistoryTable), what
// a run writes to it (FakeHistoryStore) and what `repair` and `adopt`
// write (FakeHistoryRepair). They pass HistoryStoreContract and
// HistoryRepairContract (testing/driver_contract.h).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "migrate/history_repair.h"
#include "migrate/history_store.h"
#include "migrate/migration.h"
#include "migrate/migration_history.h"
#include "migrate/run_info.h"
#include "testing/fake_database.h"

/// The history rows and the open transaction, shared (as a virtual base)
/// by the fakes that read or write them.
class FakeHistoryTable : public virtual FakeDatabase {
 public:
  std::map<int64_t, HistoryRow> history;
  bool history_exists = false;
  bool in_transaction = false;
  std::vector<HistoryRow> pending_in_transaction;
  std::vector<int64_t> removed_in_transaction;

 protected:
  HistoryRow* Row(int64_t version) {
    auto it = history.find(version);
    return it == history.end() ? nullptr : &it->second;
  }
  /// After COMMIT or ROLLBACK: no transaction open.
  void EndTransaction() {
    in_transaction = false;
    pending_in_transaction.clear();
    removed_in_transaction.clear();
  }
  /// The applied row a migration (or an adoption) writes.
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

/// Applies and reverts log "up N" / "down N" and change `history` at once,
/// or at Commit() when inside Begin(); the event log is kept in `log`.
class FakeHistoryStore : public virtual HistoryStore, public virtual FakeHistoryTable {
 public:
  /// ReadOutcomeOnNewSession() cannot reach the server.
  bool new_session_unreachable = false;

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
  /// Counted apart from ReadHistory, whose rows it takes (one query).
  bool ReadHistoryChecksums(std::vector<HistoryChecksum>* rows) override {
    ++calls["read_history_checksums"];
    const int full_reads = calls["read_history"];
    const bool exists = HistoryStore::ReadHistoryChecksums(rows);
    calls["read_history"] = full_reads;
    return exists;
  }
  void CreateHistoryTables() override {
    ++calls["create_tables"];
    ++queries_;
    history_exists = true;
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
    EndTransaction();
  }
  void Rollback() override {
    ++queries_;
    log.push_back("rollback");
    EndTransaction();
  }
  void ApplyUp(const Migration& m, bool out_of_order, const RunInfo& run,
               Wrap wrap) override {
    ++queries_;
    HistoryRow r = RowFor(m, run);
    r.out_of_order = out_of_order;
    bool own = wrap == Wrap::kOwnTransaction;
    MaybeFail(m.up_sql, own, [&] {
      if (own) history[m.version] = r;
    });
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
  void RecordEvent(const std::string& event, int64_t version, const std::string&,
                   const std::string&, const RunInfo&) noexcept override {
    ++queries_;
    log.push_back("event " + event + (version ? " " + std::to_string(version) : ""));
  }
  LostOutcome ReadOutcomeOnNewSession(int64_t version) noexcept override {
    log.push_back("check " + std::to_string(version));
    if (new_session_unreachable) return LostOutcome::kUnknown;
    HistoryRow* r = Row(version);
    if (!r) return LostOutcome::kRolledBack;
    return r->state == MigrationState::kApplied ? LostOutcome::kApplied
                                                : LostOutcome::kUnknown;
  }
};

/// Repairs log "repair-<what> N" and change an existing row only, as an
/// UPDATE does; an adoption logs "adopt N".
class FakeHistoryRepair : public virtual HistoryRepair, public virtual FakeHistoryTable {
 public:
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
  void RecordAdopted(const Migration& m, const std::string&, const RunInfo& run) override {
    ++queries_;
    HistoryRow r = RowFor(m, run);
    if (in_transaction)
      pending_in_transaction.push_back(r);
    else
      history[m.version] = r;
    log.push_back("adopt " + std::to_string(m.version));
  }
};

#endif  // SLUGWRIGHT_TESTING_FAKE_HISTORY_STORE_H_
