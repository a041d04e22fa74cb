#include "ledger/release_coordinator.h"

#include <algorithm>

#include "base/clock.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"

const char* ToString(ReleaseState state) {
  switch (state) {
    case ReleaseState::kSucceeded: return "succeeded";
    case ReleaseState::kFailed: return "failed";
    case ReleaseState::kRunning: break;
  }
  return "running";
}

bool ParseReleaseState(const std::string& word, ReleaseState* state) {
  for (ReleaseState s : {ReleaseState::kRunning, ReleaseState::kSucceeded, ReleaseState::kFailed})
    if (word == ToString(s)) {
      *state = s;
      return true;
    }
  return false;
}

namespace {

/// How often a waiter looks whether the executor's session is gone, when
/// no notification woke it first.
const double kTakeOverCheckSeconds = 1.0;

bool Finished(const ReleaseRecord& record) { return record.state != ReleaseState::kRunning; }

int ExitCodeOf(const ReleaseRecord& record) {
  return record.state == ReleaseState::kSucceeded ? kExitOk : kExitFailed;
}

/// The outcome of a run that learned a recorded outcome (by waiting, or
/// at once), after adding the service to the row's waiters.
ReleaseOutcome Shared(ReleaseLedger* ledger, const CoordinationRequest& request,
                      ReleaseRecord record, bool waited, double waited_seconds) {
  ledger->AddWaiter(record.key, request.service);
  record.waiters.push_back(request.service);
  ReleaseOutcome outcome;
  outcome.role = waited ? ReleaseRole::kWaited : ReleaseRole::kFoundRecorded;
  outcome.key = record.key;
  outcome.has_record = true;
  outcome.record = std::move(record);
  outcome.waited_seconds = waited_seconds;
  outcome.exit_code = ExitCodeOf(outcome.record);
  return outcome;
}

/// Holds the key's lock for one execution; releases it on every exit path.
class KeyLockHeld {
 public:
  KeyLockHeld(ReleaseLedger* ledger, const ReleaseKey& key) : ledger_(ledger), key_(key) {}
  ~KeyLockHeld() {
    try {
      ledger_->UnlockKey(key_);
    } catch (...) {
      // A lost session dropped the lock with it.
    }
  }
  KeyLockHeld(const KeyLockHeld&) = delete;
  KeyLockHeld& operator=(const KeyLockHeld&) = delete;

 private:
  ReleaseLedger* ledger_;
  ReleaseKey key_;
};

/// --retry: the attempt after the latest, when that one failed.
int RetriedAttempt(ReleaseLedger* ledger, const ReleaseKey& key, int* retried_after) {
  int latest = ledger->LatestAttempt(key.commit);
  if (latest == 0) return key.attempt;
  ReleaseRecord record;
  if (ledger->Read({key.commit, latest}, &record) && record.state == ReleaseState::kFailed) {
    *retried_after = latest;
    return latest + 1;
  }
  return latest;
}

}  // namespace

ReleaseOutcome CoordinateRelease(ReleaseLedger* ledger, Clock* clock, Interrupt* interrupt,
                                 const CoordinationRequest& request,
                                 const std::function<ReleaseResult()>& execute,
                                 CoordinationObserver* events) {
  ledger->Open();
  ReleaseKey key = request.key;
  int retried_after = 0;
  if (request.retry) key.attempt = RetriedAttempt(ledger, key, &retried_after);

  const double start = clock->Now();
  bool waited = false;
  for (;;) {
    ReleaseRecord record;
    bool exists = ledger->Read(key, &record);
    if (exists && Finished(record)) {
      ReleaseOutcome outcome = Shared(ledger, request, record, waited, clock->Now() - start);
      outcome.retried_after = retried_after;
      return outcome;
    }
    if (!request.wait_only && ledger->TryLockKey(key)) {
      KeyLockHeld held(ledger, key);
      // Under the lock no other run executes the key; it may have
      // finished between the read above and the lock.
      exists = ledger->Read(key, &record);
      if (exists && Finished(record)) continue;
      // `running` with its lock free: the run that wrote it is gone.
      const std::string taken_over_from = exists ? record.service : "";
      ledger->Start(key, request.service, request.run_id, taken_over_from);
      events->ExecutingRelease(key, taken_over_from);
      ReleaseResult result = execute();
      ReleaseOutcome outcome;
      outcome.key = key;
      outcome.retried_after = retried_after;
      outcome.exit_code = result.exit_code;
      const bool shared = result.exit_code == kExitOk || result.exit_code == kExitFailed;
      const bool recorded = shared && ledger->Finish(key, request.run_id, result);
      outcome.role = !shared                  ? ReleaseRole::kExecutedWithoutOutcome
                     : !recorded              ? ReleaseRole::kSupersededWhileExecuting
                     : taken_over_from.empty() ? ReleaseRole::kExecuted
                                               : ReleaseRole::kTookOver;
      outcome.has_record = ledger->Read(key, &outcome.record);
      return outcome;
    }
    if (!waited) events->WaitingForRelease(key, exists ? &record : nullptr, request.wait_only);
    waited = true;
    const double left = start + request.wait_seconds - clock->Now();
    ReleaseOutcome outcome;
    outcome.key = key;
    outcome.retried_after = retried_after;
    outcome.has_record = exists;
    outcome.record = record;
    outcome.waited_seconds = clock->Now() - start;
    if (interrupt && interrupt->requested()) {
      outcome.role = ReleaseRole::kWaitInterrupted;
      outcome.exit_code = interrupt->exit_code();
      return outcome;
    }
    if (left <= 0) {
      outcome.role = ReleaseRole::kWaitTimedOut;
      outcome.exit_code = kExitLockTimeout;
      return outcome;
    }
    ledger->WaitForFinish(std::min(left, kTakeOverCheckSeconds));
  }
}
