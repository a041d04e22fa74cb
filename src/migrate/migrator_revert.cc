// The revert side of the Migrator: `migrate down` and the
// rollback-release of what a failed `up` run committed (migrator.h).

#include "migrate/migrator.h"

#include <algorithm>

#include "base/clock.h"
#include "base/console.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "base/text.h"
#include "tools/external_command.h"
#include "migrate/migration_checks.h"
#include "migrate/migration_lock.h"
#include "migrate/server_lexing.h"
#include "sql/splitter.h"

void Migrator::Revert(const Migration& m) {
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
                                (i ? " (the statements before it stay applied)" : ""),
                            e.sqlstate(), e.connection_lost());
      }
    }
    driver_->ForgetMigration(m, options_.run);
    return;
  }
  for (int attempt = 1;; ++attempt) {
    try {
      driver_->ApplyDown(m, options_.run, DatabaseDriver::Wrap::kOwnTransaction);
      return;
    } catch (const DatabaseError& e) {
      if (!retry_.WaitToRetry(e, attempt, "reverting " + Label(m))) throw;
    }
  }
}

void Migrator::RevertCommitted(RunOutcome* outcome) {
  console_->Step("Reverting the " + Plural(outcome->committed.size(), "migration") +
                 " this run committed (on_failure: rollback-release)");
  for (auto it = outcome->committed.rbegin(); it != outcome->committed.rend(); ++it) {
    const Migration& m = **it;
    size_t left = static_cast<size_t>(outcome->committed.rend() - it);
    if (!m.has_down) {
      console_->Error("cannot revert " + Label(m) + ": it has no down section; it and " +
                      std::to_string(left - 1) + " older migration(s) of this run stay applied");
      return;
    }
    double start = clock_->Now();
    try {
      Revert(m);
    } catch (const std::exception& e) {
      console_->Error("reverting " + Label(m) + " failed: " + e.what() + "; it and " +
                      std::to_string(left - 1) + " older migration(s) of this run stay applied");
      driver_->RecordEvent("revert_failed", m.version, m.name, e.what(), options_.run);
      return;
    }
    outcome->reverted.push_back(m.version);
    console_->Detail("Reverted " + Label(m) + "  " + FormatDuration(clock_->Now() - start));
  }
}

int Migrator::Down(int count) {
  if (count < 1) throw UserError(kExitUsage, "down needs a count of at least 1");
  if (!options_.settings.command.empty()) return RunExternalCommand(context_, true, count);
  files_ = ReadBeforeConnecting(source_, driver_);
  try {
    CancelOnInterrupt cancel(interrupt_, driver_);
    ScopedMigrationLock lock(driver_, driver_, clock_, console_, interrupt_, LockOptions());
    RereadIfServerLexesOtherwise(source_, driver_, &files_);
    MigrationPlan plan = MakePlan(files_, ReadHistory(false));
    ThrowIfProblems(IntegrityProblems(plan, true), "refusing to revert; nothing was changed:");
    if (plan.applied.empty()) {
      console_->Step("Nothing to revert: no migration is applied");
      return kExitOk;
    }
    std::vector<const Migration*> targets = DownTargets(plan, count);
    CheckRunnable(targets, true, /*all_in_one_transaction=*/false);
    return RevertTargets(targets);
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(InterruptedOr(kExitFailed)), e.what());
  }
}

std::vector<const Migration*> Migrator::DownTargets(const MigrationPlan& plan, int count) {
  std::vector<const Migration*> targets;
  for (auto it = plan.applied.rbegin();
       it != plan.applied.rend() && static_cast<int>(targets.size()) < count; ++it) {
    auto file = std::find_if(files_.begin(), files_.end(),
                             [&](const Migration& m) { return m.version == it->version; });
    if (file == files_.end())
      throw UserError(kExitUsage, "cannot revert " + std::to_string(it->version) + "_" +
                                      it->name + ": its file is not in " +
                                      source_->Describe() +
                                      " (the database is ahead of this code)");
    if (!file->has_down)
      throw UserError(kExitUsage, "cannot revert " + Label(*file) + ": " + file->up_path +
                                      " has no down section");
    targets.push_back(&*file);
  }
  return targets;
}

int Migrator::RevertTargets(const std::vector<const Migration*>& targets) {
  driver_->SetTimeouts(options_.settings.lock_timeout_seconds,
                       options_.settings.statement_timeout_seconds);
  console_->Step("Reverting " + Plural(targets.size(), "migration") + " on " +
                 driver_->Describe());
  double start = clock_->Now();
  for (const Migration* m : targets) {
    if (Interrupted()) {
      console_->Error("interrupted before reverting " + Label(*m));
      return InterruptedOr(kExitFailed);
    }
    double t = clock_->Now();
    try {
      Revert(*m);
    } catch (const DatabaseError& e) {
      console_->Error("reverting " + Label(*m) + " failed: " + e.what());
      driver_->RecordEvent("revert_failed", m->version, m->name, e.what(), options_.run);
      return InterruptedOr(kExitFailed);
    }
    console_->Detail("Reverted " + Label(*m) + "  " + FormatDuration(clock_->Now() - t));
  }
  console_->Step("Reverted " + Plural(targets.size(), "migration") + " in " +
                 FormatDuration(clock_->Now() - start));
  return kExitOk;
}
