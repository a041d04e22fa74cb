// The Migrator's answer to a connection lost with a COMMIT in flight: the
// server may have committed or rolled back, so the run says "outcome
// unknown", reads the history on a new session (DatabaseDriver::
// ReadOutcomeOnNewSession) and reports what it found (UpFailureEvent::
// lost_commit), never a guess.

#include "migrate/migrator.h"

void Migrator::ResolveLostCommit(const std::vector<const Migration*>& migrations,
                                 RunOutcome* outcome) {
  outcome->error += " (the connection was lost after the migration and its COMMIT were "
                    "sent, so the outcome is unknown: the server may have committed it)";
  // The history rows of one transaction commit together: the last one says.
  lost_commit_ = driver_->ReadOutcomeOnNewSession(migrations.back()->version);
  lost_commit_migrations_ = migrations;
  if (lost_commit_ == HistoryStore::LostOutcome::kApplied)
    for (const Migration* m : migrations) outcome->committed.push_back(m);
}
