#include "migrate/migrator.h"

#include <signal.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/console.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "migrate/hook_runner.h"
#include "base/interrupt.h"
#include "migrate/migration_lock.h"
#include "migrate/migration_observer.h"
#include "migrate/sql_splitter.h"
#include "base/text.h"

namespace {

std::string Label(const Migration& m) { return std::to_string(m.version) + "_" + m.name; }

/// Cancels the running statement when a signal arrives, while in scope.
class CancelOnInterrupt {
 public:
  CancelOnInterrupt(Interrupt* interrupt, DatabaseDriver* driver) : interrupt_(interrupt) {
    if (interrupt_) interrupt_->SetOnInterrupt([driver] { driver->Cancel(); });
  }
  ~CancelOnInterrupt() {
    if (interrupt_) interrupt_->SetOnInterrupt(nullptr);
  }

 private:
  Interrupt* interrupt_;
};

/// The transaction of Wrap::kOwnTransaction in three round trips, so that
/// `observer` can look inside it before COMMIT (rehearse only).
void ApplyObserved(DatabaseDriver* driver, MigrationObserver* observer, const Migration& m,
                   bool out_of_order, const RunInfo& run) {
  driver->Begin();
  try {
    driver->ApplyUp(m, out_of_order, run, DatabaseDriver::Wrap::kInOpenTransaction);
    observer->BeforeCommit(m);
    driver->Commit();
  } catch (const DatabaseError& e) {
    if (!e.connection_lost()) driver->Rollback();
    throw;
  }
}

/// Releases the migration lock on every way out of a command.
class LockRelease {
 public:
  explicit LockRelease(MigrationLock* lock) : lock_(lock) {}
  ~LockRelease() { lock_->Release(); }

 private:
  MigrationLock* lock_;
};

}  // namespace

Migrator::Migrator(MigrationSource* source, DatabaseDriver* driver, CommandRunner* runner,
                   Console* console, Clock* clock, Interrupt* interrupt,
                   MigratorOptions options)
    : source_(source),
      driver_(driver),
      runner_(runner),
      console_(console),
      clock_(clock),
      interrupt_(interrupt),
      options_(std::move(options)) {}

int Migrator::InterruptedOr(int code) const {
  return interrupt_ && interrupt_->requested() ? interrupt_->exit_code() : code;
}

std::vector<Migration> Migrator::ReadFiles() { return source_->ReadAll(); }

void Migrator::ConnectOrThrow() {
  try {
    driver_->Connect();
  } catch (const DatabaseError& e) {
    // Exit 1, not 2: an unreachable or restarting server is usually
    // temporary, and retrying the release is the right reaction.
    throw UserError(kExitFailed, e.what());
  }
}

void Migrator::ConnectAndLock(MigrationLock* lock) {
  ConnectOrThrow();
  driver_->CheckSessionIsDirect(options_.allow_session_pooler);
  double start = clock_->Now();
  MigrationLock::Result result = lock->Acquire(options_.settings.lock_wait_seconds,
                                               options_.seed);
  if (result == MigrationLock::Result::kInterrupted)
    throw UserError(static_cast<ExitCode>(interrupt_->exit_code()),
                    interrupt_->Reason() +
                        " while waiting for the migration lock; nothing was applied");
  if (result == MigrationLock::Result::kTimedOut)
    throw UserError(
        kExitLockTimeout,
        "the migration lock on " + driver_->Describe() + " was not acquired " +
            (options_.settings.lock_wait_seconds > 0
                 ? "within " + FormatDuration(options_.settings.lock_wait_seconds)
                 : "at once (lock wait 0)") +
            ": it is held by " + lock->last_holder() +
            ". Another release phase or `slugwright migrate` is applying migrations to "
            "this database. Nothing was applied; retry once it has finished "
            "(`heroku releases:retry`), or raise lock_wait / --lock-wait.");
  if (interrupt_ && interrupt_->requested())
    throw UserError(static_cast<ExitCode>(interrupt_->exit_code()),
                    interrupt_->Reason() +
                        " before any migration started; nothing was applied");
  double waited = clock_->Now() - start;
  if (waited >= 0.5)
    console_->Detail("Took the migration lock after " + FormatDuration(waited));
}

std::vector<HistoryRow> Migrator::ReadHistory(bool create) {
  std::vector<HistoryRow> rows;
  if (!driver_->ReadHistory(&rows) && create) driver_->CreateHistoryTables();
  return rows;
}

void Migrator::ThrowIfIntegrityProblems(const MigrationPlan& plan, bool allow_out_of_order) {
  std::vector<std::string> problems = IntegrityProblems(plan, allow_out_of_order);
  if (problems.empty()) return;
  std::string message = "refusing to migrate; nothing was applied:";
  for (const std::string& p : problems) message += "\n" + p;
  throw UserError(kExitIntegrity, message);
}

