#ifndef SLUGWRIGHT_POSTGRES_POSTGRES_RELEASE_LEDGER_H_
#define SLUGWRIGHT_POSTGRES_POSTGRES_RELEASE_LEDGER_H_

// The release ledger (ledger/release_ledger.h) in PostgreSQL: the table
// `<history table>_releases` beside the history, a session advisory lock
// per release key that the executing run holds, and LISTEN/NOTIFY on
// `slugwright_release_finished`, so that every waiting run learns an outcome
// the moment it commits. Its own session, apart from the migration
// driver's: the key lock must outlive the driver's reconnects and its
// migration lock.

#include <memory>
#include <string>

#include "ledger/release_ledger.h"
#include "postgres/database_url.h"
#include "postgres/history_table.h"

class Redactor;

class PostgresReleaseLedger : public ReleaseLedger {
 public:
  /// The ledger of `history` on `target`; `application_name` says who runs
  /// (pg_stat_activity); `redactor` scrubs every error message.
  PostgresReleaseLedger(DatabaseTarget target, HistoryTableName history,
                        std::string application_name, const Redactor* redactor);
  ~PostgresReleaseLedger() override;

  std::string Describe() const override;
  void Open() override;
  bool Read(const ReleaseKey& key, ReleaseRecord* record) override;
  std::vector<ReleaseRecord> List(const std::string& commit, int limit) override;
  int LatestAttempt(const std::string& commit) override;
  bool TryLockKey(const ReleaseKey& key) override;
  void UnlockKey(const ReleaseKey& key) override;
  void Start(const ReleaseKey& key, const std::string& service, const std::string& run_id,
             const std::string& taken_over_from) override;
  bool Finish(const ReleaseKey& key, const std::string& run_id,
              const ReleaseResult& result) override;
  void AddWaiter(const ReleaseKey& key, const std::string& service) override;
  bool WaitForFinish(double seconds) override;

  /// Accept a proxy known to be a session-mode pooler (--allow-session-pooler),
  /// where the key lock and LISTEN still hold; a transaction pooler is
  /// refused always.
  void set_allow_session_pooler(bool allow);

  /// Opens the session only to read (`slugwright releases`): no table is
  /// created; false when the ledger does not exist.
  bool OpenToRead();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The keys of a release key's advisory lock: "rels" and the FNV-1a hash
/// of the ledger table, the commit and the attempt (top bit cleared).
AdvisoryLockKeys ReleaseLockKeysFor(const HistoryTableName& history, const ReleaseKey& key);

#endif  // SLUGWRIGHT_POSTGRES_POSTGRES_RELEASE_LEDGER_H_
