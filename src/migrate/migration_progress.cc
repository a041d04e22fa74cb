#include "migrate/migration_progress.h"

#include <cstdlib>

#include "base/console.h"
#include "base/duration.h"
#include "migrate/session.h"

MigrationProgress::MigrationProgress(Console* console, Session* session, std::string label,
                                     double interval_seconds)
    : console_(console),
      session_(session),
      label_(std::move(label)),
      interval_(interval_seconds),
      start_(std::chrono::steady_clock::now()) {
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
  console_->EndProgress();
}

void MigrationProgress::SetStatement(int number, int total) {
  statements_total_ = total;
  statement_ = number;
}

void MigrationProgress::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  auto next = start_ + std::chrono::duration<double>(interval_);
  for (;;) {
    if (wake_.wait_until(lock, std::chrono::time_point_cast<std::chrono::steady_clock::duration>(next),
                         [this] { return stop_; }))
      return;
    lock.unlock();
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    Report(elapsed);
    lock.lock();
    next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(interval_));
  }
}

void MigrationProgress::Report(double elapsed) {
  std::string text = label_ + " running for " + FormatDuration(elapsed);
  LogFields fields = {{"migration", label_}, {"elapsed_ms", elapsed * 1000}};
  if (statements_total_ > 0) {
    text += ", statement " + std::to_string(statement_) + " of " +
            std::to_string(statements_total_);
    fields.emplace_back("statement", static_cast<int>(statement_));
    fields.emplace_back("statements_total", static_cast<int>(statements_total_));
  }
  std::string blocked_by = session_->BlockedBy();
  if (!blocked_by.empty()) {
    text += ", waiting for a lock held by " + blocked_by;
    fields.emplace_back("waiting_on_lock_held_by", blocked_by);
  }
  console_->Progress(text, fields);
}

double ProgressIntervalFromEnvironment() {
  const char* value = std::getenv("SLUGWRIGHT_PROGRESS_INTERVAL");
  if (!value || !*value) return 10;
  char* end = nullptr;
  double seconds = std::strtod(value, &end);
  return end && *end == '\0' && seconds >= 0 ? seconds : 10;
}
