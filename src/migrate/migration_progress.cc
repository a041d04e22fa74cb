#include "migrate/migration_progress.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "base/clock.h"
#include "migrate/run_observer.h"
#include "migrate/session.h"

MigrationProgress::MigrationProgress(RunObserver* events, Session* session, Clock* clock,
                                     const Migration* migration, double interval_seconds)
    : events_(events),
      session_(session),
      clock_(clock),
      migration_(migration),
      interval_(interval_seconds),
      start_(clock->Now()) {
  if (interval_ > 0) thread_ = std::thread([this] { Loop(); });
}

MigrationProgress::~MigrationProgress() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  events_->MigrationRunningEnded();
}

void MigrationProgress::SetStatement(int number, int total) {
  statements_total_ = total;
  statement_ = number;
}

void MigrationProgress::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  double next = start_ + interval_;
  for (;;) {
    // The wait itself is the only real-time part: the deadline and the
    // elapsed time come from the Clock.
    double left = std::max(0.0, next - clock_->Now());
    if (wake_.wait_for(lock, std::chrono::duration<double>(left), [this] { return stop_; }))
      return;
    if (clock_->Now() < next) continue;
    lock.unlock();
    Report(clock_->Now() - start_);
    lock.lock();
    next += interval_;
  }
}

void MigrationProgress::Report(double elapsed) {
  MigrationRunningEvent event;
  event.migration = migration_;
  event.elapsed_seconds = elapsed;
  if (statements_total_ > 0) {
    event.statement = statement_;
    event.statements_total = statements_total_;
  }
  event.blocked_by = session_->BlockedBy();
  events_->MigrationRunning(event);
}

double ProgressIntervalFromEnvironment() {
  const char* value = std::getenv("SLUGWRIGHT_PROGRESS_INTERVAL");
  if (!value || !*value) return 10;
  char* end = nullptr;
  double seconds = std::strtod(value, &end);
  return end && *end == '\0' && seconds >= 0 ? seconds : 10;
}
