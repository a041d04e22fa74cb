#include "migrate/migrator.h"

#include <stdexcept>

#include "base/clock.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "base/text.h"
#include "migrate/foreign_history_guard.h"
#include "migrate/migration_checks.h"
#include "migrate/migration_lock.h"
#include "migrate/repair.h"
#include "migrate/run_error.h"
#include "migrate/server_lexing.h"
#include "migrate/validate.h"

namespace {

/// Connects. When the server cannot be reached, every file is checked in
/// full first: with the history unknown any of them may be pending, and a
/// broken file is reported as such (exit 2) rather than as a connection
/// failure (exit 1).
[[noreturn]] void ThrowUnreachable(const DatabaseError& e, MigrationSource* source,
                                   std::vector<Migration>* files) {
  for (Migration& m : *files) m = source->ReadChecked(m);
  RunError::Facts facts;
  facts.message = e.what();
  facts.sqlstate = e.sqlstate();
  throw RunError(RunError::Kind::kUnreachable, std::move(facts));
}

void ConnectCheckingFilesIfUnreachable(DatabaseDriver* driver, MigrationSource* source,
                                       std::vector<Migration>* files) {
  try {
    driver->Connect();
  } catch (const DatabaseError& e) {
    ThrowUnreachable(e, source, files);
  }
}

/// A query that failed outside a migration, as the command's error.
RunError DatabaseFailure(const DatabaseError& e, int interrupt_exit_code) {
  RunError::Facts facts;
  facts.message = e.what();
  facts.sqlstate = e.sqlstate();
  facts.interrupt_exit_code = interrupt_exit_code;
  return RunError(RunError::Kind::kDatabase, std::move(facts));
}

/// The plan of `files` against `history`, its pending migrations that were
/// only indexed read and checked in full (MigrationSource::ReadChecked): an
/// applied migration's SQL never runs again, so only its checksum is looked
/// at, but a pending one is split and checked before anything runs. The
/// plan points into `files` and takes the rows of `history`.
MigrationPlan PlanWithPendingChecked(MigrationSource* source, std::vector<Migration>* files,
                                     std::vector<HistoryRow> history) {
  for (size_t pending : PendingFileIndices(*files, history)) {
    Migration& slot = (*files)[pending];
    if (!slot.sql_checked) slot = source->ReadChecked(slot);
  }
  return MakePlan(*files, std::move(history));
}

/// Required collaborators of MigratorOptions: a missing one is a wiring bug.
template <typename T>
T* Required(T* collaborator, const char* name) {
  if (!collaborator) throw std::logic_error(std::string("MigratorOptions::") + name + " is null");
  return collaborator;
}

}  // namespace

Migrator::Migrator(MigrationSource* source, DatabaseDriver* driver, CommandRunner* runner,
                   const Redactor* redactor, Clock* clock, Interrupt* interrupt,
                   MigratorOptions options)
    : source_(source),
      driver_(driver),
      clock_(clock),
      interrupt_(interrupt),
      options_(std::move(options)),
      events_(Required(options_.events, "events")),
      foreign_history_(Required(options_.foreign_history, "foreign_history")),
      context_{source, driver, runner, redactor, clock, interrupt, &options_},
      retry_(options_.settings.lock_timeout_seconds, options_.settings.lock_retries, options_.seed,
             clock, events_, interrupt) {}

MigrationLockOptions Migrator::LockOptions() const {
  return {options_.settings.lock_wait_seconds, options_.seed, options_.allow_session_pooler};
}

std::vector<HistoryRow> Migrator::ReadHistory(bool create) {
  std::vector<HistoryRow> rows;
  if (!driver_->ReadHistory(&rows) && create) {
    foreign_history_->RefuseToStartOver(driver_, files_);  // never re-apply another tool's
    driver_->CreateHistoryTables();
  }
  return rows;
}

std::string Migrator::CancelledSuffix() const {
  if (!Interrupted()) return "";
  return std::string(" (cancelled: slugwright received ") + SignalName(interrupt_->signal()) +
         ")";
}

bool Migrator::RunHooks(const std::string& hook, const std::vector<std::string>& commands,
                        const MigrationPlan* plan, const RunOutcome* outcome, int exit_code) {
  if (commands.empty()) return ::RunHooks(context_, hook, commands, plan, outcome, exit_code);
  double start = clock_->Now();
  events_->HooksStarted(hook, commands.size());
  bool ok = ::RunHooks(context_, hook, commands, plan, outcome, exit_code);
  events_->HooksFinished(hook, ok, clock_->Now() - start);
  return ok;
}

// ---------------------------------------------------------------------------
// up

void Migrator::ReadIndex() {
  files_ = ReadIndexBeforeConnecting(source_, driver_);
  RefuseBlankUpSections(files_);
}

