// The apply side of the Migrator: each pending migration in its own
// transaction (or statement by statement for transaction:false), or the
// whole batch in one (`transaction: all`), with lock_timeout retries,
// progress reports and the observer's look inside each transaction
// (migrator.h).

#include <algorithm>

#include "base/clock.h"
#include "base/interrupt.h"
#include "migrate/migration_checks.h"
#include "migrate/migration_observer.h"
#include "migrate/migration_progress.h"
#include "migrate/migrator.h"
#include "sql/splitter.h"
#include "sql/statement_classifier.h"

namespace {

/// The transaction of Wrap::kOwnTransaction in three round trips, so that
/// `observer` can look inside it before COMMIT (rehearse only).
void ApplyObserved(DatabaseDriver* driver, MigrationObserver* observer, const Migration& m,
                   bool out_of_order, const RunInfo& run) {
  driver->Begin();
  try {
    driver->ApplyUp(m, out_of_order, run, HistoryStore::Wrap::kInOpenTransaction);
    observer->BeforeCommit(m);
    driver->Commit();
  } catch (const DatabaseError& e) {
    if (!e.connection_lost()) driver->Rollback();
    throw;
  }
}

/// Points the Migrator's progress_ at a MigrationProgress while in scope.
class ScopedProgress {
 public:
  ScopedProgress(MigrationProgress** slot, MigrationProgress* progress) : slot_(slot) {
    *slot_ = progress;
  }
  ~ScopedProgress() { *slot_ = nullptr; }
  ScopedProgress(const ScopedProgress&) = delete;
  ScopedProgress& operator=(const ScopedProgress&) = delete;

 private:
  MigrationProgress** slot_;
};

/// "statement 2 of 3 (migrations/1_a.sql:4)": where a transaction:false
/// migration failed, in the error the history records.
std::string Where(const StatementPosition& at) {
  return "statement " + std::to_string(at.number) + " of " + std::to_string(at.total) + " (" +
         at.path + ":" + std::to_string(at.line) + ")";
}

}  // namespace

std::string Migrator::ApplyEachError(const Migration& m, const DatabaseError& e) {
  std::string error = e.what() + CancelledSuffix();
  if (m.up_in_transaction && !e.connection_lost())
    driver_->RecordEvent("failed", m.version, m.name, error, options_.run);
  if (e.connection_lost())
    error += m.up_in_transaction
                 ? " (the connection was lost; a transactional migration is "
                   "rolled back by the server)"
                 : " (the connection was lost; the migration stays recorded as "
                   "started, and runs are refused until `slugwright migrate "
                   "repair`)";
  return error;
}

namespace {

/// The tables `m`'s statements lock by name: ALTER TABLE's, CREATE INDEX's
/// table, DROP TABLE's and DROP INDEX's names. Who holds a lock on one of
/// them is who a lock_timeout of `m` waited for.
std::vector<SqlName> TablesLockedBy(const Migration& m) {
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  std::vector<SqlName> tables;
  if (!SplitSql(m.up_sql, m.up_first_line, &statements, &error, m.split_options)) return tables;
  for (const SqlStatement& s : statements) {
    ClassifiedStatement c = ClassifyStatement(s.text);
    switch (c.kind) {
      case StatementKind::kAlterTable: tables.push_back(c.name); break;
      case StatementKind::kCreateIndex: tables.push_back(c.table); break;
      case StatementKind::kDropTable:
      case StatementKind::kDropIndex:
        tables.insert(tables.end(), c.names.begin(), c.names.end());
        break;
      default: break;
    }
  }
  tables.erase(std::remove_if(tables.begin(), tables.end(),
                              [](const SqlName& n) { return n.name.empty(); }),
               tables.end());
  return tables;
}

}  // namespace

std::vector<LockHolder> Migrator::LockTimeoutBlockers(const Migration& m) {
  try {
    return driver_->RelationLockHolders(TablesLockedBy(m));
  } catch (const DatabaseError&) {
    return {};  // naming the blocker must not hide the failure being reported
  }
}

bool Migrator::ApplyEach(const MigrationPlan& plan, RunOutcome* outcome) {
  for (const Migration* m : plan.pending) {
    if (Interrupted()) {
      outcome->failed = m;
      outcome->error = interrupt_->Reason() + " before " + Label(*m) + " started";
      return false;
    }
    bool out_of_order = IsOutOfOrder(plan, m);
    if (options_.observer) options_.observer->BeforeApply(*m);
    double start = clock_->Now();
    events_->MigrationStarted(*m);
    try {
      MigrationProgress progress(events_, driver_, clock_, m, options_.progress_interval_seconds);
      ScopedProgress current(&progress_, &progress);
      ApplyOne(*m, out_of_order);
    } catch (const DatabaseError& e) {
      if (options_.observer) options_.observer->OnFailure(*m, e);
      outcome->failed = m;
      outcome->sqlstate = e.sqlstate();
      outcome->server_message = failed_statement_ ? failed_statement_message_ : e.what();
      outcome->failed_statement = failed_statement_;
      if (e.sqlstate() == "55P03") outcome->blockers = LockTimeoutBlockers(*m);
      if (e.connection_lost() && m->up_in_transaction) {
        outcome->error = e.what() + CancelledSuffix();
        ResolveLostCommit({m}, outcome);
        return false;
      }
      outcome->error = ApplyEachError(*m, e);
      events_->MigrationFailed(*m, clock_->Now() - start, outcome->error);
      return false;
    }
    Applied(plan, m, clock_->Now() - start, outcome);
  }
  return true;
}