void Migrator::CheckRunnable(const std::vector<const Migration*>& migrations, bool down) {
  for (const Migration* m : migrations) {
    const std::string& sql = down ? m->down_sql : m->up_sql;
    const std::string& path = down ? m->down_path : m->up_path;
    bool in_transaction = down ? m->down_in_transaction : m->up_in_transaction;
    std::vector<SqlStatement> statements =
        SplitSqlOrThrow(sql, path, down ? m->down_first_line : m->up_first_line);
    if (in_transaction) {
      for (const SqlStatement& s : statements) {
        if (IsTransactionControl(s.text))
          throw UserError(
              kExitUsage,
              path + ":" + std::to_string(s.line) + ": `" + s.text.substr(0, 40) +
                  "` ends or starts a transaction, but slugwright runs this migration "
                  "in a transaction of its own (with its history row). Remove it, or "
                  "mark the section `transaction:false`.");
      }
    } else if (!down && options_.settings.transaction == ReleaseSettings::TransactionMode::kAll) {
      throw UserError(kExitUsage,
                      "transaction: all applies every pending migration in one "
                      "transaction, but " + path +
                          " is transaction:false and cannot run in one. Deploy it in a "
                          "release of its own, or use transaction: per-migration. "
                          "Nothing was applied.");
    }
  }
}

bool Migrator::IsOutOfOrder(const MigrationPlan& plan, const Migration* m) const {
  return std::find(plan.out_of_order.begin(), plan.out_of_order.end(), m) !=
         plan.out_of_order.end();
}

bool Migrator::WaitBeforeRetry(int attempt, const std::string& what) {
  Backoff backoff(1.0, 30.0, options_.seed + attempt);
  double delay = 0;
  for (int i = 0; i < attempt; ++i) delay = backoff.Next();
  console_->Detail(what + " hit lock_timeout (" +
                   FormatDuration(options_.settings.lock_timeout_seconds) +
                   ": another session holds a lock it needs); retry " +
                   std::to_string(attempt) + " of " +
                   std::to_string(options_.settings.lock_retries) + " in " +
                   FormatDuration(delay));
  return clock_->Sleep(delay);
}

// ---------------------------------------------------------------------------
// up

int Migrator::Up(bool dry_run) {
  // An app with its own migration tool may have no migration files at all.
  if (!options_.settings.command.empty()) {
    if (dry_run) {
      console_->Step("Dry run: would run `" + options_.settings.command +
                     "` under the migration lock on " + driver_->Describe());
      return kExitOk;
    }
    return RunExternal(false, 1);
  }
  files_ = ReadFiles();
  try {
    if (dry_run) {
      ConnectOrThrow();
      MigrationPlan plan = MakePlan(files_, ReadHistory(false));
      std::string future = FutureWarning(plan);
      if (!future.empty()) console_->Warning(future);
      ThrowIfIntegrityProblems(plan, options_.settings.allow_out_of_order);
      CheckRunnable(plan.pending, false);
      if (plan.pending.empty()) {
        console_->Step("Dry run: " + driver_->Describe() + " is up to date (" +
                       Plural(plan.applied.size(), "migration") + " applied)");
        return kExitOk;
      }
      console_->Step("Dry run: would apply " + Plural(plan.pending.size(), "migration") +
                     " from " + source_->Describe() + " to " + driver_->Describe());
      for (const Migration* m : plan.pending)
        console_->Detail(Label(*m) + (m->up_in_transaction ? "" : " (transaction:false)") +
                         (IsOutOfOrder(plan, m) ? " (out of order)" : ""));
      console_->Detail("No lock taken, nothing written");
      return kExitOk;
    }

    CancelOnInterrupt cancel(interrupt_, driver_);
    MigrationLock lock(driver_, clock_, console_);
    LockRelease release(&lock);
    ConnectAndLock(&lock);
    MigrationPlan plan = MakePlan(files_, ReadHistory(true));
    return ApplyPending(plan);
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(InterruptedOr(kExitFailed)), e.what());
  }
}

