#ifndef SLUGWRIGHT_CLI_RELEASE_COORDINATION_H_
#define SLUGWRIGHT_CLI_RELEASE_COORDINATION_H_

// `slugwright release` for one release key across services
// (ledger/release_coordinator.h): the observers that print a run's events
// and keep the facts the ledger records (what was applied, what failed),
// and the run of the protocol around the release itself.

#include <functional>
#include <string>

#include "cli/output/command_output.h"
#include "cli/output/migrate_output.h"
#include "ledger/release_coordinator.h"
#include "ledger/release_key.h"

class Clock;
class Console;
class Interrupt;
class DatabaseTarget;
struct HistoryTableName;
class Redactor;

/// ConsoleRunObserver that also keeps the count of applied migrations and
/// the failing one with the server's message.
class ReleaseFactsRunObserver : public ConsoleRunObserver {
 public:
  ReleaseFactsRunObserver(Console* console, ReleaseResult* facts)
      : ConsoleRunObserver(console), facts_(facts) {}
  void MigrationApplied(const AppliedMigrationEvent& event) override;
  void RunFailed(const UpFailureEvent& event) override;

 private:
  ReleaseResult* facts_;
};

/// ConsoleCommandObserver that also keeps what the team's tool applied and
/// its failure.
class ReleaseFactsCommandObserver : public ConsoleCommandObserver {
 public:
  ReleaseFactsCommandObserver(Console* console, ReleaseResult* facts)
      : ConsoleCommandObserver(console), facts_(facts) {}
  void CommandApplied(const std::string& command, const ToolHistoryTable* table,
                      const std::vector<std::string>& applied) override;
  void CommandFailed(const std::string& error) override;

 private:
  ReleaseResult* facts_;
};

/// What the run asked of the ledger on the command line.
struct CoordinationFlags {
  std::string commit;
  std::string attempt;
  std::string service;
  bool retry = false;
  bool wait_only = false;
  /// --allow-session-pooler, which the ledger's session honours as the
  /// driver's does.
  bool allow_session_pooler = false;
};

/// The run's identity for the ledger, from the flags, the environment and
/// the slug's settings. Throws UserError(kExitUsage) when --wait-only or
/// --retry is given but the run has no key to coordinate by.
ReleaseIdentity ResolveCoordination(const CoordinationFlags& flags, const std::string& app_flag,
                                    const std::string& build_app,
                                    const std::string& build_commit,
                                    ReleaseSettings::Coordinate coordinate);

/// Runs `release` (which returns its exit status, having filled `facts`)
/// once for the key of `identity` across every service, on the ledger of
/// `history` in `target`, and prints the outcome; returns this run's exit
/// status.
int RunCoordinatedRelease(const ReleaseIdentity& identity, const CoordinationFlags& flags,
                          double wait_seconds, const DatabaseTarget& target,
                          const HistoryTableName& history, const std::string& run_id,
                          const std::string& application_name, const Redactor* redactor,
                          Console* console, Clock* clock, Interrupt* interrupt,
                          ReleaseResult* facts, const std::function<int()>& release);

#endif  // SLUGWRIGHT_CLI_RELEASE_COORDINATION_H_