int Migrator::Up(bool dry_run) {
  // A slug's manifest may prove the files as they were recorded, unread.
  std::vector<RecordedMigration> recorded;
  const bool files_recorded = !dry_run && source_->ReadRecordedIndex(&recorded);
  if (!files_recorded) ReadIndex();
  try {
    if (dry_run) return DryRun();
    CancelOnInterrupt cancel(interrupt_, driver_);
    // Nothing to do (the usual release): one query of three columns, no
    // lock, so racing releases that find nothing pending all exit at once.
    if (!files_recorded) {
      recorded.reserve(files_.size());
      for (const Migration& m : files_) recorded.push_back({m.version, m.checksum});
    }
    size_t applied = 0;
    if (ConnectAndFindUpToDate(recorded, /*files_read=*/!files_recorded, &applied)) {
      events_->UpToDate(driver_->Describe(), applied);
      return kExitOk;
    }
    // Something differs: the history is read in full (and the files, if
    // the manifest spared them) and planned.
    if (files_recorded) ReadIndex();
    bool history_exists = false;
    MigrationPlan plan = ConnectAndPlan(&history_exists, /*connected=*/true);
    if (history_exists && plan.pending.empty() && plan.unfinished.empty())
      return ApplyPending(plan);
    // Something to do: take the lock, then read the history again under
    // it, since a run that held the lock may have applied it meanwhile.
    MigrationLockOptions lock_options = LockOptions();
    lock_options.connected = true;
    ScopedMigrationLock lock(driver_, driver_, clock_, events_, interrupt_, lock_options);
    return ApplyPending(PlanWithPendingChecked(source_, &files_, ReadHistory(true)));
  } catch (const DatabaseError& e) {
    throw DatabaseFailure(e, Interrupted() ? interrupt_->exit_code() : 0);
  }
}

bool Migrator::ConnectAndFindUpToDate(const std::vector<RecordedMigration>& recorded,
                                      bool files_read, size_t* applied) {
  try {
    driver_->Connect();
  } catch (const DatabaseError& e) {
    if (!files_read) ReadIndex();
    ThrowUnreachable(e, source_, &files_);
  }
  std::vector<HistoryChecksum> rows;
  if (!driver_->ReadHistoryChecksums(&rows)) return false;
  *applied = rows.size();
  return AppliedAsRecorded(recorded, rows);
}

MigrationPlan Migrator::ConnectAndPlan(bool* history_exists, bool connected) {
  if (!connected) ConnectCheckingFilesIfUnreachable(driver_, source_, &files_);
  // Pending files are split as the server reads strings; applied ones
  // were only hashed, which does not depend on it.
  FollowServerLexing(source_, driver_, &files_);
  std::vector<HistoryRow> rows;
  *history_exists = driver_->ReadHistory(&rows);
  return PlanWithPendingChecked(source_, &files_, std::move(rows));
}

int Migrator::DryRun() {
  // Pending files are read before the refusals, as `up` does: a broken
  // one is reported first, and the first migration's SQL is read once it
  // is pending.
  bool history_exists = false;
  MigrationPlan plan = ConnectAndPlan(&history_exists);
  if (!history_exists) foreign_history_->RefuseToStartOver(driver_, files_);
  events_->DatabaseAhead(plan);
  ThrowIfProblems(IntegrityProblems(plan, options_.settings.allow_out_of_order),
                  "refusing to migrate; nothing was applied:");
  CheckRunnable(plan.pending, false,
                options_.settings.transaction == ReleaseSettings::TransactionMode::kAll);
  DryRunEvent event{driver_->Describe(), source_->Describe(), plan.applied.size(), {}};
  for (const Migration* m : plan.pending) event.pending.push_back({m, IsOutOfOrder(plan, m)});
  events_->DryRun(event);
  return kExitOk;
}

void Migrator::AnnouncePending(const MigrationPlan& plan) {
  const ReleaseSettings& s = options_.settings;
  RunStartEvent event;
  event.pending = plan.pending;
  if (s.on_failure == ReleaseSettings::OnFailure::kRollbackRelease)
    for (const Migration* m : plan.pending)
      if (!m->has_down && !UpDoesNothing(*m)) event.without_down.push_back(m);
  driver_->SetTimeouts(s.lock_timeout_seconds, s.statement_timeout_seconds);
  event.other_history_tables = driver_->OtherHistoryTables();
  driver_->RecordEvent("run_started", 0, "",
                       Plural(plan.pending.size(), "pending migration"), options_.run);
  event.table = s.table;
  event.source = source_->Describe();
  event.database = driver_->Describe();
  event.transaction = s.transaction;
  event.lock_timeout_seconds = s.lock_timeout_seconds;
  events_->RunStarting(event);
}

