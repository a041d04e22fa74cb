#include "base/clock.h"

#include <chrono>
#include <thread>

#include "base/interrupt.h"

double RealClock::Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool RealClock::Sleep(double seconds) {
  if (seconds <= 0) return !(interrupt_ && interrupt_->requested());
  if (interrupt_) return interrupt_->WaitFor(seconds);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return true;
}
