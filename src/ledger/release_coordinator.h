#ifndef SLUGWRIGHT_LEDGER_RELEASE_COORDINATOR_H_
#define SLUGWRIGHT_LEDGER_RELEASE_COORDINATOR_H_

// The decision of each run of one release key: the first run executes the
// release (migrations, `command:`, hooks) while holding the key's lock;
// runs that start meanwhile wait for its outcome and share it; a later run
// reports the recorded outcome at once; a run that finds the key `running`
// with its lock free takes over from the dead executor. Returns the facts
// (ReleaseOutcome); cli/output/release_ledger_output.h words them.

#include <functional>
#include <string>

#include "ledger/release_ledger.h"

class Clock;
class Interrupt;

/// What this run was asked to do.
struct CoordinationRequest {
  ReleaseKey key;
  std::string service;
  std::string run_id;
  /// How long to wait for another run's outcome (--lock-wait).
  double wait_seconds = 600;
  /// --wait-only: never execute; wait for the key's outcome.
  bool wait_only = false;
  /// --retry: after a failed attempt, run the next one; otherwise as the
  /// latest attempt says.
  bool retry = false;
};

/// How this run took part.
enum class ReleaseRole {
  /// It executed the release.
  kExecuted,
  /// It executed it after the run that had started died.
  kTookOver,
  /// It waited while another run executed, and shares its outcome.
  kWaited,
  /// The outcome was recorded already; nothing ran.
  kFoundRecorded,
  /// No outcome within the wait.
  kWaitTimedOut,
  /// A signal ended the wait.
  kWaitInterrupted,
  /// It executed, and the run ended without an outcome every service
  /// shares (a refusal, a lock timeout, a signal): the key stays open and
  /// the next run executes it.
  kExecutedWithoutOutcome,
  /// It executed, but its ledger session was lost meanwhile and another
  /// run took the key over: the ledger holds that run's row, not this
  /// one's outcome (the exit code is still this run's).
  kSupersededWhileExecuting,
};

/// The facts of one run's part in a release.
struct ReleaseOutcome {
  ReleaseRole role = ReleaseRole::kExecuted;
  /// The key this run used (after --retry chose the attempt).
  ReleaseKey key;
  /// The row as this run last read it; `has_record` false when there was
  /// none (a wait that timed out before any run started).
  bool has_record = false;
  ReleaseRecord record;
  /// The attempt --retry looked past, when it started a new one (else 0).
  int retried_after = 0;
  double waited_seconds = 0;
  /// The exit status of this run.
  int exit_code = 0;
};

/// Told as the run proceeds, so a long wait or release is not silent.
class CoordinationObserver {
 public:
  virtual ~CoordinationObserver() = default;
  /// Another run executes the key (`running`, when its row exists yet),
  /// or, `wait_only`, this run waits for one to start and finish.
  virtual void WaitingForRelease(const ReleaseKey& key, const ReleaseRecord* running,
                                 bool wait_only) = 0;
  /// This run executes the key; `taken_over_from` names a dead run's
  /// service ("" for the first run).
  virtual void ExecutingRelease(const ReleaseKey& key, const std::string& taken_over_from) = 0;
};

/// Runs the protocol on `ledger` (opened here) and, when this run is the
/// executor, `execute`. Exceptions from `execute` leave the key open for
/// the next run (its lock is released) and propagate. `interrupt` may be
/// null.
ReleaseOutcome CoordinateRelease(ReleaseLedger* ledger, Clock* clock, Interrupt* interrupt,
                                 const CoordinationRequest& request,
                                 const std::function<ReleaseResult()>& execute,
                                 CoordinationObserver* events);

#endif  // SLUGWRIGHT_LEDGER_RELEASE_COORDINATOR_H_
