#ifndef SLUGWRIGHT_MIGRATE_HISTORY_STORE_H_
#define SLUGWRIGHT_MIGRATE_HISTORY_STORE_H_

// The history role of a database driver (database_driver.h): slugwright's
// history and event tables, and every write a migration run makes to them.
// One role with the transactions and the lost-commit check because they
// are one promise: each history row is written in the same transaction as
// its migration's SQL (ApplyUp/ApplyDown, or Begin..Commit for
// `transaction: all` and `migrate adopt`), progress of a transaction:false
// migration is recorded after each statement, and after a lost connection
// the history row alone says whether the COMMIT landed. Rows written
// without running a migration (`migrate repair`, `adopt`) are
// HistoryRepair's (history_repair.h).

#include <cstdint>
#include <string>
#include <vector>

#include "migrate/database_error.h"
#include "migrate/migration.h"
#include "migrate/migration_history.h"
#include "migrate/run_info.h"

/// Where the history lives, on the driver's Session. Every method throws
/// DatabaseError for a database failure unless it says otherwise.
class HistoryStore {
 public:
  /// How an apply or revert is wrapped.
  enum class Wrap {
    /// BEGIN and COMMIT are sent with the SQL in one round trip; on error
    /// the transaction is rolled back before the call throws.
    kOwnTransaction,
    /// The caller opened a transaction with Begin() (transaction: all).
    kInOpenTransaction,
  };

  virtual ~HistoryStore() = default;

  /// Every history row, in version order, in one SELECT. Returns false
  /// (and no rows) when the history table does not exist yet.
  virtual bool ReadHistory(std::vector<HistoryRow>* rows) = 0;
  /// What a no-op release compares with the files: each history row's
  /// version and checksum, and whether it is applied (state applied), in
  /// version order. False (and no rows) when the history table does not
  /// exist yet. By default taken from ReadHistory; a driver reads only
  /// these columns.
  virtual bool ReadHistoryChecksums(std::vector<HistoryChecksum>* rows) {
    rows->clear();
    std::vector<HistoryRow> full;
    if (!ReadHistory(&full)) return false;
    rows->reserve(full.size());
    for (HistoryRow& row : full)
      rows->push_back(
          {row.version, std::move(row.checksum), row.state == MigrationState::kApplied});
    return true;
  }
  /// Creates the history and event tables (and schema) if missing. Called
  /// under the lock.
  virtual void CreateHistoryTables() = 0;

  virtual void Begin() = 0;
  virtual void Commit() = 0;
  /// Never throws; a lost connection rolls back on its own.
  virtual void Rollback() = 0;

  /// Runs a transactional migration's up SQL and writes its history row and
  /// an `applied` event, with no other round trip. Every statement's outcome
  /// is checked: one that leaves the session in a COPY state (COPY FROM
  /// STDIN without data) is an error naming it, and the session is usable
  /// again (the transaction rolled back) when the call throws.
  virtual void ApplyUp(const Migration& migration, bool out_of_order,
                       const RunInfo& run, Wrap wrap) = 0;
  /// Runs a transactional down SQL and deletes the history row, logging a
  /// `reverted` event.
  virtual void ApplyDown(const Migration& migration, const RunInfo& run,
                         Wrap wrap) = 0;

  /// Non-transactional migrations: each statement on its own
  /// (Session::ExecuteStatement), progress in the history row so a killed
  /// run leaves a visible state.
  virtual void StartUnfinished(const Migration& migration, int statements_total,
                               bool out_of_order, const RunInfo& run) = 0;
  virtual void RecordProgress(int64_t version, int statements_done) = 0;
  virtual void FinishUnfinished(const Migration& migration, const RunInfo& run) = 0;
  /// Marks the row failed with the error; with `statements_done` 0 (nothing
  /// applied) the row is deleted instead so the migration is pending again.
  virtual void FailUnfinished(const Migration& migration, int statements_done,
                              const std::string& error, const RunInfo& run) = 0;
  /// After a non-transactional down section: deletes the history row.
  virtual void ForgetMigration(const Migration& migration, const RunInfo& run) = 0;

  /// Appends to the event log (autocommit). Never throws: the event log
  /// must not hide the error being reported.
  virtual void RecordEvent(const std::string& event, int64_t version,
                           const std::string& name, const std::string& detail,
                           const RunInfo& run) noexcept = 0;

  /// What a lost connection left of `version`, read on a new session of its
  /// own (no lock, nothing written, closed at once): after the session was
  /// lost with a COMMIT in flight, whether the server committed it.
  enum class LostOutcome { kUnknown, kRolledBack, kApplied, kAppliedByAnotherRun };
  /// kApplied when the history row is there and applied, kRolledBack when
  /// there is none, kUnknown when the server cannot be reached. Never throws.
  /// kAppliedByAnotherRun when the row is another run's (the lock passed to
  /// a waiting release while this one was cut off, and the link came
  /// back): this run's transaction was rolled back.
  virtual LostOutcome ReadOutcomeOnNewSession(int64_t version) noexcept = 0;
};

#endif  // SLUGWRIGHT_MIGRATE_HISTORY_STORE_H_
