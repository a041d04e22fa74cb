#include "cli/output/migrate_output.h"

#include "base/console.h"
#include "base/duration.h"
#include "base/interrupt.h"
#include "base/text.h"
#include "migrate/migration_checks.h"
#include "migrate/migration_plan.h"

namespace {

/// How a lock_timeout retry names what it runs again.
std::string RetriedWhat(const RetrySubject& s) {
  switch (s.kind) {
    case RetrySubject::Kind::kMigration: return Label(*s.migration);
    case RetrySubject::Kind::kStatement:
      return Label(*s.migration) + " statement " + std::to_string(s.statement.number) + " of " +
             std::to_string(s.statement.total) + " (" + s.statement.path + ":" +
             std::to_string(s.statement.line) + ")";
    case RetrySubject::Kind::kBatch:
      return "the batch (at " + (s.migration ? Label(*s.migration) : "COMMIT") + ")";
    case RetrySubject::Kind::kRevert: return "reverting " + Label(*s.migration);
    case RetrySubject::Kind::kCommand: return "`" + s.command + "`";
  }
  return "";
}

/// "the batch of 3 migrations (1_a to 3_c)", or the one migration's label.
std::string DescribeLost(const std::vector<const Migration*>& migrations) {
  if (migrations.size() == 1) return Label(*migrations[0]);
  return "the batch of " + Plural(migrations.size(), "migration") + " (" +
         Label(*migrations.front()) + " to " + Label(*migrations.back()) + ")";
}

std::string InterruptReason(int signal) {
  return std::string("interrupted by ") + SignalName(signal);
}

}  // namespace

