#include "migrate/lock_timeout_retry.h"

#include "base/backoff.h"
#include "base/clock.h"
#include "base/interrupt.h"

namespace {

/// SQLSTATE lock_not_available: lock_timeout expired.
const char kLockNotAvailable[] = "55P03";

}  // namespace

LockTimeoutRetry::LockTimeoutRetry(double lock_timeout_seconds, int lock_retries,
                                   uint64_t seed, Clock* clock, RunObserver* events,
                                   Interrupt* interrupt)
    : lock_timeout_seconds_(lock_timeout_seconds),
      lock_retries_(lock_retries),
      seed_(seed),
      clock_(clock),
      events_(events),
      interrupt_(interrupt) {}

bool LockTimeoutRetry::Retryable(const DatabaseError& error, int attempt) const {
  return error.sqlstate() == kLockNotAvailable && attempt <= lock_retries_ &&
         !(interrupt_ && interrupt_->requested());
}

bool LockTimeoutRetry::WaitToRetry(const DatabaseError& error, int attempt,
                                   const RetrySubject& what) {
  if (!Retryable(error, attempt)) return false;
  Backoff backoff(1.0, 30.0, seed_ + attempt);
  double delay = 0;
  for (int i = 0; i < attempt; ++i) delay = backoff.Next();
  events_->LockTimeoutRetried({what, lock_timeout_seconds_, attempt, lock_retries_, delay});
  return clock_->Sleep(delay);
}
