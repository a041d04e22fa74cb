#include "rehearse/release_on_copy.h"

#include <unistd.h>

#include <algorithm>
#include <functional>
#include <random>

#include "base/clock.h"
#include "base/exit_codes.h"
#include "base/redactor.h"
#include "migrate/directory_source.h"
#include "migrate/hook_runner.h"
#include "migrate/run_error.h"
#include "rehearse/rehearsal_observer.h"
#include "rehearse/scratch_database.h"
#include "rehearse/server_observer.h"
#include "tools/external_command.h"
#include "tools/foreign_history.h"

namespace {

/// Runs the release (`up`, by `release`) on the copy into `result`: its
/// exit status and, when it was refused, the scrubbed reason in the words
/// of `events`. Returns how long it took.
double RunReleaseOnCopy(const std::function<int()>& release, const RunObserver* events,
                        Clock* clock, const Redactor* redactor, ReleaseOnCopyResult* result) {
  double start = clock->Now();
  try {
    result->exit_code = release();
  } catch (const RunError& e) {
    result->exit_code = ExitCodeOf(e);
    result->failure = redactor->Scrub(events->Describe(e));
  } catch (const UserError& e) {
    result->exit_code = e.code();
    result->failure = redactor->Scrub(e.what());
  }
  return clock->Now() - start;
}

}  // namespace

PostgresReleaseOnCopy::PostgresReleaseOnCopy(std::string migrations_dir, HistoryTableName table,
                                             DiskInterface* disk, Clock* clock,
                                             CommandOutputObserver* command_output,
                                             const Redactor* redactor, Interrupt* interrupt,
                                             bool probe)
    : migrations_dir_(std::move(migrations_dir)),
      table_(std::move(table)),
      disk_(disk),
      clock_(clock),
      command_output_(command_output),
      redactor_(redactor),
      interrupt_(interrupt),
      application_name_("slugwright rehearse pid " + std::to_string(::getpid())),
      probe_(probe) {}

std::set<std::string> PostgresReleaseOnCopy::OwnTables() const {
  return {"\"" + table_.schema + "\".\"" + table_.table + "\"",
          table_.schema + "." + table_.table, table_.schema + "." + table_.table + "_events"};
}

