#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_PROGRESS_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_PROGRESS_H_

// Progress of a long migration: while one runs, a thread prints every
// `interval` seconds how long it has been running, which statement of a
// transaction:false migration is on, and, when it waits on a lock, who
// holds it (Session::BlockedBy). Console::Progress redraws one line
// on a terminal and prints a line (or a JSON `progress` event) elsewhere.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

class Console;
class Session;

class MigrationProgress {
 public:
  /// Starts reporting on `label`; `interval_seconds` <= 0 reports nothing.
  MigrationProgress(Console* console, Session* session, std::string label,
                    double interval_seconds);
  /// Stops the thread and ends a redrawn line.
  ~MigrationProgress();
  MigrationProgress(const MigrationProgress&) = delete;
  MigrationProgress& operator=(const MigrationProgress&) = delete;

  /// Statement `number` (1-based) of `total` is running (transaction:false).
  void SetStatement(int number, int total);

 private:
  void Loop();
  void Report(double elapsed);

  Console* console_;
  Session* session_;
  std::string label_;
  double interval_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<int> statement_{0};
  std::atomic<int> statements_total_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

/// SLUGWRIGHT_PROGRESS_INTERVAL (seconds, for tests), else 10.
double ProgressIntervalFromEnvironment();

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_PROGRESS_H_