int Migrator::ApplyPending(const MigrationPlan& plan) {
  const ReleaseSettings& s = options_.settings;
  std::string future = FutureWarning(plan);
  if (!future.empty()) console_->Warning(future);
  ThrowIfIntegrityProblems(plan, s.allow_out_of_order);
  if (plan.pending.empty()) {
    console_->Step(driver_->Describe() + " is up to date: " +
                   Plural(plan.applied.size(), "migration") + " applied, none pending");
    return kExitOk;
  }
  CheckRunnable(plan.pending, false);
  if (s.on_failure == ReleaseSettings::OnFailure::kRollbackRelease) {
    for (const Migration* m : plan.pending)
      if (!m->has_down)
        console_->Warning(m->up_path + " has no down section: on_failure: rollback-release "
                          "cannot revert it (or anything older) if this release fails");
  }

  double start = clock_->Now();
  driver_->SetTimeouts(s.lock_timeout_seconds, s.statement_timeout_seconds);
  driver_->RecordEvent("run_started", 0, "",
                       Plural(plan.pending.size(), "pending migration"), options_.run);
  console_->Step("Applying " + Plural(plan.pending.size(), "migration") + " from " +
                 source_->Describe() + " to " + driver_->Describe() + " (transaction: " +
                 ToString(s.transaction) + ", lock_timeout " +
                 FormatDuration(s.lock_timeout_seconds) + ")");

  Outcome outcome;
  if (!RunHooks("before", s.hooks.before, &plan, nullptr, kExitOk)) {
    outcome.failed_in_hook = true;
    outcome.error = "a hooks.before command failed; no migration was applied";
    return FinishFailure(plan, &outcome);
  }
  bool ok = s.transaction == ReleaseSettings::TransactionMode::kAll
                ? ApplyAllInOneTransaction(plan, &outcome)
                : ApplyEach(plan, &outcome);
  if (ok && interrupt_ && interrupt_->requested()) {
    ok = false;
    outcome.error = interrupt_->Reason() +
                    " after the last migration was committed";
  }
  if (!ok) return FinishFailure(plan, &outcome);
  if (!RunHooks("after", s.hooks.after, &plan, &outcome, kExitOk)) {
    outcome.failed_in_hook = true;
    outcome.error = "a hooks.after command failed";
    return FinishFailure(plan, &outcome);
  }
  driver_->RecordEvent("run_succeeded", 0, "",
                       Plural(outcome.committed.size(), "migration") + " applied",
                       options_.run);
  console_->Step("Applied " + Plural(outcome.committed.size(), "migration") + " in " +
                 FormatDuration(clock_->Now() - start));
  return kExitOk;
}

bool Migrator::ApplyEach(const MigrationPlan& plan, Outcome* outcome) {
  for (const Migration* m : plan.pending) {
    if (interrupt_ && interrupt_->requested()) {
      outcome->failed = m;
      outcome->error = interrupt_->Reason() +
                       " before " + Label(*m) + " started";
      return false;
    }
    bool out_of_order = IsOutOfOrder(plan, m);
    if (options_.observer) options_.observer->BeforeApply(*m);
    double start = clock_->Now();
    try {
      ApplyOne(*m, out_of_order);
    } catch (const DatabaseError& e) {
      if (options_.observer) options_.observer->OnFailure(*m, e);
      outcome->failed = m;
      outcome->error = e.what();
      if (interrupt_ && interrupt_->requested())
        outcome->error += std::string(" (cancelled: slugwright received ") +
                          SignalName(interrupt_->signal()) + ")";
      if (m->up_in_transaction && !e.connection_lost())
        driver_->RecordEvent("failed", m->version, m->name, outcome->error, options_.run);
      if (e.connection_lost())
        outcome->error += m->up_in_transaction
                              ? " (the connection was lost; a transactional migration is "
                                "rolled back by the server)"
                              : " (the connection was lost; the migration stays recorded as "
                                "started, and runs are refused until `slugwright migrate "
                                "repair`)";
      return false;
    }
    outcome->committed.push_back(m);
    if (options_.observer) options_.observer->AfterApply(*m, clock_->Now() - start);
    console_->Detail(Label(*m) + "  " + FormatDuration(clock_->Now() - start) +
                     (m->up_in_transaction ? "" : "  (transaction:false)") +
                     (out_of_order ? "  (out of order)" : ""));
  }
  return true;
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
        driver_->ApplyUp(m, out_of_order, options_.run, DatabaseDriver::Wrap::kOwnTransaction);
      return;
    } catch (const DatabaseError& e) {
      bool retry = e.sqlstate() == "55P03" && attempt <= options_.settings.lock_retries &&
                   !(interrupt_ && interrupt_->requested());
      if (!retry) throw;
      if (!WaitBeforeRetry(attempt, Label(m))) throw;
    }
  }
}

