#ifndef SLUGWRIGHT_LEDGER_RELEASE_LEDGER_H_
#define SLUGWRIGHT_LEDGER_RELEASE_LEDGER_H_

// The release ledger: one row per release key in the database being
// migrated, so that the services deploying one commit run its release once
// and share its outcome with PostgreSQL as the only coordinator
// (release_coordinator.h decides; postgres/postgres_release_ledger.h keeps
// the rows).

#include <string>
#include <vector>

/// What identifies one release: the commit every service deploys, and an
/// attempt label that a team raises to run a failed release again.
struct ReleaseKey {
  std::string commit;
  int attempt = 1;
};

enum class ReleaseState { kRunning, kSucceeded, kFailed };
/// "running", "succeeded", "failed": the ledger's words.
const char* ToString(ReleaseState state);
/// False for any other word.
bool ParseReleaseState(const std::string& word, ReleaseState* state);

/// One row of the ledger.
struct ReleaseRecord {
  ReleaseKey key;
  ReleaseState state = ReleaseState::kRunning;
  /// The service executing (or that executed) the release, and its run id.
  std::string service;
  std::string run_id;
  /// ISO 8601, UTC; finished_at is "" while running.
  std::string started_at;
  std::string finished_at;
  /// From start to finish (0 while running).
  double seconds = 0;
  /// Migrations the release applied.
  int applied = 0;
  /// A failed release: the migration that failed ("" when a hook or the
  /// tool failed outside one) and the server's or the tool's message.
  std::string failed_migration;
  std::string error;
  /// The service whose run died while executing, when this one took over.
  std::string taken_over_from;
  /// The services that waited for the outcome or found it recorded, in
  /// the order they learned it.
  std::vector<std::string> waiters;
};

/// What executing a release produced, for the ledger.
struct ReleaseResult {
  /// The exit status of the run: 0 and 1 are outcomes that every service
  /// shares; any other (a lock not acquired, a refusal, a signal) records
  /// no outcome, and the next waiter runs the release itself.
  int exit_code = 0;
  int applied = 0;
  std::string failed_migration;
  std::string error;
};

/// The ledger's store. Every method throws std::runtime_error (with the
/// server's message, never a password) when the database fails.
class ReleaseLedger {
 public:
  virtual ~ReleaseLedger() = default;

  /// The ledger table, e.g. "public.slugwright_migrations_releases".
  virtual std::string Describe() const = 0;
  /// Connects, creates the table when it is missing, and starts listening
  /// for finished releases.
  virtual void Open() = 0;
  /// The row of `key`; false when there is none.
  virtual bool Read(const ReleaseKey& key, ReleaseRecord* record) = 0;
  /// The rows of `commit` ("" for every commit), newest first, at most
  /// `limit`.
  virtual std::vector<ReleaseRecord> List(const std::string& commit, int limit) = 0;
  /// The highest attempt recorded for `commit`; 0 when none.
  virtual int LatestAttempt(const std::string& commit) = 0;

  /// One non-blocking attempt at the key's session lock, which the
  /// executing run holds from before it records `running` until after it
  /// records the outcome. The server drops it with the session, so a row
  /// that says `running` while the lock is free belongs to a dead run.
  virtual bool TryLockKey(const ReleaseKey& key) = 0;
  virtual void UnlockKey(const ReleaseKey& key) = 0;

  /// Records `service` executing `key`: a new row, or, with
  /// `taken_over_from`, the running row of a dead run.
  virtual void Start(const ReleaseKey& key, const std::string& service,
                     const std::string& run_id, const std::string& taken_over_from) = 0;
  /// Records the outcome of run `run_id` and wakes every waiting run in
  /// the same commit. A session lost since Start is replaced by a new one
  /// for this. False, recording nothing, when the row is no longer that
  /// run's: its session was lost while it executed, so another run took
  /// the key over.
  virtual bool Finish(const ReleaseKey& key, const std::string& run_id,
                      const ReleaseResult& result) = 0;
  /// Adds `service` to the row's waiters.
  virtual void AddWaiter(const ReleaseKey& key, const std::string& service) = 0;
  /// Blocks until some release finishes or `seconds` pass; true when one
  /// finished (then Read says which).
  virtual bool WaitForFinish(double seconds) = 0;
};

#endif  // SLUGWRIGHT_LEDGER_RELEASE_LEDGER_H_
