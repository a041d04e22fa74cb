#ifndef SLUGWRIGHT_TESTING_FAKE_CLOCK_H_
#define SLUGWRIGHT_TESTING_FAKE_CLOCK_H_

#include <vector>

#include "base/clock.h"

/// Time that passes only when slept.
class FakeClock : public Clock {
 public:
  double now = 1000;
  std::vector<double> sleeps;
  double Now() override { return now; }
  bool Sleep(double seconds) override {
    sleeps.push_back(seconds);
    now += seconds;
    return true;
  }
};

#endif  // SLUGWRIGHT_TESTING_FAKE_CLOCK_H_
