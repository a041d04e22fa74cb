#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_LOCK_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_LOCK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "migrate/lock_backend.h"
#include "migrate/session.h"

class Clock;
class Interrupt;
class RunObserver;

/// Takes the migration lock the one way that cannot hurt production: a
/// session advisory lock, tried with pg_try_advisory_lock and retried with
/// jittered exponential backoff until a deadline. Nothing ever waits for it
/// on the server, so no waiter is left behind when a runner gives up or is
/// killed, and no waiter can deadlock with CREATE INDEX CONCURRENTLY (which
/// waits for every open transaction, including a blocked lock request).
class MigrationLock {
 public:
  enum class Result { kAcquired, kTimedOut, kInterrupted };

  MigrationLock(LockBackend* lock, Clock* clock, RunObserver* events)
      : lock_(lock), clock_(clock), events_(events) {}

  /// Tries at once, then keeps trying for `wait_seconds` (0: only once).
  /// While waiting, tells `events` who holds the lock, at first and every 30 s.
  Result Acquire(double wait_seconds, uint64_t seed);
  /// Releases the lock if held; tells `events` when the server says this
  /// session did not hold it (a pooler moved the session).
  void Release();
  bool held() const { return held_; }
  /// Who held the lock when Acquire last failed.
  const std::vector<LockHolder>& last_holders() const { return last_holders_; }
  int attempts() const { return attempts_; }

 private:
  /// Looks up the holders; reports them when `announce`.
  void NoteHolder(bool announce, bool first, double waited, double wait_seconds);

  LockBackend* lock_;
  Clock* clock_;
  RunObserver* events_;
  bool held_ = false;
  int attempts_ = 0;
  std::vector<LockHolder> last_holders_;
};

/// Connects `session`; an unreachable server is RunError::Kind::kUnreachable.
void ConnectOrThrow(Session* session);

/// How a ScopedMigrationLock takes the lock.
struct MigrationLockOptions {
  /// How long to keep trying (0: once).
  double wait_seconds = 0;
  /// Seeds the jitter of the polling.
  uint64_t seed = 0;
  /// Run even behind a proxy that looks like a session-mode pooler.
  bool allow_session_pooler = false;
  /// The session is connected already (`up` read the history first to see
  /// whether there is anything to lock for): take the lock on that session.
  bool connected = false;
};

/// The preamble of every command that writes the history: connects
/// `session`, refuses a session-mode pooler, takes `lock` (the migration
/// lock of that session), and releases it when it goes out of scope (on
/// every exit path, also when the constructor itself throws after taking
/// it). Throws RunError: kUnreachable, kLocked when the lock was not
/// acquired in time (with its holders), kInterrupted... when a signal
/// arrived while waiting or just after. `interrupt` may be null.
class ScopedMigrationLock {
 public:
  ScopedMigrationLock(Session* session, LockBackend* lock, Clock* clock, RunObserver* events,
                      Interrupt* interrupt, const MigrationLockOptions& options);
  ~ScopedMigrationLock() { lock_.Release(); }
  ScopedMigrationLock(const ScopedMigrationLock&) = delete;
  ScopedMigrationLock& operator=(const ScopedMigrationLock&) = delete;

 private:
  void Take(Session* session, Clock* clock, RunObserver* events, Interrupt* interrupt,
            const MigrationLockOptions& options);

  MigrationLock lock_;
};

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_LOCK_H_
