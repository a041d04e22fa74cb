#ifndef SLUGWRIGHT_CLI_OUTPUT_COMMAND_OUTPUT_H_
#define SLUGWRIGHT_CLI_OUTPUT_COMMAND_OUTPUT_H_

// The words of the other-tools commands: a `command:` release
// (tools/command_observer.h: what the team's tool applied by its history
// table, the undo steps of rollback-release and `migrate down`) and
// `migrate adopt` (tools/adopt.h), as Heroku-style lines (JSON log lines
// with --log-format json, through the Console); and what the hooks and
// the team's commands print (migrate/hook_runner.h).

#include "migrate/hook_runner.h"
#include "tools/adopt.h"
#include "tools/command_observer.h"

class Console;

/// Shows the output of hooks and commands live, each line behind its
/// prefix and scrubbed by the Console (an `output` event in JSON mode).
class ConsoleCommandOutput : public CommandOutputObserver {
 public:
  explicit ConsoleCommandOutput(Console* console) : console_(console) {}

  void CommandOutputLine(const std::string& prefix, const std::string& line) override;
  void CommandNotStarted(const std::string& prefix, const std::string& error) override;

 private:
  Console* console_;
};

class ConsoleCommandObserver : public CommandObserver {
 public:
  explicit ConsoleCommandObserver(Console* console) : console_(console) {}
  /// As ConsoleRunObserver::set_on_copy: `rehearse`'s copy, no advice.
  void set_on_copy(bool on_copy) { on_copy_ = on_copy; }

  void CommandStarting(const std::string& command, const std::string& database) override;
  void CommandDownStarting(const std::string& rollback_command, int count,
                           const std::string& database) override;
  void CommandNotRetried(const std::string& command) override;
  void CommandApplied(const std::string& command, const ToolHistoryTable* table,
                      const std::vector<std::string>& applied) override;
  void CommandFailed(const std::string& error) override;
  void CommandSucceeded(const std::string& command, double seconds) override;
  void CommandSkipped(const std::string& command, const NothingPendingCheck& check) override;
  void CommandNotSkipped(const std::string& command, const NothingPendingCheck& check) override;
  void NothingToUndo(const ToolHistoryTable& table) override;
  void Undoing(size_t count, const std::string& rollback_command) override;
  void UndoFinished(const ToolHistoryTable& table,
                    const std::vector<std::string>& reverted) override;
  void UndoStopped(const std::vector<std::string>& reverted,
                   const std::vector<std::string>& left) override;
  void UndoRefused(const std::string& rollback_command, const ToolHistoryTable& table,
                   const std::string& newest, const std::string& expected) override;
  void UndoFailed(const std::string& error) override;
  void UndoChangedOtherRows(const std::string& rollback_command, const std::string& expected,
                            const ToolHistoryTable& table,
                            const std::vector<std::string>& removed,
                            const std::vector<std::string>& added) override;
  void Undone(const std::string& name) override;
  void NoRowLeftToUndo(const ToolHistoryTable& table) override;

 private:
  Console* console_;
  bool on_copy_ = false;
};

class ConsoleAdoptObserver : public AdoptObserver {
 public:
  explicit ConsoleAdoptObserver(Console* console) : console_(console) {}

  void AdoptPlanned(const AdoptionPlan& plan, const std::string& source,
                    const std::string& database, const std::string& table,
                    bool dry_run) override;
  void NothingToAdopt(const std::string& source) override;
  void Adopted(const AdoptionPlan& plan, const std::string& source) override;

 private:
  Console* console_;
};

#endif  // SLUGWRIGHT_CLI_OUTPUT_COMMAND_OUTPUT_H_
