#ifndef SLUGWRIGHT_CLI_OUTPUT_MIGRATE_OUTPUT_H_
#define SLUGWRIGHT_CLI_OUTPUT_MIGRATE_OUTPUT_H_

// The words of the migration runner: what `release` and `migrate up|down`
// print while they run and when they stop, chosen from the runner's facts
// (migrate/run_observer.h, migrate/run_error.h). Each event is a
// Heroku-style line and, with --log-format json, a JSON log event; both go
// through the Console, which picks the format.

#include <string>

#include "migrate/directory_source.h"
#include "migrate/run_error.h"
#include "migrate/run_observer.h"

class Console;

/// The message of a refusal, e.g. "the migration lock on DB was not
/// acquired within 1m: it is held by pid 4242 (...)..." with its advice.
std::string RunErrorMessage(const RunError& error);

/// "pid 123 (slugwright release v41 my-app), connected since
/// 2024-05-01T10:00:00Z, idle": who holds the lock, for messages.
std::string DescribeLockHolders(const std::vector<LockHolder>& holders);

/// Why the migrations manifest found is not used and every migration file
/// is read instead (a rejected manifest, or one of another directory);
/// empty when it is used or there is none, which needs no word.
std::string ManifestNotUsedMessage(const DirectorySource::ManifestLoad& load,
                                   const std::string& directory);

/// Writes every event of a run to `console`.
class ConsoleRunObserver : public RunObserver {
 public:
  explicit ConsoleRunObserver(Console* console) : console_(console) {}
  /// The run is `rehearse`'s, on a throwaway copy that is removed after
  /// it: say what stays on the copy, and advise no command (it would run
  /// against the real database, where this run changed nothing).
  void set_on_copy(bool on_copy) { on_copy_ = on_copy; }

  void LockWaiting(const LockWaitEvent& event) override;
  void LockAcquired(double waited_seconds) override;
  void LockReleasedUnheld() override;
  void LockTimeoutRetried(const LockTimeoutRetryEvent& event) override;
  void HooksStarted(const std::string& hook, size_t commands) override;
  void HooksFinished(const std::string& hook, bool ok, double seconds) override;
  void HookCommandStarted(const std::string& hook, const std::string& command) override;
  void HookCommandFailed(const HookFailureEvent& event) override;
  void DryRun(const DryRunEvent& event) override;
  void DatabaseAhead(const MigrationPlan& plan) override;
  void UpToDate(const std::string& database, size_t applied) override;
  void RunStarting(const RunStartEvent& event) override;
  void MigrationStarted(const Migration& migration) override;
  void MigrationRunning(const MigrationRunningEvent& event) override;
  void MigrationRunningEnded() override;
  void MigrationApplied(const AppliedMigrationEvent& event) override;
  void MigrationFailed(const Migration& migration, double seconds,
                       const std::string& error) override;
  void BatchCommitted(size_t count) override;
  void InvalidIndexesLeft(const Migration& migration, const std::vector<std::string>& indexes,
                          bool after_failure) override;
  void RunSucceeded(size_t applied, double seconds) override;
  void AfterHookFailedAfterCommit(size_t committed, bool release_fails) override;
  void RunFailed(const UpFailureEvent& event) override;
  void CommittedStayApplied(const UpFailureEvent& event) override;
  void RunFailureRecorded(const UpFailureEvent& event) override;
  void RevertingCommitted(size_t count) override;
  void CommittedRevertStopped(const Migration& migration, size_t older_left,
                              const std::string& error) override;
  void NothingToRevert() override;
  void RevertStarting(size_t count, const std::string& database) override;
  void Reverted(const Migration& migration, double seconds) override;
  void RevertInterrupted(const Migration& migration) override;
  void RevertFailed(const Migration& migration, const std::string& error) override;
  void RevertFinished(size_t count, double seconds) override;
  void DatabaseWaitStarted(const std::string& database, double timeout_seconds) override;
  void DatabaseAccepts(const std::string& database, double waited_seconds) override;
  void FilesValid(size_t files, const std::string& source) override;
  void HistoryNotChecked() override;
  void HistoryMatches(const std::string& database, size_t applied, size_t pending) override;
  void RepairMarkedApplied(const HistoryRow& row) override;
  void RepairRemovedUnfinished(const HistoryRow& row) override;
  void RepairRecordedRename(const HistoryRow& row, const Migration& renamed) override;
  void RepairChecksumChanged(const Migration& file, const HistoryRow& row,
                             bool recorded) override;
  void RepairFinished(int changes) override;
  std::string Describe(const RunError& error) const override { return RunErrorMessage(error); }

 private:
  /// The lost-commit part of RunFailed: what a new session found.
  void ReportLostCommit(const UpFailureEvent& event);

  Console* console_;
  bool on_copy_ = false;
};

#endif  // SLUGWRIGHT_CLI_OUTPUT_MIGRATE_OUTPUT_H_