std::vector<HistoryRow> PostgresReleaseOnCopy::ReadHistory(const ScratchDatabase& scratch) {
  std::vector<HistoryRow> rows;
  PostgresDriver probe(scratch.Target(), table_, application_name_, redactor_);
  try {
    probe.Connect();
    probe.ReadHistory(&rows);
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
  return rows;
}

ReleaseOnCopyResult PostgresReleaseOnCopy::Apply(const ScratchDatabase& scratch,
                                                 const std::vector<const Migration*>& pending,
                                                 MigratorOptions options) {
  if (!options.settings.command.empty()) return ApplyCommand(scratch, std::move(options));
  DatabaseTarget target = scratch.Target();
  PostgresDriver driver(target, table_, application_name_, redactor_);
  RehearsalObserver::Options observer_options;
  observer_options.batch =
      options.settings.transaction == ReleaseSettings::TransactionMode::kAll;
  observer_options.own_tables = OwnTables();
  RehearsalObserver observer(
      &driver, target.Conninfo({{"application_name", application_name_ + " (observer)"}}),
      pending, observer_options, clock_);

  options.seed = std::random_device()();
  options.observer = &observer;
  KnownToolsHistoryGuard foreign_history;
  options.foreign_history = &foreign_history;
  DirectorySource source(disk_, migrations_dir_);
  ShellCommandRunner runner(command_output_, interrupt_);
  Migrator migrator(&source, &driver, &runner, redactor_, clock_, interrupt_, options);

  ReleaseOnCopyResult result;
  double seconds = RunReleaseOnCopy([&] { return migrator.Up(false); }, options.events, clock_,
                                    redactor_, &result);
  result.release_seconds = std::max(0.0, seconds - observer.overhead_seconds());
  result.migrations = observer.Results();
  return result;
}

namespace {

/// Keeps the last lines of `command`'s output (for naming what failed).
class RecordingCommandRunner : public CommandRunner {
 public:
  RecordingCommandRunner(CommandRunner* inner, std::string command)
      : inner_(inner), command_(std::move(command)) {}
  ProcessResult Run(const std::string& command, const std::map<std::string, std::string>& env,
                    double timeout_seconds, const std::string& prefix,
                    bool stop_on_interrupt) override {
    ProcessResult result = inner_->Run(command, env, timeout_seconds, prefix, stop_on_interrupt);
    if (command == command_) command_lines = result.last_lines;
    return result;
  }
  std::vector<std::string> command_lines;

 private:
  CommandRunner* inner_;
  std::string command_;
};

/// Passes a `command:` run's events on to the command line's observer,
/// and tells the server observer where the tool's run ends and each
/// revert of on_failure: rollback-release does.
class WatchedCommandEvents : public CommandObserver {
 public:
  WatchedCommandEvents(CommandObserver* inner, ServerObserver* watch)
      : inner_(inner), watch_(watch) {}
  void CommandStarting(const std::string& command, const std::string& database) override {
    inner_->CommandStarting(command, database);
  }
  void CommandDownStarting(const std::string& rollback_command, int count,
                           const std::string& database) override {
    inner_->CommandDownStarting(rollback_command, count, database);
  }
  void CommandNotRetried(const std::string& command) override {
    inner_->CommandNotRetried(command);
  }
  void CommandApplied(const std::string& command, const ToolHistoryTable* table,
                      const std::vector<std::string>& applied) override {
    // Told right after the tool exited, whether it failed or not.
    tool_ran_ = true;
    watch_->ToolExited();
    inner_->CommandApplied(command, table, applied);
  }
  void CommandFailed(const std::string& error) override { inner_->CommandFailed(error); }
  void CommandSucceeded(const std::string& command, double seconds) override {
    inner_->CommandSucceeded(command, seconds);
  }
  void CommandSkipped(const std::string& command, const NothingPendingCheck& check) override {
    inner_->CommandSkipped(command, check);
  }
  void CommandNotSkipped(const std::string& command, const NothingPendingCheck& check) override {
    inner_->CommandNotSkipped(command, check);
  }
  void NothingToUndo(const ToolHistoryTable& table) override { inner_->NothingToUndo(table); }
  void Undoing(size_t count, const std::string& rollback_command) override {
    inner_->Undoing(count, rollback_command);
  }
  void UndoFinished(const ToolHistoryTable& table,
                    const std::vector<std::string>& reverted) override {
    inner_->UndoFinished(table, reverted);
  }
  void UndoStopped(const std::vector<std::string>& reverted,
                   const std::vector<std::string>& left) override {
    inner_->UndoStopped(reverted, left);
  }
  void UndoRefused(const std::string& rollback_command, const ToolHistoryTable& table,
                   const std::string& newest, const std::string& expected) override {
    inner_->UndoRefused(rollback_command, table, newest, expected);
  }
  void UndoFailed(const std::string& error) override { inner_->UndoFailed(error); }
  void UndoChangedOtherRows(const std::string& rollback_command, const std::string& expected,
                            const ToolHistoryTable& table, const std::vector<std::string>& removed,
                            const std::vector<std::string>& added) override {
    inner_->UndoChangedOtherRows(rollback_command, expected, table, removed, added);
  }
  void Undone(const std::string& name) override {
    watch_->Reverted(name);
    inner_->Undone(name);
  }
  void NoRowLeftToUndo(const ToolHistoryTable& table) override {
    inner_->NoRowLeftToUndo(table);
  }
  /// The tool ran (a hooks.before failure stops the run before it).
  bool tool_ran() const { return tool_ran_; }

 private:
  bool tool_ran_ = false;
  CommandObserver* inner_;
  ServerObserver* watch_;
};

}  // namespace

/// `command:` on the copy, as the release runs it (RunExternalCommand: lock,
/// hooks, the command with options.command_env), watched from the server.
ReleaseOnCopyResult PostgresReleaseOnCopy::ApplyCommand(const ScratchDatabase& scratch,
                                                        MigratorOptions options) {
  DatabaseTarget target = scratch.Target();
  PostgresDriver driver(target, table_, application_name_, redactor_);
  ServerObserverOptions watch;
  watch.probe = probe_;
  watch.own_application_prefix = application_name_;
  watch.own_tables = OwnTables();
  watch.server_log_path = scratch.ServerLogPath();
  PostgresServerObserver observer(
      target.Conninfo({{"application_name", application_name_ + " (observer)"}}), watch);
  ReleaseOnCopyResult result;
  try {
    observer.Start();
  } catch (const std::exception& e) {
    throw UserError(kExitFailed, "could not watch the copy: " + redactor_->Scrub(e.what()));
  }
  options.seed = std::random_device()();
  DirectorySource source(disk_, migrations_dir_);
  ShellCommandRunner shell(command_output_, interrupt_);
  RecordingCommandRunner runner(&shell, options.settings.command);
  MigratorContext context{&source, &driver, &runner, redactor_, clock_, interrupt_, &options};
  WatchedCommandEvents events(command_events_, &observer);
  result.release_seconds = std::max(
      0.0, RunReleaseOnCopy([&] { return RunExternalCommand(context, &events, false, 1); },
                            options.events, clock_, redactor_, &result));
  std::vector<std::string> output;
  for (const std::string& line : runner.command_lines) output.push_back(redactor_->Scrub(line));
  try {
    result.migrations = observer.Finish(result.exit_code != 0, output);
  } catch (const std::exception& e) {
    result.notes.push_back(std::string("could not read what the server observed: ") + e.what());
  }
  for (const std::string& note : observer.Notes()) result.notes.push_back(note);
  // It never reached the copy: a connection failure, not a migration's.
  if (result.exit_code != 0 && result.failure.empty() && events.tool_ran() &&
      observer.ToolSessions() == 0) {
    std::string said;
    for (auto it = output.rbegin(); it != output.rend() && said.empty(); ++it)
      if (it->find_first_not_of(" \t\r") != std::string::npos) said = *it;
    result.tool_connect_error =
        said.empty() ? "`" + options.settings.command + "` failed and printed nothing" : said;
    result.migrations.clear();
  }
  return result;
}
