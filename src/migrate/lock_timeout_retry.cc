#include "migrate/lock_timeout_retry.h"

#include "base/backoff.h"
#include "base/clock.h"
#include "base/console.h"
#include "base/duration.h"
#include "base/interrupt.h"

namespace {

/// SQLSTATE lock_not_available: lock_timeout expired.
const char kLockNotAvailable[] = "55P03";

}  // namespace

LockTimeoutRetry::LockTimeoutRetry(double lock_timeout_seconds, int lock_retries,
                                   uint64_t seed, Clock* clock, Console* console,
                                   Interrupt* interrupt)
    : lock_timeout_seconds_(lock_timeout_seconds),
      lock_retries_(lock_retries),
      seed_(seed),
      clock_(clock),
      console_(console),
      interrupt_(interrupt) {}

bool LockTimeoutRetry::Retryable(const DatabaseError& error, int attempt) const {
  return error.sqlstate() == kLockNotAvailable && attempt <= lock_retries_ &&
         !(interrupt_ && interrupt_->requested());
}

bool LockTimeoutRetry::WaitToRetry(const DatabaseError& error, int attempt,
                                   const std::string& what) {
  if (!Retryable(error, attempt)) return false;
  Backoff backoff(1.0, 30.0, seed_ + attempt);
  double delay = 0;
  for (int i = 0; i < attempt; ++i) delay = backoff.Next();
  console_->Detail(what + " hit lock_timeout (" + FormatDuration(lock_timeout_seconds_) +
                   ": another session holds a lock it needs); retry " +
                   std::to_string(attempt) + " of " + std::to_string(lock_retries_) + " in " +
                   FormatDuration(delay));
  return clock_->Sleep(delay);
}
