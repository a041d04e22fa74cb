#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_PROGRESS_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_PROGRESS_H_

// Progress of a long migration: while one runs, a thread reports every
// `interval` seconds how long it has been running, which statement of a
// transaction:false migration is on, and, when it waits on a lock, who
// holds it (Session::BlockedBy), as RunObserver::MigrationRunning
// events. Elapsed time is read from the run's Clock.

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

class Clock;
class Session;
class RunObserver;
struct Migration;

class MigrationProgress {
 public:
  /// Starts reporting on `migration`; `interval_seconds` <= 0 reports nothing.
  MigrationProgress(RunObserver* events, Session* session, Clock* clock,
                    const Migration* migration, double interval_seconds);
  /// Stops the thread and ends the reports.
  ~MigrationProgress();
  MigrationProgress(const MigrationProgress&) = delete;
  MigrationProgress& operator=(const MigrationProgress&) = delete;

  /// Statement `number` (1-based) of `total` is running (transaction:false).
  void SetStatement(int number, int total);

 private:
  void Loop();
  void Report(double elapsed);

  RunObserver* events_;
  Session* session_;
  Clock* clock_;
  const Migration* migration_;
  double interval_;
  double start_;
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