void Migrator::ApplyStatements(const Migration& m, bool out_of_order) {
  std::vector<SqlStatement> statements = SplitSqlOrThrow(m.up_sql, m.up_path, m.up_first_line);
  const int total = static_cast<int>(statements.size());
  driver_->StartUnfinished(m, total, out_of_order, options_.run);
  for (int i = 0; i < total; ++i) {
    std::string where = "statement " + std::to_string(i + 1) + " of " +
                        std::to_string(total) + " (" + m.up_path + ":" +
                        std::to_string(statements[i].line) + ")";
    if (interrupt_ && interrupt_->requested()) {
      std::string error = interrupt_->Reason() +
                          " before " + where;
      driver_->FailUnfinished(m, i, error, options_.run);
      throw DatabaseError(error, "57014", false);
    }
    for (int attempt = 1;; ++attempt) {
      try {
        driver_->ExecuteStatement(statements[i].text);
        break;
      } catch (const DatabaseError& e) {
        bool retry = e.sqlstate() == "55P03" &&
                     attempt <= options_.settings.lock_retries &&
                     !(interrupt_ && interrupt_->requested());
        if (retry && WaitBeforeRetry(attempt, Label(m) + " " + where)) continue;
        std::string error = where + ": " + e.what();
        if (!e.connection_lost()) {
          driver_->FailUnfinished(m, i, error, options_.run);
          try {
            std::vector<std::string> invalid = driver_->InvalidIndexes();
            if (!invalid.empty()) {
              std::string names;
              for (const auto& n : invalid) names += (names.empty() ? "" : ", ") + n;
              console_->Warning("INVALID index(es) left behind (e.g. by a failed CREATE "
                                "INDEX CONCURRENTLY): " + names +
                                ". Drop them with DROP INDEX CONCURRENTLY before "
                                "retrying; CREATE INDEX ... IF NOT EXISTS would keep the "
                                "invalid one.");
            }
          } catch (const DatabaseError&) {
          }
          if (i == 0)
            error += " (no statement of it was applied; it stays pending)";
          else
            error += " (statements 1-" + std::to_string(i) +
                     " stay applied; the migration is marked failed until "
                     "`slugwright migrate repair`)";
        }
        throw DatabaseError(error, e.sqlstate(), e.connection_lost());
      }
    }
    if (i + 1 < total) driver_->RecordProgress(m.version, i + 1);
  }
  driver_->FinishUnfinished(m, options_.run);
  // CREATE INDEX CONCURRENTLY IF NOT EXISTS "succeeds" on the INVALID
  // index an earlier failed attempt left behind: say so.
  try {
    std::vector<std::string> invalid = driver_->InvalidIndexes();
    std::string names;
    for (const auto& n : invalid) names += (names.empty() ? "" : ", ") + n;
    if (!names.empty())
      console_->Warning(Label(m) + " finished, but INVALID index(es) exist: " + names +
                        ". PostgreSQL does not use them (nor enforce their uniqueness); "
                        "an earlier failed CREATE INDEX CONCURRENTLY leaves one, and IF "
                        "NOT EXISTS keeps it. Drop it with DROP INDEX CONCURRENTLY and "
                        "create it again.");
  } catch (const DatabaseError&) {
  }
}

bool Migrator::ApplyAllInOneTransaction(const MigrationPlan& plan, Outcome* outcome) {
  for (int attempt = 1;; ++attempt) {
    std::vector<std::pair<const Migration*, double>> done;
    const Migration* current = nullptr;
    try {
      driver_->Begin();
      for (const Migration* m : plan.pending) {
        current = m;
        if (interrupt_ && interrupt_->requested())
          throw DatabaseError(std::string("interrupted by ") +
                                  SignalName(interrupt_->signal()) + " before " + Label(*m),
                              "57014", false);
        if (options_.observer) options_.observer->BeforeApply(*m);
        double start = clock_->Now();
        driver_->ApplyUp(*m, IsOutOfOrder(plan, m), options_.run,
                         DatabaseDriver::Wrap::kInOpenTransaction);
        done.emplace_back(m, clock_->Now() - start);
        if (options_.observer) options_.observer->BeforeCommit(*m);
      }
      current = nullptr;
      driver_->Commit();
    } catch (const DatabaseError& e) {
      driver_->Rollback();
      bool retry = e.sqlstate() == "55P03" && attempt <= options_.settings.lock_retries &&
                   !(interrupt_ && interrupt_->requested());
      if (retry && WaitBeforeRetry(attempt, "the batch (at " +
                                                (current ? Label(*current) : "COMMIT") + ")"))
        continue;
      if (options_.observer && current) options_.observer->OnFailure(*current, e);
      outcome->failed = current;
      outcome->error = std::string(current ? "" : "COMMIT failed: ") + e.what();
      if (interrupt_ && interrupt_->requested())
        outcome->error += std::string(" (cancelled: slugwright received ") +
                          SignalName(interrupt_->signal()) + ")";
      if (!e.connection_lost())
        driver_->RecordEvent("failed", current ? current->version : 0,
                             current ? current->name : "", outcome->error, options_.run);
      return false;
    }
    for (const auto& [m, seconds] : done) {
      outcome->committed.push_back(m);
      if (options_.observer) options_.observer->AfterApply(*m, seconds);
      console_->Detail(Label(*m) + "  " + FormatDuration(seconds) +
                       (IsOutOfOrder(plan, m) ? "  (out of order)" : ""));
    }
    console_->Detail("Committed " + Plural(done.size(), "migration") +
                     " in one transaction");
    return true;
  }
}

