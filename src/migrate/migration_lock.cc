#include "migrate/migration_lock.h"

#include <algorithm>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/console.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"

std::string MigrationLock::DescribeHolders(const std::vector<LockHolder>& holders) {
  if (holders.empty()) return "a session that has just released it";
  std::string text;
  for (const LockHolder& h : holders) {
    if (!text.empty()) text += "; ";
    text += "pid " + std::to_string(h.pid);
    if (!h.application_name.empty()) text += " (" + h.application_name + ")";
    if (!h.backend_start.empty()) text += ", connected since " + h.backend_start;
    if (!h.state.empty()) {
      text += ", " + h.state;
      if (!h.query_start.empty()) text += " since " + h.query_start;
    }
  }
  return text;
}

void MigrationLock::NoteHolder(bool announce, bool first, double waited,
                               double wait_seconds) {
  std::vector<LockHolder> holders;
  try {
    holders = lock_->LockHolders();
  } catch (const DatabaseError&) {
    // Not being able to say who holds it must not end the wait.
  }
  last_holder_ = DescribeHolders(holders);
  if (!announce) return;
  console_->Event("lock_waiting", {{"holder", last_holder_}, {"waited_ms", waited * 1000}});
  if (first)
    console_->Detail("Waiting up to " + FormatDuration(wait_seconds) +
                     " for the migration lock, held by " + last_holder_);
  else
    console_->Detail("Still waiting for the migration lock after " +
                     FormatDuration(waited) + ", held by " + last_holder_);
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
    if (!lock_->Unlock())
      console_->Warning("the migration lock was not held by this session when released; "
                        "is the connection going through a pooler?");
  } catch (const DatabaseError& e) {
    // The session is gone, and with it the lock.
  }
}

void ConnectOrThrow(Session* session) {
  try {
    session->Connect();
  } catch (const DatabaseError& e) {
    // Exit 1, not 2: an unreachable or restarting server is usually
    // temporary, and retrying the release is the right reaction.
    throw UserError(kExitFailed, e.what());
  }
}

ScopedMigrationLock::ScopedMigrationLock(Session* session, LockBackend* lock, Clock* clock,
                                         Console* console, Interrupt* interrupt,
                                         const MigrationLockOptions& options)
    : lock_(lock, clock, console) {
  try {
    Take(session, clock, console, interrupt, options);
  } catch (...) {
    lock_.Release();
    throw;
  }
}

void ScopedMigrationLock::Take(Session* session, Clock* clock, Console* console,
                               Interrupt* interrupt, const MigrationLockOptions& options) {
  if (!options.connected) ConnectOrThrow(session);
  session->CheckSessionIsDirect(options.allow_session_pooler);
  double start = clock->Now();
  MigrationLock::Result result = lock_.Acquire(options.wait_seconds, options.seed);
  if (result == MigrationLock::Result::kInterrupted && interrupt)
    throw UserError(static_cast<ExitCode>(interrupt->exit_code()),
                    interrupt->Reason() +
                        " while waiting for the migration lock; nothing was applied");
  if (result != MigrationLock::Result::kAcquired)
    throw UserError(
        kExitLockTimeout,
        "the migration lock on " + session->Describe() + " was not acquired " +
            (options.wait_seconds > 0 ? "within " + FormatDuration(options.wait_seconds)
                                      : "at once (lock wait 0)") +
            ": it is held by " + lock_.last_holder() +
            ". Another release phase or `slugwright migrate` is applying migrations to "
            "this database. Nothing was applied; retry once it has finished "
            "(`heroku releases:retry`), or raise lock_wait / --lock-wait.");
  if (interrupt && interrupt->requested())
    throw UserError(static_cast<ExitCode>(interrupt->exit_code()),
                    interrupt->Reason() + " before any migration started; nothing was applied");
  double waited = clock->Now() - start;
  console->Event("lock_acquired", {{"waited_ms", waited * 1000}});
  if (waited >= 0.5) console->Detail("Took the migration lock after " + FormatDuration(waited));
}
