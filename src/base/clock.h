#ifndef SLUGWRIGHT_BASE_CLOCK_H_
#define SLUGWRIGHT_BASE_CLOCK_H_

class Interrupt;

/// Time as the migrator sees it, so tests of waiting and retrying run
/// without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Seconds since an arbitrary start, monotonic.
  virtual double Now() = 0;
  /// Sleeps; returns false when woken early by an interrupt.
  virtual bool Sleep(double seconds) = 0;
};

/// The steady clock; sleeps end early on SIGTERM/SIGINT.
class RealClock : public Clock {
 public:
  /// `interrupt` may be null.
  explicit RealClock(Interrupt* interrupt) : interrupt_(interrupt) {}
  double Now() override;
  bool Sleep(double seconds) override;

 private:
  Interrupt* interrupt_;
};

#endif  // SLUGWRIGHT_BASE_CLOCK_H_