void Migrator::Revert(const Migration& m) {
  if (!m.down_in_transaction) {
    std::vector<SqlStatement> statements =
        SplitSqlOrThrow(m.down_sql, m.down_path, m.down_first_line);
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
      bool retry = e.sqlstate() == "55P03" && attempt <= options_.settings.lock_retries &&
                   !(interrupt_ && interrupt_->requested());
      if (!retry || !WaitBeforeRetry(attempt, "reverting " + Label(m))) throw;
    }
  }
}

void Migrator::RevertCommitted(Outcome* outcome) {
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

int Migrator::FinishFailure(const MigrationPlan& plan, Outcome* outcome) {
  const ReleaseSettings& s = options_.settings;
  int code = InterruptedOr(kExitFailed);
  if (outcome->failed)
    console_->Error("Migration " + Label(*outcome->failed) + " failed: " + outcome->error);
  else
    console_->Error(outcome->error);
  if (!outcome->failed_in_hook) {
    if (s.transaction == ReleaseSettings::TransactionMode::kAll)
      console_->Detail("The whole batch was rolled back (transaction: all): no migration "
                       "was applied");
    else if (outcome->failed && outcome->failed->up_in_transaction)
      console_->Detail(Label(*outcome->failed) + " was rolled back");
  }
  if (!outcome->committed.empty()) {
    if (s.on_failure == ReleaseSettings::OnFailure::kRollbackRelease) {
      RevertCommitted(outcome);
    } else {
      std::string list;
      for (const Migration* m : outcome->committed) list += "\n  " + Label(*m);
      console_->Warning(Plural(outcome->committed.size(), "migration") +
                        " committed by this run stay applied (on_failure: stop):" + list +
                        "\nHeroku does not deploy this release, so the running code must "
                        "work with them; `slugwright migrate down " +
                        std::to_string(outcome->committed.size()) + "` reverts them.");
    }
  }
  driver_->RecordEvent(interrupt_ && interrupt_->requested() ? "run_interrupted" : "run_failed",
                       outcome->failed ? outcome->failed->version : 0,
                       outcome->failed ? outcome->failed->name : "", outcome->error,
                       options_.run);
  RunHooks("on_failure", s.hooks.on_failure, &plan, outcome, code);
  return code;
}

bool Migrator::RunHooks(const std::string& hook, const std::vector<std::string>& commands,
                        const MigrationPlan* plan, const Outcome* outcome, int exit_code) {
  if (commands.empty()) return true;
  HookContext context;
  context.hook = hook;
  context.outcome = hook == "before"  ? "pending"
                    : hook == "after" ? "success"
                    : (interrupt_ && interrupt_->requested()) ? "interrupted"
                                                              : "failure";
  context.exit_code = exit_code;
  context.release = options_.run.release;
  context.app = options_.run.app;
  context.run_id = options_.run.run_id;
  context.database = driver_->Describe();
  context.table = options_.settings.table;
  if (plan) {
    for (const Migration* m : plan->pending) {
      bool committed = outcome && std::find(outcome->committed.begin(),
                                            outcome->committed.end(),
                                            m) != outcome->committed.end();
      if (!committed) context.pending.push_back(m->version);
    }
  }
  if (outcome) {
    for (const Migration* m : outcome->committed) context.applied.push_back(m->version);
    context.reverted = outcome->reverted;
    if (outcome->failed) {
      context.failed_version = outcome->failed->version;
      context.failed_name = outcome->failed->name;
    }
    context.error = console_->Scrub(outcome->error);
  }
  std::map<std::string, std::string> env = options_.command_env;
  for (const auto& [k, v] : HookEnvironment(context)) env[k] = v;
  for (const std::string& command : commands) {
    console_->Step("Running hooks." + hook + ": " + command);
    ProcessResult result = runner_->Run(command, env, options_.settings.hooks.timeout_seconds,
                                        "[" + hook + "] ", hook != "on_failure");
    if (!result.ok()) {
      std::string why = result.timed_out ? "timed out after " + FormatDuration(
                                                                   options_.settings.hooks.timeout_seconds)
                        : result.interrupted ? "stopped: slugwright was interrupted"
                                             : "exited with status " +
                                                   std::to_string(result.exit_code);
      console_->Error("hooks." + hook + " command `" + command + "` " + why);
      driver_->RecordEvent("hook_failed", 0, "", hook + ": " + command + ": " + why,
                           options_.run);
      return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// command: and rollback_command:

int Migrator::RunExternal(bool down, int count) {
  const ReleaseSettings& s = options_.settings;
  const std::string& command = down ? s.rollback_command : s.command;
  if (command.empty())
    throw UserError(kExitUsage, "no rollback_command is configured to revert migrations "
                                "applied by `" + s.command + "`");
  try {
    MigrationLock lock(driver_, clock_, console_);
    LockRelease release(&lock);
    ConnectAndLock(&lock);
    driver_->CreateHistoryTables();
    double start = clock_->Now();
    console_->Step("Running `" + command + "` under the migration lock on " +
                   driver_->Describe());
    driver_->RecordEvent("command_started", 0, "", command, options_.run);
    Outcome outcome;
    if (!down && !RunHooks("before", s.hooks.before, nullptr, nullptr, kExitOk)) {
      outcome.failed_in_hook = true;
      outcome.error = "a hooks.before command failed; the migration command did not run";
      RunHooks("on_failure", s.hooks.on_failure, nullptr, &outcome, InterruptedOr(kExitFailed));
      return InterruptedOr(kExitFailed);
    }
    std::map<std::string, std::string> env = options_.command_env;
    env["SLUGWRIGHT_RUN_ID"] = options_.run.run_id;
    for (int i = 0; i < count; ++i) {
      ProcessResult result = runner_->Run(command, env, 0, "[command] ", true);
      if (result.ok()) continue;
      outcome.error = "`" + command + "` " +
                      (result.interrupted ? std::string("was stopped: slugwright received ") +
                                                SignalName(interrupt_->signal())
                                          : "exited with status " +
                                                std::to_string(result.exit_code));
      console_->Error(outcome.error);
      driver_->RecordEvent("command_failed", 0, "", outcome.error, options_.run);
      if (!down && s.on_failure == ReleaseSettings::OnFailure::kRollbackRelease &&
          !s.rollback_command.empty()) {
        console_->Step("Running `" + s.rollback_command + "` (on_failure: rollback-release)");
        ProcessResult undo = runner_->Run(s.rollback_command, env, 0, "[rollback] ", false);
        if (!undo.ok())
          console_->Error("`" + s.rollback_command + "` exited with status " +
                          std::to_string(undo.exit_code));
      }
      if (!down)
        RunHooks("on_failure", s.hooks.on_failure, nullptr, &outcome, InterruptedOr(kExitFailed));
      return InterruptedOr(kExitFailed);
    }
    driver_->RecordEvent("command_succeeded", 0, "", command, options_.run);
    if (!down && !RunHooks("after", s.hooks.after, nullptr, &outcome, kExitOk)) {
      outcome.failed_in_hook = true;
      outcome.error = "a hooks.after command failed";
      RunHooks("on_failure", s.hooks.on_failure, nullptr, &outcome, kExitFailed);
      return InterruptedOr(kExitFailed);
    }
    console_->Step("`" + command + "` succeeded in " + FormatDuration(clock_->Now() - start));
    return kExitOk;
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(InterruptedOr(kExitFailed)), e.what());
  }
}

// ---------------------------------------------------------------------------
// down, status, validate, repair

int Migrator::Down(int count) {
  if (count < 1) throw UserError(kExitUsage, "down needs a count of at least 1");
  if (!options_.settings.command.empty()) return RunExternal(true, count);
  files_ = ReadFiles();
  try {
    CancelOnInterrupt cancel(interrupt_, driver_);
    MigrationLock lock(driver_, clock_, console_);
    LockRelease release(&lock);
    ConnectAndLock(&lock);
    MigrationPlan plan = MakePlan(files_, ReadHistory(false));
    std::vector<std::string> problems = IntegrityProblems(plan, true);
    if (!problems.empty()) {
      std::string message = "refusing to revert; nothing was changed:";
      for (const std::string& p : problems) message += "\n" + p;
      throw UserError(kExitIntegrity, message);
    }
    if (plan.applied.empty()) {
      console_->Step("Nothing to revert: no migration is applied");
      return kExitOk;
    }
    std::vector<const Migration*> targets;
    for (auto it = plan.applied.rbegin();
         it != plan.applied.rend() && static_cast<int>(targets.size()) < count; ++it) {
      auto file = std::find_if(files_.begin(), files_.end(),
                               [&](const Migration& m) { return m.version == it->version; });
      if (file == files_.end())
        throw UserError(kExitUsage, "cannot revert " + std::to_string(it->version) + "_" +
                                        it->name +
                                        ": its file is not in " + source_->Describe() +
                                        " (the database is ahead of this code)");
      if (!file->has_down)
        throw UserError(kExitUsage, "cannot revert " + Label(*file) + ": " + file->up_path +
                                        " has no down section");
      targets.push_back(&*file);
    }
    CheckRunnable(targets, true);
    driver_->SetTimeouts(options_.settings.lock_timeout_seconds,
                         options_.settings.statement_timeout_seconds);
    console_->Step("Reverting " + Plural(targets.size(), "migration") + " on " +
                   driver_->Describe());
    double start = clock_->Now();
    for (const Migration* m : targets) {
      if (interrupt_ && interrupt_->requested()) {
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
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(InterruptedOr(kExitFailed)), e.what());
  }
}

int Migrator::Status(bool json, bool exit_code_when_pending) {
  files_ = ReadFiles();
  MigrationPlan plan;
  try {
    ConnectOrThrow();
    plan = MakePlan(files_, ReadHistory(false));
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
  std::map<int64_t, const MigrationPlan::ChecksumMismatch*> changed;
  for (const auto& c : plan.checksum_mismatches) changed[c.row.version] = &c;
  std::map<int64_t, const HistoryRow*> applied, unfinished;
  for (const auto& r : plan.applied) applied[r.version] = &r;
  for (const auto& r : plan.unfinished) unfinished[r.version] = &r;

  if (json) {
    nlohmann::json out = {{"database", driver_->Describe()},
                          {"table", options_.settings.table},
                          {"source", source_->Describe()},
                          {"migrations", nlohmann::json::array()}};
    auto row_json = [](const HistoryRow& r) {
      return nlohmann::json{{"applied_at", r.applied_at}, {"execution_ms", r.execution_ms},
                            {"release", r.release},       {"app", r.app},
                            {"checksum", r.checksum},     {"out_of_order", r.out_of_order}};
    };
    std::map<int64_t, nlohmann::json> entries;
    for (const Migration& m : files_) {
      nlohmann::json e = {{"version", m.version}, {"name", m.name}, {"file", m.up_path},
                          {"in_transaction", m.up_in_transaction},
                          {"checksum", m.checksum}};
      if (unfinished.count(m.version)) {
        const HistoryRow& r = *unfinished[m.version];
        e["state"] = ToString(r.state);
        e["statements_done"] = r.statements_done;
        e["statements_total"] = r.statements_total;
        e["error"] = r.error;
      } else if (applied.count(m.version)) {
        e["state"] = changed.count(m.version) ? "changed" : "applied";
        e["history"] = row_json(*applied[m.version]);
      } else {
        e["state"] = IsOutOfOrder(plan, &m) ? "pending_out_of_order" : "pending";
      }
      entries[m.version] = e;
    }
    for (const HistoryRow& r : plan.future)
      entries[r.version] = {{"version", r.version}, {"name", r.name}, {"state", "no_file"},
                            {"history", row_json(r)}};
    for (auto& [v, e] : entries) out["migrations"].push_back(e);
    out["applied"] = plan.applied.size();
    out["pending"] = plan.pending.size();
    out["problems"] = IntegrityProblems(plan, options_.settings.allow_out_of_order);
    console_->Data(out.dump(2) + "\n");
  } else {
    console_->Step("Migrations in " + source_->Describe() + " for " + driver_->Describe() +
                   " (history in " + options_.settings.table + ")");
    std::map<int64_t, std::string> lines;
    for (const Migration& m : files_) {
      std::string line;
      if (unfinished.count(m.version)) {
        const HistoryRow& r = *unfinished[m.version];
        line = "[~] " + Label(m) + "  " + ToString(r.state) + " at statement " +
               std::to_string(r.statements_done + 1) + " of " +
               std::to_string(r.statements_total) + " (needs `slugwright migrate repair`)";
      } else if (applied.count(m.version)) {
        const HistoryRow& r = *applied[m.version];
        line = (changed.count(m.version) ? "[!] " : "[X] ") + Label(m) + "  applied " +
               r.applied_at + (r.release.empty() ? "" : " (" + r.release + ")") + " in " +
               FormatDuration(r.execution_ms / 1000) +
               (changed.count(m.version) ? "  CHANGED since (file " + m.checksum +
                                               ", recorded " + r.checksum + ")"
                                         : "");
      } else {
        line = "[ ] " + Label(m) + "  pending" +
               (IsOutOfOrder(plan, &m) ? " (older than the newest applied)" : "");
      }
      lines[m.version] = line;
    }
    for (const HistoryRow& r : plan.future)
      lines[r.version] = "[?] " + std::to_string(r.version) + "_" + r.name + "  applied " +
                         r.applied_at + ", no file here (the database is ahead of this code)";
    for (const auto& [v, line] : lines) console_->Detail(line);
    console_->Detail("Applied: " + std::to_string(plan.applied.size()) +
                     ", pending: " + std::to_string(plan.pending.size()) +
                     (plan.future.empty() ? "" : ", without file: " +
                                                     std::to_string(plan.future.size())));
    for (const std::string& p : IntegrityProblems(plan, options_.settings.allow_out_of_order))
      console_->Warning(p);
  }
  return exit_code_when_pending && !plan.pending.empty() ? kExitFailed : kExitOk;
}

int Migrator::Validate(bool use_database) {
  files_ = ReadFiles();
  std::vector<const Migration*> all, with_down;
  for (const Migration& m : files_) {
    all.push_back(&m);
    if (m.has_down) with_down.push_back(&m);
  }
  // Like up, but every file; transaction: all only concerns pending files.
  ReleaseSettings::TransactionMode mode = options_.settings.transaction;
  options_.settings.transaction = ReleaseSettings::TransactionMode::kPerMigration;
  CheckRunnable(all, false);
  CheckRunnable(with_down, true);
  options_.settings.transaction = mode;
  console_->Step(Plural(files_.size(), "migration file") + " in " + source_->Describe() +
                 " are valid");
  if (!use_database) {
    console_->Detail("No database URL: the history was not checked");
    return kExitOk;
  }
  try {
    ConnectOrThrow();
    MigrationPlan plan = MakePlan(files_, ReadHistory(false));
    std::string future = FutureWarning(plan);
    if (!future.empty()) console_->Warning(future);
    std::vector<std::string> problems =
        IntegrityProblems(plan, options_.settings.allow_out_of_order);
    if (!problems.empty()) {
      std::string message = "the history of " + driver_->Describe() + " does not match:";
      for (const std::string& p : problems) message += "\n" + p;
      throw UserError(kExitIntegrity, message);
    }
    console_->Detail("History of " + driver_->Describe() + " matches: " +
                     std::to_string(plan.applied.size()) + " applied, " +
                     std::to_string(plan.pending.size()) + " pending");
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
  return kExitOk;
}

int Migrator::Repair(const RepairOptions& options) {
  files_ = ReadFiles();
  try {
    CancelOnInterrupt cancel(interrupt_, driver_);
    MigrationLock lock(driver_, clock_, console_);
    LockRelease release(&lock);
    ConnectAndLock(&lock);
    MigrationPlan plan = MakePlan(files_, ReadHistory(false));
    std::set<int64_t> unfinished;
    for (const HistoryRow& r : plan.unfinished) unfinished.insert(r.version);
    for (int64_t v : options.mark_applied)
      if (!unfinished.count(v))
        throw UserError(kExitUsage, "--mark-applied " + std::to_string(v) +
                                        ": that version is not an unfinished migration");
    int changes = 0;
    for (const HistoryRow& r : plan.unfinished) {
      std::string label = std::to_string(r.version) + "_" + r.name;
      if (options.mark_applied.count(r.version)) {
        auto file = std::find_if(files_.begin(), files_.end(),
                                 [&](const Migration& m) { return m.version == r.version; });
        driver_->MarkApplied(r.version, file != files_.end() ? file->checksum : r.checksum,
                             options_.run);
        console_->Detail("Marked " + label + " applied (completed by hand)");
      } else {
        driver_->DeleteHistoryRow(r.version,
                                  std::string("removed ") + ToString(r.state) +
                                      " record (statement " +
                                      std::to_string(r.statements_done + 1) + " of " +
                                      std::to_string(r.statements_total) + ")",
                                  options_.run);
        console_->Detail("Removed the " + std::string(ToString(r.state)) + " record of " +
                         label + ": it is pending again and runs from its first statement");
      }
      ++changes;
    }
    for (const auto& c : plan.checksum_mismatches) {
      if (!options.accept_checksums) {
        console_->Warning(c.file->up_path + " changed since it was applied; pass "
                          "--accept-checksums to record its new checksum");
        continue;
      }
      driver_->UpdateChecksum(c.row.version, c.file->checksum, options_.run);
      console_->Detail("Recorded the new checksum of " + c.file->up_path + " (" +
                       c.row.checksum + " -> " + c.file->checksum + ")");
      ++changes;
    }
    console_->Step(changes ? "Repaired " + Plural(changes, "history record")
                           : std::string("Nothing to repair"));
    return kExitOk;
  } catch (const DatabaseError& e) {
    throw UserError(static_cast<ExitCode>(InterruptedOr(kExitFailed)), e.what());
  }
}