std::string DescribeLockHolders(const std::vector<LockHolder>& holders) {
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

std::string RunErrorMessage(const RunError& error) {
  const RunError::Facts& f = error.facts();
  switch (error.kind()) {
    case RunError::Kind::kLocked:
      return "the migration lock on " + f.database + " was not acquired " +
             (f.wait_seconds > 0 ? "within " + FormatDuration(f.wait_seconds)
                                 : "at once (lock wait 0)") +
             ": it is held by " + DescribeLockHolders(f.holders) +
             ". Another release phase or `slugwright migrate` is applying migrations to "
             "this database. Nothing was applied; retry once it has finished "
             "(`heroku releases:retry`), or raise lock_wait / --lock-wait.";
    case RunError::Kind::kInterruptedWaitingForLock:
      return InterruptReason(f.signal) +
             " while waiting for the migration lock; nothing was applied";
    case RunError::Kind::kInterruptedBeforeStart:
      return InterruptReason(f.signal) + " before any migration started; nothing was applied";
    case RunError::Kind::kUnreachable:
    case RunError::Kind::kDatabase: return f.message;
    case RunError::Kind::kDatabaseWaitTimedOut:
      return f.database + " did not accept a connection within " +
             FormatDuration(f.wait_seconds) + " (last error: " + f.message +
             "). Check the URL and that the server is up, or wait longer "
             "with --timeout / --wait-timeout.";
    case RunError::Kind::kInterruptedWaitingForDatabase:
      return InterruptReason(f.signal) + " while waiting for " + f.database +
             " to accept a connection";
    case RunError::Kind::kBadCount: return "down needs a count of at least 1";
    case RunError::Kind::kNoFileToRevert:
      return "cannot revert " + std::to_string(f.version) + "_" + f.name +
             ": its file is not in " + f.source + " (the database is ahead of this code)";
    case RunError::Kind::kNoDownSection:
      return "cannot revert " + std::to_string(f.version) + "_" + f.name + ": " + f.file +
             " has no down section";
    case RunError::Kind::kBlankUpSection:
      return f.file + ":" + std::to_string(f.line) +
             ": the up section holds no SQL statement (a `slugwright migrate new` template "
             "not filled in yet?); write its SQL after `-- migrate:up` (a comment alone "
             "makes it a no-op). Nothing was applied.";
    case RunError::Kind::kTransactionControl:
      return f.file + ":" + std::to_string(f.line) + ": `" + f.statement.substr(0, 40) +
             "` ends or starts a transaction, but slugwright runs this migration in a "
             "transaction of its own (with its history row). Remove it, or mark the "
             "section `transaction:false`.";
    case RunError::Kind::kTransactionFalseInTransactionAll:
      return "transaction: all applies every pending migration in one transaction, but " + f.file +
             " is transaction:false and cannot run in one. Deploy it in a release of its "
             "own, or use transaction: per-migration. Nothing was applied.";
  }
  return error.what();
}

// ---------------------------------------------------------------------------
// the lock and lock_timeout retries

std::string ManifestNotUsedMessage(const DirectorySource::ManifestLoad& load,
                                   const std::string& directory) {
  using State = DirectorySource::ManifestLoad::State;
  switch (load.state) {
    case State::kUsed:
    case State::kMissing:
      return "";
    case State::kRejected:
      return "the migrations manifest " + load.path + " is not usable (" + load.problem +
             "); reading every migration file instead. `slugwright migrate manifest` "
             "writes a new one.";
    case State::kOtherDirectory:
      return "the migrations manifest " + load.path + " is of the directory `" +
             load.recorded_directory + "`, not `" + directory +
             "`; reading every migration file instead.";
  }
  return "";
}

void ConsoleRunObserver::LockWaiting(const LockWaitEvent& e) {
  std::string holder = DescribeLockHolders(e.holders);
  console_->Event("lock_waiting", {{"holder", holder}, {"waited_ms", e.waited_seconds * 1000}});
  if (e.first)
    console_->Detail("Waiting up to " + FormatDuration(e.wait_seconds) +
                     " for the migration lock, held by " + holder);
  else
    console_->Detail("Still waiting for the migration lock after " +
                     FormatDuration(e.waited_seconds) + ", held by " + holder);
}

void ConsoleRunObserver::LockAcquired(double waited) {
  console_->Event("lock_acquired", {{"waited_ms", waited * 1000}});
  if (waited >= 0.5) console_->Detail("Took the migration lock after " + FormatDuration(waited));
}

void ConsoleRunObserver::LockReleasedUnheld() {
  console_->Warning("the migration lock was not held by this session when released; "
                    "is the connection going through a pooler?");
}

void ConsoleRunObserver::LockTimeoutRetried(const LockTimeoutRetryEvent& e) {
  console_->Detail(RetriedWhat(e.subject) + " hit lock_timeout (" +
                   FormatDuration(e.lock_timeout_seconds) +
                   ": another session holds a lock it needs); retry " +
                   std::to_string(e.attempt) + " of " + std::to_string(e.retries) + " in " +
                   FormatDuration(e.delay_seconds));
}

// ---------------------------------------------------------------------------
// hooks

void ConsoleRunObserver::HooksStarted(const std::string& hook, size_t commands) {
  console_->Event("hook_started", {{"hook", hook}, {"commands", commands}});
}

void ConsoleRunObserver::HooksFinished(const std::string& hook, bool ok, double seconds) {
  console_->Event("hook_finished", {{"hook", hook}, {"ok", ok}, {"duration_ms", seconds * 1000}},
                  ok ? LogLevel::kInfo : LogLevel::kError);
}

void ConsoleRunObserver::HookCommandStarted(const std::string& hook, const std::string& command) {
  console_->Step("Running hooks." + hook + ": " + command);
}

void ConsoleRunObserver::HookCommandFailed(const HookFailureEvent& e) {
  std::string why = e.timed_out     ? "timed out after " + FormatDuration(e.timeout_seconds)
                    : e.interrupted ? "stopped: slugwright was interrupted"
                                    : "exited with status " + std::to_string(e.exit_code);
  console_->Error("hooks." + e.hook + " command `" + e.command + "` " + why);
}

// ---------------------------------------------------------------------------
// up

void ConsoleRunObserver::DryRun(const DryRunEvent& e) {
  if (e.pending.empty()) {
    console_->Step("Dry run: " + e.database + " is up to date (" +
                   Plural(e.applied, "migration") + " applied)");
    return;
  }
  console_->Step("Dry run: would apply " + Plural(e.pending.size(), "migration") + " from " +
                 e.source + " to " + e.database);
  for (const DryRunEvent::Pending& p : e.pending)
    console_->Detail(Label(*p.migration) +
                     (p.migration->up_in_transaction ? "" : " (transaction:false)") +
                     (p.out_of_order ? " (out of order)" : ""));
  console_->Detail("No lock taken, nothing written");
}

void ConsoleRunObserver::DatabaseAhead(const MigrationPlan& plan) {
  std::string future = FutureWarning(plan);
  if (!future.empty()) console_->Warning(future);
}

void ConsoleRunObserver::UpToDate(const std::string& database, size_t applied) {
  console_->Event("up_to_date", {{"applied", applied}});
  console_->Step(database + " is up to date: " + Plural(applied, "migration") +
                 " applied, none pending");
}

void ConsoleRunObserver::RunStarting(const RunStartEvent& e) {
  for (const Migration* m : e.without_down)
    console_->Warning(m->up_path + " has no down section: on_failure: rollback-release "
                      "cannot revert it (or anything older) if this release fails");
  if (!e.other_history_tables.empty())
    console_->Warning("this database also has the slugwright history table(s) " +
                      Join(e.other_history_tables, ", ") + ", besides " + e.table +
                      " (this run's `table:`). Each history table belongs to a runner of "
                      "its own, and each applies every migration it has not recorded: if "
                      "two apps (or two settings) migrate the same schema, give them the "
                      "same `table:`; drop a history table that is no longer used.");
  console_->Event("run_started", {{"pending", e.pending.size()},
                                  {"source", e.source},
                                  {"database", e.database},
                                  {"transaction", ToString(e.transaction)}});
  console_->Step("Applying " + Plural(e.pending.size(), "migration") + " from " + e.source +
                 " to " + e.database + " (transaction: " + ToString(e.transaction) +
                 ", lock_timeout " + FormatDuration(e.lock_timeout_seconds) + ")");
}

void ConsoleRunObserver::MigrationStarted(const Migration& m) {
  console_->Event("migration_started", {{"version", m.version}, {"name", m.name},
                                        {"file", m.up_path},
                                        {"in_transaction", m.up_in_transaction}});
}

void ConsoleRunObserver::MigrationRunning(const MigrationRunningEvent& e) {
  std::string label = Label(*e.migration);
  std::string text = label + " running for " + FormatDuration(e.elapsed_seconds);
  LogFields fields = {{"migration", label}, {"elapsed_ms", e.elapsed_seconds * 1000}};
  if (e.statements_total > 0) {
    text += ", statement " + std::to_string(e.statement) + " of " +
            std::to_string(e.statements_total);
    fields.emplace_back("statement", e.statement);
    fields.emplace_back("statements_total", e.statements_total);
  }
  if (!e.blocked_by.empty()) {
    text += ", waiting for a lock held by " + e.blocked_by;
    fields.emplace_back("waiting_on_lock_held_by", e.blocked_by);
  }
  console_->Progress(text, fields);
}

void ConsoleRunObserver::MigrationRunningEnded() { console_->EndProgress(); }

void ConsoleRunObserver::MigrationApplied(const AppliedMigrationEvent& e) {
  const Migration& m = *e.migration;
  console_->Event("migration_applied",
                  {{"version", m.version}, {"name", m.name}, {"duration_ms", e.seconds * 1000}});
  console_->Detail(Label(m) + "  " + FormatDuration(e.seconds) +
                   (m.up_in_transaction ? "" : "  (transaction:false)") +
                   (e.out_of_order ? "  (out of order)" : ""));
}

void ConsoleRunObserver::MigrationFailed(const Migration& m, double seconds,
                                         const std::string& error) {
  console_->Event("migration_failed",
                  {{"version", m.version}, {"name", m.name}, {"duration_ms", seconds * 1000},
                   {"error", error}},
                  LogLevel::kError);
}

void ConsoleRunObserver::BatchCommitted(size_t count) {
  console_->Detail("Committed " + Plural(count, "migration") + " in one transaction");
}

void ConsoleRunObserver::InvalidIndexesLeft(const Migration& m,
                                            const std::vector<std::string>& indexes,
                                            bool after_failure) {
  std::string names = Join(indexes, ", ");
  if (after_failure)
    console_->Warning("INVALID index(es) left behind (e.g. by a failed CREATE "
                      "INDEX CONCURRENTLY): " + names +
                      ". Drop them with DROP INDEX CONCURRENTLY before "
                      "retrying; CREATE INDEX ... IF NOT EXISTS would keep the "
                      "invalid one.");
  else
    console_->Warning(Label(m) + " finished, but INVALID index(es) exist: " + names +
                      ". PostgreSQL does not use them (nor enforce their uniqueness); "
                      "an earlier failed CREATE INDEX CONCURRENTLY leaves one, and IF "
                      "NOT EXISTS keeps it. Drop it with DROP INDEX CONCURRENTLY and "
                      "create it again.");
}

void ConsoleRunObserver::RunSucceeded(size_t applied, double seconds) {
  console_->Event("run_succeeded", {{"applied", applied}, {"duration_ms", seconds * 1000}});
  console_->Step("Applied " + Plural(applied, "migration") + " in " + FormatDuration(seconds));
}

void ConsoleRunObserver::AfterHookFailedAfterCommit(size_t committed, bool release_fails) {
  console_->Event("after_hook_failed",
                  {{"committed", committed}, {"release_fails", release_fails}},
                  release_fails ? LogLevel::kError : LogLevel::kWarn);
  std::string changed = committed == 0 ? std::string("hooks.after failed")
                                       : "hooks.after failed after " +
                                             Plural(committed, "migration") +
                                             " committed: the schema already changed";
  if (release_fails)
    console_->Error(changed + ". The release fails (after_hook_failure: fail), so the platform "
                              "keeps the previous code running on the changed schema");
  else
    console_->Warning(changed + ". The release succeeds anyway (after_hook_failure: warn, the "
                                "default), so the code written for this schema goes live; set "
                                "after_hook_failure: fail if this hook must gate the deploy");
}

void ConsoleRunObserver::RunFailed(const UpFailureEvent& e) {
  if (e.lost_commit)
    console_->Error((e.failed ? "Migration " + Label(*e.failed) + " failed (outcome unknown): "
                              : std::string("Outcome unknown: ")) +
                    e.error);
  else if (e.failed)
    console_->Error("Migration " + Label(*e.failed) + " failed: " + e.error);
  else
    console_->Error(e.error);
  for (const LockHolder& h : e.blockers)
    console_->Error("It waited for pid " + std::to_string(h.pid) + " (" +
                    (h.application_name.empty() ? "no application_name" : h.application_name) +
                    ", " + (h.state.empty() ? "state unknown" : h.state) +
                    (h.query_start.empty() ? "" : " since " + h.query_start) + "), which holds " +
                    h.mode + " on " + h.relation +
                    (h.query.empty() ? "" : "; its query: " + h.query));
  if (e.lost_commit) {
    ReportLostCommit(e);
  } else if (!e.failed_in_hook) {
    if (e.transaction == ReleaseSettings::TransactionMode::kAll)
      console_->Detail("The whole batch was rolled back (transaction: all): no migration "
                       "was applied");
    else if (e.failed && e.failed->up_in_transaction)
      console_->Detail(Label(*e.failed) + " was rolled back");
  }
}

void ConsoleRunObserver::ReportLostCommit(const UpFailureEvent& e) {
  const std::string what = DescribeLost(e.lost_commit_migrations);
  if (on_copy_ && *e.lost_commit == HistoryStore::LostOutcome::kUnknown) {
    console_->Warning("Could not check on a new connection whether the copy's server "
                      "committed " + what + ".");
    return;
  }
  switch (*e.lost_commit) {
    case HistoryStore::LostOutcome::kApplied:
      console_->Detail("Checked on a new connection: " + what +
                       " is recorded as applied; the server committed it before the "
                       "connection was lost.");
      break;
    case HistoryStore::LostOutcome::kRolledBack:
      console_->Detail("Checked on a new connection: " + what +
                       " has no history row; the server rolled it back" +
                       (on_copy_ ? std::string(".")
                                 : ", and the next `slugwright migrate up` applies it."));
      break;
    case HistoryStore::LostOutcome::kAppliedByAnotherRun:
      console_->Detail("Checked on a new connection: " + what +
                       " was applied by another run after this run's session was lost "
                       "(the lock passed to it); the server rolled this run's transaction "
                       "back, so nothing was applied twice.");
      break;
    case HistoryStore::LostOutcome::kUnknown:
      console_->Warning("Could not check on a new connection whether the server committed " +
                        what + ". Run `slugwright migrate status` once the database is "
                        "reachable: if it shows applied, it is; if pending, it was rolled "
                        "back and the next `slugwright migrate up` applies it. Revert "
                        "nothing before checking.");
      break;
  }
}

void ConsoleRunObserver::CommittedStayApplied(const UpFailureEvent& e) {
  std::string list;
  for (const Migration* m : e.committed) list += "\n  " + Label(*m);
  if (on_copy_) {
    // Reverting is nothing to do on a copy that goes away, and a command
    // run against the real database would revert older migrations there.
    console_->Warning(Plural(e.committed.size(), "migration") +
                      " committed by this run stay applied on the copy (on_failure: stop):" +
                      list + "\nIn production they would stay applied and Heroku would not "
                      "deploy the release. The copy is removed after this report.");
    return;
  }
  std::string down = "`slugwright migrate down " + std::to_string(e.committed.size()) + "`";
  std::string advice = down + " reverts them.";
  if (e.lost_commit == HistoryStore::LostOutcome::kUnknown)
    advice = "check `slugwright migrate status` before reverting any: the newest "
             "applied one may be the migration whose outcome is unknown.";
  else if (e.lost_commit == HistoryStore::LostOutcome::kAppliedByAnotherRun)
    advice = "another run has applied migrations since, so " + down +
             " would revert that run's newest ones: check `slugwright migrate status` "
             "before reverting any.";
  console_->Warning(Plural(e.committed.size(), "migration") + " committed by this run " +
                    (e.committed.size() == 1 ? "stays" : "stay") +
                    " applied (on_failure: stop):" + list +
                    "\nHeroku does not deploy this release, so the running code must "
                    "work with them; " + advice);
}

void ConsoleRunObserver::RunFailureRecorded(const UpFailureEvent& e) {
  console_->Event("run_failed", {{"failed", e.failed ? Label(*e.failed) : ""},
                                 {"error", e.error},
                                 {"committed", e.committed.size()},
                                 {"interrupted", e.interrupted}},
                  LogLevel::kError);
}

// ---------------------------------------------------------------------------
// reverting

void ConsoleRunObserver::RevertingCommitted(size_t count) {
  console_->Step("Reverting the " + Plural(count, "migration") +
                 " this run committed (on_failure: rollback-release)");
}

void ConsoleRunObserver::CommittedRevertStopped(const Migration& m, size_t older_left,
                                                const std::string& error) {
  std::string left = "; it and " + std::to_string(older_left) +
                     " older migration(s) of this run stay applied";
  if (error.empty())
    console_->Error("cannot revert " + Label(m) + ": it has no down section" + left);
  else
    console_->Error("reverting " + Label(m) + " failed: " + error + left);
}

void ConsoleRunObserver::NothingToRevert() {
  console_->Step("Nothing to revert: no migration is applied");
}

void ConsoleRunObserver::RevertStarting(size_t count, const std::string& database) {
  console_->Step("Reverting " + Plural(count, "migration") + " on " + database);
}

void ConsoleRunObserver::Reverted(const Migration& m, double seconds) {
  console_->Detail("Reverted " + Label(m) + "  " + FormatDuration(seconds) +
                   (m.has_down ? "" : "  (no down section; its up section holds no SQL)"));
}

void ConsoleRunObserver::RevertInterrupted(const Migration& m) {
  console_->Error("interrupted before reverting " + Label(m));
}

void ConsoleRunObserver::RevertFailed(const Migration& m, const std::string& error) {
  console_->Error("reverting " + Label(m) + " failed: " + error);
}

void ConsoleRunObserver::RevertFinished(size_t count, double seconds) {
  console_->Step("Reverted " + Plural(count, "migration") + " in " + FormatDuration(seconds));
}

// ---------------------------------------------------------------------------
// waiting for the database, validate and repair

void ConsoleRunObserver::DatabaseWaitStarted(const std::string& database, double timeout) {
  console_->Step("Waiting up to " + FormatDuration(timeout) + " for " + database +
                 " to accept a connection");
}

void ConsoleRunObserver::DatabaseAccepts(const std::string& database, double waited) {
  console_->Detail(database + " accepts connections (after " + FormatDuration(waited) + ")");
}

void ConsoleRunObserver::FilesValid(size_t files, const std::string& source) {
  console_->Step("Checked " + Plural(files, "migration file") + " in " + source +
                 ": each reads, splits and passes the checks made before connecting");
}

void ConsoleRunObserver::HistoryNotChecked() {
  console_->Detail("No database URL: the history was not checked");
}

void ConsoleRunObserver::HistoryMatches(const std::string& database, size_t applied,
                                        size_t pending) {
  console_->Detail("History of " + database + " matches: " + std::to_string(applied) +
                   " applied, " + std::to_string(pending) + " pending");
}

void ConsoleRunObserver::RepairMarkedApplied(const HistoryRow& r) {
  console_->Detail("Marked " + std::to_string(r.version) + "_" + r.name +
                   " applied (completed by hand)");
}

void ConsoleRunObserver::RepairRemovedUnfinished(const HistoryRow& r) {
  console_->Detail("Removed the " + std::string(ToString(r.state)) + " record of " +
                   std::to_string(r.version) + "_" + r.name +
                   ": it is pending again and runs from its first statement");
}

void ConsoleRunObserver::RepairRecordedRename(const HistoryRow& r, const Migration& renamed) {
  console_->Detail("Recorded that " + std::to_string(r.version) + "_" + r.name +
                   " was renamed to " + renamed.up_path + ": it is applied, not pending");
}

void ConsoleRunObserver::RepairChecksumChanged(const Migration& file, const HistoryRow& row,
                                               bool recorded) {
  if (!recorded)
    console_->Warning(file.up_path + " changed since it was applied; pass "
                      "--accept-checksums to record its new checksum");
  else
    console_->Detail("Recorded the new checksum of " + file.up_path + " (" + row.checksum +
                     " -> " + file.checksum + ")");
}

void ConsoleRunObserver::RepairFinished(int changes) {
  console_->Step(changes ? "Repaired " + Plural(changes, "history record")
                         : std::string("Nothing to repair"));
}
