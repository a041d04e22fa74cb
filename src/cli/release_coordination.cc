#include "cli/release_coordination.h"

#include "base/console.h"
#include "base/exit_codes.h"
#include "cli/output/release_ledger_output.h"
#include "cli/settings_flags.h"
#include "migrate/migration.h"
#include "postgres/postgres_release_ledger.h"

namespace {

std::string FileName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

void ReleaseFactsRunObserver::MigrationApplied(const AppliedMigrationEvent& event) {
  ++facts_->applied;
  ConsoleRunObserver::MigrationApplied(event);
}

void ReleaseFactsRunObserver::RunFailed(const UpFailureEvent& event) {
  if (event.failed)
    facts_->failed_migration =
        event.failed->up_path.empty() ? event.failed->name : FileName(event.failed->up_path);
  facts_->error = event.server_message.empty() ? event.error : event.server_message;
  ConsoleRunObserver::RunFailed(event);
}

void ReleaseFactsCommandObserver::CommandApplied(const std::string& command,
                                                 const ToolHistoryTable* table,
                                                 const std::vector<std::string>& applied) {
  facts_->applied += static_cast<int>(applied.size());
  ConsoleCommandObserver::CommandApplied(command, table, applied);
}

void ReleaseFactsCommandObserver::CommandFailed(const std::string& error) {
  facts_->error = error;
  ConsoleCommandObserver::CommandFailed(error);
}

ReleaseIdentity ResolveCoordination(const CoordinationFlags& flags, const std::string& app_flag,
                                    const std::string& build_app,
                                    const std::string& build_commit,
                                    ReleaseSettings::Coordinate coordinate) {
  ReleaseKeyInputs inputs;
  inputs.commit_flag = flags.commit;
  inputs.attempt_flag = flags.attempt;
  inputs.service_flag = flags.service;
  inputs.app_flag = app_flag;
  inputs.build_app = build_app;
  inputs.build_commit = build_commit;
  inputs.coordinate = coordinate;
  ReleaseIdentity identity = ResolveReleaseIdentity(inputs, Getenv);
  if ((flags.wait_only || flags.retry) && !identity.coordinated)
    throw UserError(kExitUsage, std::string(flags.wait_only ? "--wait-only" : "--retry") +
                                    " needs a release to coordinate by, but " +
                                    identity.not_coordinated_because +
                                    ". Pass --commit SHA or set SLUGWRIGHT_COMMIT.");
  return identity;
}

int RunCoordinatedRelease(const ReleaseIdentity& identity, const CoordinationFlags& flags,
                          double wait_seconds, const DatabaseTarget& target,
                          const HistoryTableName& history, const std::string& run_id,
                          const std::string& application_name, const Redactor* redactor,
                          Console* console, Clock* clock, Interrupt* interrupt,
                          ReleaseResult* facts, const std::function<int()>& release) {
  PostgresReleaseLedger ledger(target, history, application_name, redactor);
  ledger.set_allow_session_pooler(flags.allow_session_pooler);
  ConsoleCoordinationObserver events(console, identity);
  CoordinationRequest request;
  request.key = identity.key;
  request.service = identity.service;
  request.run_id = run_id;
  request.wait_seconds = wait_seconds;
  request.wait_only = flags.wait_only;
  request.retry = flags.retry;
  console->Debug("Release key: commit " + identity.key.commit + " (" + identity.commit_origin +
                 "), attempt " + std::to_string(identity.key.attempt) + "; service " +
                 identity.service + " (" + identity.service_origin + ")");
  ReleaseOutcome outcome = CoordinateRelease(&ledger, clock, interrupt, request,
                                             [&] {
                                               facts->exit_code = release();
                                               return *facts;
                                             },
                                             &events);
  ReportReleaseOutcome(console, outcome, identity, ledger.Describe());
  return outcome.exit_code;
}
