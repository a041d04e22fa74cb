#ifndef SLUGWRIGHT_MIGRATE_LOCK_TIMEOUT_RETRY_H_
#define SLUGWRIGHT_MIGRATE_LOCK_TIMEOUT_RETRY_H_

// The one rule for running a step again after it hit lock_timeout: a
// transaction (or statement) that waited too long for a lock another
// session holds is rolled back by the server, so it is safe to try again,
// up to `lock_retries` times with jittered backoff, unless interrupted.

#include <cstdint>
#include <string>

#include "migrate/database_driver.h"
#include "migrate/database_error.h"
#include "migrate/run_observer.h"

class Clock;
class Interrupt;

class LockTimeoutRetry {
 public:
  /// `interrupt` may be null; `seed` seeds the jitter.
  LockTimeoutRetry(double lock_timeout_seconds, int lock_retries, uint64_t seed, Clock* clock,
                   RunObserver* events, Interrupt* interrupt);

  /// Whether attempt number `attempt` (1 for the first) that failed with
  /// `error` may run again: a lock_timeout (SQLSTATE 55P03), retries left,
  /// no interrupt.
  bool Retryable(const DatabaseError& error, int attempt) const;
  /// If Retryable, tells `events` (naming `what`) and sleeps the backoff;
  /// false when not retryable or interrupted while sleeping.
  bool WaitToRetry(const DatabaseError& error, int attempt, const RetrySubject& what);

 private:
  double lock_timeout_seconds_;
  int lock_retries_;
  uint64_t seed_;
  Clock* clock_;
  RunObserver* events_;
  Interrupt* interrupt_;
};

#endif  // SLUGWRIGHT_MIGRATE_LOCK_TIMEOUT_RETRY_H_
