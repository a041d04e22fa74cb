#include "migrate/migration_lock.h"

#include <algorithm>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/console.h"
#include "base/duration.h"

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
    holders = driver_->LockHolders();
  } catch (const DatabaseError&) {
    // Not being able to say who holds it must not end the wait.
  }
  last_holder_ = DescribeHolders(holders);
  if (!announce) return;
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
    if (driver_->TryLock()) {
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
    if (!driver_->Unlock())
      console_->Warning("the migration lock was not held by this session when released; "
                        "is the connection going through a pooler?");
  } catch (const DatabaseError& e) {
    // The session is gone, and with it the lock.
  }
}
