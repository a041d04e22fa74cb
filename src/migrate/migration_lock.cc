#include "migrate/migration_lock.h"

#include <algorithm>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/interrupt.h"
#include "migrate/run_error.h"
#include "migrate/run_observer.h"

void MigrationLock::NoteHolder(bool announce, bool first, double waited,
                               double wait_seconds) {
  last_holders_.clear();
  try {
    last_holders_ = lock_->LockHolders();
  } catch (const DatabaseError&) {
    // Not being able to say who holds it must not end the wait.
  }
  if (announce) events_->LockWaiting({last_holders_, waited, wait_seconds, first});
}

MigrationLock::Result MigrationLock::Acquire(double wait_seconds, uint64_t seed) {
  double start = clock_->Now();
  double deadline = start + wait_seconds;
  double next_report = start;
  // Polls start 25 ms apart and grow to at most 250 ms: a waiter notices a
  // released lock within a quarter second, which keeps N runners that start
  // together close to the time of one, for one cheap query per poll.
  Backoff backoff(0.025, 0.25, seed);
  for (;;) {
    ++attempts_;
    if (lock_->TryLock()) {
      held_ = true;
      return Result::kAcquired;
    }
    double now = clock_->Now();
    bool out_of_time = now >= deadline;
    bool announce = !out_of_time && now >= next_report;
    if (announce || out_of_time)
      NoteHolder(announce, attempts_ == 1, now - start, wait_seconds);
    if (announce) next_report = now + 30;
    if (out_of_time) return Result::kTimedOut;
    double delay = std::min(backoff.Next(), deadline - now);
    if (!clock_->Sleep(delay)) return Result::kInterrupted;
  }
}

void MigrationLock::Release() {
  if (!held_) return;
  held_ = false;
  try {
    if (!lock_->Unlock()) events_->LockReleasedUnheld();
  } catch (const DatabaseError& e) {
    // The session is gone, and with it the lock.
  }
}

void ConnectOrThrow(Session* session) {
  try {
    session->Connect();
  } catch (const DatabaseError& e) {
    RunError::Facts facts;
    facts.message = e.what();
    facts.sqlstate = e.sqlstate();
    throw RunError(RunError::Kind::kUnreachable, std::move(facts));
  }
}

ScopedMigrationLock::ScopedMigrationLock(Session* session, LockBackend* lock, Clock* clock,
                                         RunObserver* events, Interrupt* interrupt,
                                         const MigrationLockOptions& options)
    : lock_(lock, clock, events) {
  try {
    Take(session, clock, events, interrupt, options);
  } catch (...) {
    lock_.Release();
    throw;
  }
}

void ScopedMigrationLock::Take(Session* session, Clock* clock, RunObserver* events,
                               Interrupt* interrupt, const MigrationLockOptions& options) {
  if (!options.connected) ConnectOrThrow(session);
  session->CheckSessionIsDirect(options.allow_session_pooler);
  double start = clock->Now();
  MigrationLock::Result result = lock_.Acquire(options.wait_seconds, options.seed);
  RunError::Facts facts;
  if (interrupt) {
    facts.signal = interrupt->signal();
    facts.interrupt_exit_code = interrupt->exit_code();
  }
  if (result == MigrationLock::Result::kInterrupted && interrupt)
    throw RunError(RunError::Kind::kInterruptedWaitingForLock, std::move(facts));
  if (result != MigrationLock::Result::kAcquired) {
    facts.database = session->Describe();
    facts.wait_seconds = options.wait_seconds;
    facts.holders = lock_.last_holders();
    throw RunError(RunError::Kind::kLocked, std::move(facts));
  }
  if (interrupt && interrupt->requested())
    throw RunError(RunError::Kind::kInterruptedBeforeStart, std::move(facts));
  events->LockAcquired(clock->Now() - start);
}
