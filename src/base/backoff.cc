#include "base/backoff.h"

#include <algorithm>

Backoff::Backoff(double initial, double max, uint64_t seed)
    : current_(std::max(initial, 0.0)), max_(std::max(max, initial)), random_(seed) {}

double Backoff::Next() {
  double upper = std::min(current_, max_);
  std::uniform_real_distribution<double> jitter(upper / 2, upper);
  double delay = upper > 0 ? jitter(random_) : 0;
  current_ = std::min(current_ * 2, max_);
  ++attempts_;
  return delay;
}
