// The Migrator's answer to a connection lost with a COMMIT in flight: the
// server may have committed or rolled back, so the run says "outcome
// unknown", reads the history on a new session (DatabaseDriver::
// ReadOutcomeOnNewSession) and reports what it found, never a guess.

#include "base/console.h"
#include "base/text.h"
#include "migrate/migration_checks.h"
#include "migrate/migrator.h"

namespace {

std::string Describe(const std::vector<const Migration*>& migrations) {
  if (migrations.size() == 1) return Label(*migrations[0]);
  return "the batch of " + Plural(migrations.size(), "migration") + " (" +
         Label(*migrations.front()) + " to " + Label(*migrations.back()) + ")";
}

}  // namespace

void Migrator::ResolveLostCommit(const std::vector<const Migration*>& migrations,
                                 RunOutcome* outcome) {
  outcome->error += " (the connection was lost after the migration and its COMMIT were "
                    "sent, so the outcome is unknown: the server may have committed it)";
  // The history rows of one transaction commit together: the last one says.
  lost_commit_ = driver_->ReadOutcomeOnNewSession(migrations.back()->version);
  lost_commit_migrations_ = migrations;
  if (lost_commit_ == DatabaseDriver::LostOutcome::kApplied)
    for (const Migration* m : migrations) outcome->committed.push_back(m);
}

void Migrator::ReportLostCommit() {
  const std::string what = Describe(lost_commit_migrations_);
  switch (*lost_commit_) {
    case DatabaseDriver::LostOutcome::kApplied:
      console_->Detail("Checked on a new connection: " + what +
                       " is recorded as applied; the server committed it before the "
                       "connection was lost.");
      break;
    case DatabaseDriver::LostOutcome::kRolledBack:
      console_->Detail("Checked on a new connection: " + what +
                       " has no history row; the server rolled it back, and the next "
                       "`slugwright migrate up` applies it.");
      break;
    case DatabaseDriver::LostOutcome::kAppliedByAnotherRun:
      console_->Detail("Checked on a new connection: " + what +
                       " was applied by another run after this run's session was lost "
                       "(the lock passed to it); the server rolled this run's transaction "
                       "back, so nothing was applied twice.");
      break;
    case DatabaseDriver::LostOutcome::kUnknown:
      console_->Warning("Could not check on a new connection whether the server committed " +
                        what + ". Run `slugwright migrate status` once the database is "
                        "reachable: if it shows applied, it is; if pending, it was rolled "
                        "back and the next `slugwright migrate up` applies it. Revert "
                        "nothing before checking.");
      break;
  }
}
