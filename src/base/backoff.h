#ifndef SLUGWRIGHT_BASE_BACKOFF_H_
#define SLUGWRIGHT_BASE_BACKOFF_H_

#include <cstdint>
#include <random>

/// Delays between attempts that grow exponentially up to a cap, each
/// randomised within [d/2, d] ("equal jitter"), so runners that start
/// together spread out instead of polling in lockstep. Used for polling the
/// migration lock and for retrying a migration that hit lock_timeout.
class Backoff {
 public:
  /// `initial` is the first upper bound; it doubles after each attempt up
  /// to `max`. Seconds.
  Backoff(double initial, double max, uint64_t seed);
  /// The next delay in seconds.
  double Next();
  int attempts() const { return attempts_; }

 private:
  double current_;
  double max_;
  int attempts_ = 0;
  std::mt19937_64 random_;
};

#endif  // SLUGWRIGHT_BASE_BACKOFF_H_
