// The revert side of the Migrator: `migrate down` and the
// rollback-release of what a failed `up` run committed (migrator.h).

#include <algorithm>

#include "base/clock.h"
#include "base/exit_codes.h"
#include "migrate/migration_checks.h"
#include "migrate/migration_lock.h"
#include "migrate/migrator.h"
#include "migrate/run_error.h"
#include "migrate/server_lexing.h"
#include "sql/splitter.h"

void Migrator::Revert(const Migration& m) {
  if (!m.has_down) {  // UpDoesNothing(m): nothing to undo but its history row
    driver_->ForgetMigration(m, options_.run);
    return;
  }
  if (!m.down_in_transaction) {
    std::vector<SqlStatement> statements =
        SplitSqlOrThrow(m.down_sql, m.down_path, m.down_first_line, m.split_options);
    for (size_t i = 0; i < statements.size(); ++i) {
      try {
        driver_->ExecuteStatement(statements[i].text);
      } catch (const DatabaseError& e) {
        throw DatabaseError("down statement " + std::to_string(i + 1) + " of " +
                                std::to_string(statements.size()) + " (" + m.down_path +
                                ":" + std::to_string(statements[i].line) + "): " +
                                e.what() +
                                (i == 1 ? " (the statement before it stays applied)"
                                 : i > 1 ? " (the statements before it stay applied)"
                                         : ""),
                            e.sqlstate(), e.connection_lost());
      }
    }
    driver_->ForgetMigration(m, options_.run);
    return;
  }
  for (int attempt = 1;; ++attempt) {
    try {
      driver_->ApplyDown(m, options_.run, HistoryStore::Wrap::kOwnTransaction);
      return;
    } catch (const DatabaseError& e) {
      RetrySubject what;
      what.kind = RetrySubject::Kind::kRevert;
      what.migration = &m;
      if (!retry_.WaitToRetry(e, attempt, what)) throw;
    }
  }
}

void Migrator::RevertCommitted(RunOutcome* outcome) {
  events_->RevertingCommitted(outcome->committed.size());
  for (auto it = outcome->committed.rbegin(); it != outcome->committed.rend(); ++it) {
    const Migration& m = **it;
    size_t older = static_cast<size_t>(outcome->committed.rend() - it) - 1;
    if (!m.has_down && !UpDoesNothing(m)) {
      events_->CommittedRevertStopped(m, older, "");
      return;
    }
    double start = clock_->Now();
    try {
      Revert(m);
    } catch (const std::exception& e) {
      events_->CommittedRevertStopped(m, older, e.what());
      driver_->RecordEvent("revert_failed", m.version, m.name, e.what(), options_.run);
      return;
    }
    outcome->reverted.push_back(m.version);
    events_->Reverted(m, clock_->Now() - start);
  }
}

int Migrator::Down(int count) {
  if (count < 1) {
    RunError::Facts facts;
    facts.count = count;
    throw RunError(RunError::Kind::kBadCount, std::move(facts));
  }
  files_ = ReadBeforeConnecting(source_, driver_);
  try {
    CancelOnInterrupt cancel(interrupt_, driver_);
    ScopedMigrationLock lock(driver_, driver_, clock_, events_, interrupt_, LockOptions());
    RereadIfServerLexesOtherwise(source_, driver_, &files_);
    MigrationPlan plan = MakePlan(files_, ReadHistory(false));
    ThrowIfProblems(IntegrityProblems(plan, true), "refusing to revert; nothing was changed:");
    if (plan.applied.empty()) {
      events_->NothingToRevert();
      return kExitOk;
    }
    std::vector<const Migration*> targets = DownTargets(plan, count);
    CheckRunnable(targets, true, /*all_in_one_transaction=*/false);
    return RevertTargets(targets);
  } catch (const DatabaseError& e) {
    RunError::Facts facts;
    facts.message = e.what();
    facts.sqlstate = e.sqlstate();
    facts.interrupt_exit_code = Interrupted() ? interrupt_->exit_code() : 0;
    throw RunError(RunError::Kind::kDatabase, std::move(facts));
  }
}

std::vector<const Migration*> Migrator::DownTargets(const MigrationPlan& plan, int count) {
  std::vector<const Migration*> targets;
  for (auto it = plan.applied.rbegin();
       it != plan.applied.rend() && static_cast<int>(targets.size()) < count; ++it) {
    auto file = std::find_if(files_.begin(), files_.end(),
                             [&](const Migration& m) { return m.version == it->version; });
    RunError::Facts facts;
    if (file == files_.end()) {
      facts.version = it->version;
      facts.name = it->name;
      facts.source = source_->Describe();
      throw RunError(RunError::Kind::kNoFileToRevert, std::move(facts));
    }
    if (!file->has_down && !UpDoesNothing(*file)) {
      facts.version = file->version;
      facts.name = file->name;
      facts.file = file->up_path;
      throw RunError(RunError::Kind::kNoDownSection, std::move(facts));
    }
    targets.push_back(&*file);
  }
  return targets;
}

int Migrator::RevertTargets(const std::vector<const Migration*>& targets) {
  driver_->SetTimeouts(options_.settings.lock_timeout_seconds,
                       options_.settings.statement_timeout_seconds);
  events_->RevertStarting(targets.size(), driver_->Describe());
  double start = clock_->Now();
  for (const Migration* m : targets) {
    if (Interrupted()) {
      events_->RevertInterrupted(*m);
      return InterruptedOr(kExitFailed);
    }
    double t = clock_->Now();
    try {
      Revert(*m);
    } catch (const DatabaseError& e) {
      events_->RevertFailed(*m, e.what());
      driver_->RecordEvent("revert_failed", m->version, m->name, e.what(), options_.run);
      return InterruptedOr(kExitFailed);
    }
    events_->Reverted(*m, clock_->Now() - t);
  }
  events_->RevertFinished(targets.size(), clock_->Now() - start);
  return kExitOk;
}