int Migrator::ApplyPending(const MigrationPlan& plan) {
  const ReleaseSettings& s = options_.settings;
  events_->DatabaseAhead(plan);
  ThrowIfProblems(IntegrityProblems(plan, s.allow_out_of_order),
                  "refusing to migrate; nothing was applied:");
  if (plan.pending.empty()) {
    events_->UpToDate(driver_->Describe(), plan.applied.size());
    return kExitOk;
  }
  CheckRunnable(plan.pending, false, s.transaction == ReleaseSettings::TransactionMode::kAll);
  double start = clock_->Now();
  AnnouncePending(plan);

  RunOutcome outcome;
  if (!RunHooks("before", s.hooks.before, &plan, nullptr, kExitOk)) {
    outcome.failed_in_hook = true;
    outcome.error = "a hooks.before command failed; no migration was applied";
    return FinishFailure(plan, &outcome);
  }
  bool ok = s.transaction == ReleaseSettings::TransactionMode::kAll
                ? ApplyAllInOneTransaction(plan, &outcome)
                : ApplyEach(plan, &outcome);
  if (ok && Interrupted()) {
    ok = false;
    outcome.error = interrupt_->Reason() + " after the last migration was committed";
  }
  if (!ok) return FinishFailure(plan, &outcome);
  if (!RunHooks("after", s.hooks.after, &plan, &outcome, kExitOk)) {
    const bool fails = s.after_hook_failure == ReleaseSettings::AfterHookFailure::kFail ||
                       Interrupted();
    events_->AfterHookFailedAfterCommit(outcome.committed.size(), fails);
    if (fails) {
      outcome.failed_in_hook = true;
      outcome.error = "a hooks.after command failed after the migrations committed";
      return FinishFailure(plan, &outcome);
    }
  }
  driver_->RecordEvent("run_succeeded", 0, "",
                       Plural(outcome.committed.size(), "migration") + " applied",
                       options_.run);
  events_->RunSucceeded(outcome.committed.size(), clock_->Now() - start);
  return kExitOk;
}

UpFailureEvent Migrator::FailureFacts(const RunOutcome& outcome) const {
  UpFailureEvent facts;
  static_cast<RunFailure&>(facts) = outcome;
  facts.transaction = options_.settings.transaction;
  facts.lost_commit = lost_commit_;
  facts.lost_commit_migrations = lost_commit_migrations_;
  facts.committed = outcome.committed;
  facts.interrupted = Interrupted();
  return facts;
}

int Migrator::FinishFailure(const MigrationPlan& plan, RunOutcome* outcome) {
  const ReleaseSettings& s = options_.settings;
  int code = InterruptedOr(kExitFailed);
  events_->RunFailed(FailureFacts(*outcome));
  if (!outcome->committed.empty()) {
    if (s.on_failure == ReleaseSettings::OnFailure::kRollbackRelease)
      RevertCommitted(outcome);
    else
      events_->CommittedStayApplied(FailureFacts(*outcome));
  }
  driver_->RecordEvent(Interrupted() ? "run_interrupted" : "run_failed",
                       outcome->failed ? outcome->failed->version : 0,
                       outcome->failed ? outcome->failed->name : "", outcome->error,
                       options_.run);
  events_->RunFailureRecorded(FailureFacts(*outcome));
  RunHooks("on_failure", s.hooks.on_failure, &plan, outcome, code);
  return code;
}

// ---------------------------------------------------------------------------
// status, validate, repair

MigrationStatus Migrator::Status() {
  files_ = ReadBeforeConnecting(source_, driver_);
  MigrationPlan plan;
  try {
    driver_->Connect();
  } catch (const DatabaseError& e) {
    throw UserError(kExitCannotConnect, e.what());
  }
  std::string foreign;
  try {
    std::vector<HistoryRow> rows;
    // Everything shows as pending on a database another tool migrated:
    // say so, with the adopt command, instead of inviting `up`.
    if (!driver_->ReadHistory(&rows)) foreign = foreign_history_->Found(driver_);
    plan = MakePlan(files_, rows);
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
  MigrationStatus status =
      MakeMigrationStatus(files_, plan, options_.settings.allow_out_of_order);
  if (!foreign.empty()) status.problems.push_back(foreign);
  status.database = driver_->Describe();
  status.table = options_.settings.table;
  status.source = source_->Describe();
  return status;
}

int Migrator::Validate(bool use_database) {
  files_ = source_->ReadAll();
  return ValidateMigrations(context_, files_, use_database);
}

int Migrator::Repair(const RepairOptions& options) {
  files_ = source_->ReadAll();
  return RepairHistory(context_, files_, options);
}