void Migrator::Applied(const MigrationPlan& plan, const Migration* m, double seconds,
                       RunOutcome* outcome) {
  outcome->committed.push_back(m);
  if (options_.observer) options_.observer->AfterApply(*m, seconds);
  events_->MigrationApplied({m, seconds, IsOutOfOrder(plan, m)});
}

void Migrator::ApplyOne(const Migration& m, bool out_of_order) {
  if (!m.up_in_transaction) {
    ApplyStatements(m, out_of_order);
    return;
  }
  for (int attempt = 1;; ++attempt) {
    try {
      if (options_.observer)
        ApplyObserved(driver_, options_.observer, m, out_of_order, options_.run);
      else
        driver_->ApplyUp(m, out_of_order, options_.run, HistoryStore::Wrap::kOwnTransaction);
      return;
    } catch (const DatabaseError& e) {
      RetrySubject what;
      what.migration = &m;
      if (!retry_.WaitToRetry(e, attempt, what)) throw;
    }
  }
}

void Migrator::ApplyStatements(const Migration& m, bool out_of_order) {
  std::vector<SqlStatement> statements = SplitSqlOrThrow(m.up_sql, m.up_path, m.up_first_line, m.split_options);
  const int total = static_cast<int>(statements.size());
  failed_statement_.reset();
  driver_->StartUnfinished(m, total, out_of_order, options_.run);
  for (int i = 0; i < total; ++i) {
    StatementPosition at{i + 1, total, m.up_path, statements[i].line};
    if (Interrupted()) {
      std::string error = interrupt_->Reason() + " before " + Where(at);
      driver_->FailUnfinished(m, i, error, options_.run);
      throw DatabaseError(error, "57014", false);
    }
    if (progress_) progress_->SetStatement(i + 1, total);
    ExecuteStatement(m, statements[i].text, at);
    if (i + 1 < total) driver_->RecordProgress(m.version, i + 1);
  }
  driver_->FinishUnfinished(m, options_.run);
  // CREATE INDEX CONCURRENTLY IF NOT EXISTS "succeeds" on the INVALID
  // index an earlier failed attempt left behind: say so.
  WarnInvalidIndexes(m, /*after_failure=*/false);
}

void Migrator::ExecuteStatement(const Migration& m, const std::string& sql,
                                const StatementPosition& at) {
  const int i = at.number - 1;
  for (int attempt = 1;; ++attempt) {
    try {
      driver_->ExecuteStatement(sql);
      return;
    } catch (const DatabaseError& e) {
      RetrySubject what{RetrySubject::Kind::kStatement, &m, at, ""};
      if (retry_.WaitToRetry(e, attempt, what)) continue;
      failed_statement_ = at;
      failed_statement_message_ = e.what();
      std::string error = Where(at) + ": " + e.what();
      if (!e.connection_lost()) {
        driver_->FailUnfinished(m, i, error, options_.run);
        WarnInvalidIndexes(m, /*after_failure=*/true);
        if (i == 0)
          error += " (no statement of it was applied; it stays pending)";
        else
          error += std::string(i == 1 ? " (statement 1 stays" : " (statements 1-" +
                                                                std::to_string(i) + " stay") +
                   " applied; the migration is marked failed until "
                   "`slugwright migrate repair`)";
      }
      throw DatabaseError(error, e.sqlstate(), e.connection_lost());
    }
  }
}

void Migrator::WarnInvalidIndexes(const Migration& m, bool after_failure) {
  std::vector<std::string> names;
  try {
    names = driver_->InvalidIndexes();
  } catch (const DatabaseError&) {
    return;
  }
  if (!names.empty()) events_->InvalidIndexesLeft(m, names, after_failure);
}

bool Migrator::ApplyAllInOneTransaction(const MigrationPlan& plan, RunOutcome* outcome) {
  for (int attempt = 1;; ++attempt) {
    std::vector<std::pair<const Migration*, double>> done;
    const Migration* current = nullptr;
    try {
      driver_->Begin();
      for (const Migration* m : plan.pending) {
        current = m;
        if (Interrupted())
          throw DatabaseError(interrupt_->Reason() + " before " + Label(*m), "57014", false);
        if (options_.observer) options_.observer->BeforeApply(*m);
        double start = clock_->Now();
        events_->MigrationStarted(*m);
        driver_->ApplyUp(*m, IsOutOfOrder(plan, m), options_.run,
                         HistoryStore::Wrap::kInOpenTransaction);
        done.emplace_back(m, clock_->Now() - start);
        if (options_.observer) options_.observer->BeforeCommit(*m);
      }
      current = nullptr;
      driver_->Commit();
    } catch (const DatabaseError& e) {
      driver_->Rollback();
      RetrySubject what;
      what.kind = RetrySubject::Kind::kBatch;
      what.migration = current;
      if (retry_.WaitToRetry(e, attempt, what)) continue;
      if (options_.observer && current) options_.observer->OnFailure(*current, e);
      outcome->failed = current;
      outcome->sqlstate = e.sqlstate();
      if (current && e.sqlstate() == "55P03") outcome->blockers = LockTimeoutBlockers(*current);
      outcome->server_message = e.what();
      outcome->error = std::string(current ? "" : "COMMIT failed: ") + e.what() +
                       CancelledSuffix();
      if (current) events_->MigrationFailed(*current, 0, outcome->error);
      if (!current && e.connection_lost()) {
        ResolveLostCommit(plan.pending, outcome);
        return false;
      }
      if (!e.connection_lost())
        driver_->RecordEvent("failed", current ? current->version : 0,
                             current ? current->name : "", outcome->error, options_.run);
      return false;
    }
    for (const auto& [m, seconds] : done) Applied(plan, m, seconds, outcome);
    events_->BatchCommitted(done.size());
    return true;
  }
}
