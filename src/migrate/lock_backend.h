#ifndef SLUGWRIGHT_MIGRATE_LOCK_BACKEND_H_
#define SLUGWRIGHT_MIGRATE_LOCK_BACKEND_H_

// The lock role of a database driver (database_driver.h): the migration
// lock, which only one runner per history table holds. Its own role because
// MigrationLock (migration_lock.h) needs nothing else: it polls TryLock,
// names the holder while it waits, and unlocks. The lock lives on the
// driver's Session (a session lock), which the caller connects.

#include <string>
#include <vector>

#include "migrate/database_error.h"

/// The session holding the migration lock, for "waiting for ..." messages.
struct LockHolder {
  int pid = 0;
  std::string application_name;
  /// When its session started (ISO 8601, UTC).
  std::string backend_start;
  /// pg_stat_activity.state and the start of its current query.
  std::string state;
  std::string query_start;
  /// SchemaInspection::RelationLockHolders: the table it holds a lock on,
  /// the lock's mode (e.g. AccessShareLock) and its current or last query.
  std::string relation;
  std::string mode;
  std::string query;
};

/// The session-level migration lock. Every method throws DatabaseError for
/// a database failure.
class LockBackend {
 public:
  virtual ~LockBackend() = default;

  /// One non-blocking attempt at the session-level migration lock:
  /// slugwright polls, so no session ever queues on the lock.
  virtual bool TryLock() = 0;
  /// Releases it; false when this session did not hold it.
  virtual bool Unlock() = 0;
  /// The sessions holding the lock (usually one).
  virtual std::vector<LockHolder> LockHolders() = 0;
  /// True when any session is queued waiting for the lock (there should
  /// never be one: slugwright only polls).
  virtual bool LockHasWaiters() = 0;
};

#endif  // SLUGWRIGHT_MIGRATE_LOCK_BACKEND_H_
