#ifndef SLUGWRIGHT_BASE_INTERRUPT_H_
#define SLUGWRIGHT_BASE_INTERRUPT_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

/// Turns SIGTERM and SIGINT into an orderly stop. Heroku stops a dyno with
/// SIGTERM and sends SIGKILL 30 seconds later, so the running statement is
/// cancelled at once (the on-cancel callback, PQcancel), and the code in
/// progress sees requested() and rolls back, runs the on-failure hooks,
/// releases the lock and exits 143 (SIGTERM) or 130 (SIGINT).
///
/// The signal handler only writes to a pipe; a watcher thread does the
/// rest outside signal context. Waits (lock polling, retry backoff) use
/// WaitFor() so that they end early.
class Interrupt {
 public:
  Interrupt() = default;
  ~Interrupt();
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;

  /// Installs the SIGTERM and SIGINT handlers and starts the watcher. At
  /// most one Interrupt is installed at a time; the destructor restores
  /// the previous handlers.
  void Install();
  /// Called (from the watcher thread) when a signal arrives; replaces any
  /// earlier callback. Pass nullptr to clear. Waits for the earlier callback
  /// when it is running, so that once this returns, what it captured (the
  /// session it cancels) is no longer used and may be destroyed. The
  /// callback must not call SetOnInterrupt.
  void SetOnInterrupt(std::function<void()> callback);
  /// Behaves as if `signal_number` had arrived (for tests and timeouts).
  void Request(int signal_number);

  bool requested() const { return signal_ != 0; }
  /// The signal received, 0 when none.
  int signal() const { return signal_; }
  /// "interrupted by SIGTERM": the reason a stopped step gives.
  std::string Reason() const;
  /// 130 for SIGINT, 143 for SIGTERM (128 + the signal number).
  int exit_code() const;
  /// Sleeps up to `seconds`; returns false early when interrupted.
  bool WaitFor(double seconds);

 private:
  void Watch();
  void Deliver(int signal_number);

  std::atomic<int> signal_{0};
  /// Guards the wait of WaitFor (with wake_).
  std::mutex mutex_;
  std::condition_variable wake_;
  /// Guards on_interrupt_, held while it runs.
  std::mutex callback_mutex_;
  std::function<void()> on_interrupt_;
  std::thread watcher_;
  int pipe_[2] = {-1, -1};
  bool installed_ = false;
};

/// "SIGINT", "SIGTERM" or "a signal".
const char* SignalName(int signal_number);

#endif  // SLUGWRIGHT_BASE_INTERRUPT_H_
