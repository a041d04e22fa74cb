#include "cli/output/release_ledger_output.h"

#include <nlohmann/json.hpp>

#include "base/console.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "base/text.h"

namespace {

std::string Key(const ReleaseKey& key) { return "commit " + DescribeReleaseKey(key); }

/// The row's fields, under the names `releases --json` uses too.
nlohmann::json RecordJson(const ReleaseRecord& r) {
  return {{"commit", r.key.commit},
          {"attempt", r.key.attempt},
          {"state", ToString(r.state)},
          {"service", r.service},
          {"run_id", r.run_id},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"seconds", r.seconds},
          {"applied", r.applied},
          {"failed_migration", r.failed_migration},
          {"error", r.error},
          {"taken_over_from", r.taken_over_from},
          {"waiters", r.waiters},
          {"outcome", DescribeRecordedOutcome(r)}};
}

const char* RoleName(ReleaseRole role) {
  switch (role) {
    case ReleaseRole::kExecuted: return "executed";
    case ReleaseRole::kTookOver: return "took_over";
    case ReleaseRole::kWaited: return "waited";
    case ReleaseRole::kFoundRecorded: return "found_recorded";
    case ReleaseRole::kWaitTimedOut: return "wait_timed_out";
    case ReleaseRole::kWaitInterrupted: return "wait_interrupted";
    case ReleaseRole::kExecutedWithoutOutcome: return "executed_without_outcome";
    case ReleaseRole::kSupersededWhileExecuting: return "superseded_while_executing";
  }
  return "unknown";
}

}  // namespace

std::string DescribeRecordedOutcome(const ReleaseRecord& r) {
  switch (r.state) {
    case ReleaseState::kRunning:
      return "running in " + r.service + " since " + r.started_at;
    case ReleaseState::kSucceeded:
      return "succeeded in " + r.service + " at " + r.finished_at + " (" +
             Plural(r.applied, "migration") + " applied in " + FormatDuration(r.seconds) + ")";
    case ReleaseState::kFailed:
      break;
  }
  std::string text = "failed in " + r.service + " at " + r.finished_at;
  if (!r.failed_migration.empty()) text += ": " + r.failed_migration;
  if (!r.error.empty()) text += ": " + r.error;
  return text;
}

std::string RetryAdvice(const ReleaseKey& key) {
  const std::string next = std::to_string(key.attempt + 1);
  return "To run it again once for every service of this commit, fix the cause and set "
         "SLUGWRIGHT_ATTEMPT=" + next +
         " where they all read it (a shared variable on Railway or Render; `heroku "
         "config:set SLUGWRIGHT_ATTEMPT=" + next +
         "` on each Heroku app), then redeploy; for one manual run, `slugwright release "
         "--retry`.";
}

void ConsoleCoordinationObserver::WaitingForRelease(const ReleaseKey& key,
                                                    const ReleaseRecord* running,
                                                    bool wait_only) {
  if (running)
    console_->Step("Waiting for the release of " + Key(key) + ": " + running->service +
                   " is running it (since " + running->started_at + "); this run shares "
                   "its outcome");
  else if (wait_only)
    console_->Step("Waiting for a service to release " + Key(key) + " (--wait-only)");
  else
    console_->Step("Waiting for the release of " + Key(key) +
                   ": another service is starting it; this run shares its outcome");
}

void ConsoleCoordinationObserver::ExecutingRelease(const ReleaseKey& key,
                                                   const std::string& taken_over_from) {
  if (!taken_over_from.empty())
    console_->Warning("Taking over the release of " + Key(key) + ": the run of " +
                      taken_over_from +
                      " ended without an outcome (its database session is gone)");
  console_->Step("Releasing " + Key(key) + " as " + identity_.service +
                 "; other services deploying this commit wait for its outcome");
}

void ReportReleaseOutcome(Console* console, const ReleaseOutcome& o,
                          const ReleaseIdentity& identity, const std::string& ledger) {
  const std::string key = Key(o.key);
  const ReleaseRecord& r = o.record;
  const bool failed = o.has_record && r.state == ReleaseState::kFailed;
  switch (o.role) {
    case ReleaseRole::kExecuted:
    case ReleaseRole::kTookOver:
      if (failed)
        console->Error("The release of " + key + " " + DescribeRecordedOutcome(r) +
                       ". Recorded in " + ledger + ": no service deploys this commit. " +
                       RetryAdvice(o.key));
      else
        console->Step("The release of " + key + " " + DescribeRecordedOutcome(r) +
                      ". Recorded in " + ledger + " for every service of this commit");
      break;
    case ReleaseRole::kWaited:
    case ReleaseRole::kFoundRecorded: {
      const std::string how = o.role == ReleaseRole::kWaited
                                  ? " (waited " + FormatDuration(o.waited_seconds) + ")"
                                  : "";
      if (failed)
        console->Error("The release of " + key + " " + DescribeRecordedOutcome(r) + how +
                       ". Nothing was run here. " + RetryAdvice(o.key));
      else
        console->Step("The release of " + key + " " + DescribeRecordedOutcome(r) + how +
                      "; nothing to run here");
      break;
    }
    case ReleaseRole::kWaitTimedOut:
      console->Error("No outcome for the release of " + key + " within " +
                     FormatDuration(o.waited_seconds) + ": " +
                     (o.has_record ? "it is " + DescribeRecordedOutcome(r)
                                   : std::string("no service has started it")) +
                     ". Wait longer with --lock-wait, or see `slugwright releases --commit " +
                     o.key.commit + "`.");
      break;
    case ReleaseRole::kWaitInterrupted:
      console->Error("Stopped waiting for the release of " + key +
                     " (interrupted); nothing was run here");
      break;
    case ReleaseRole::kExecutedWithoutOutcome:
      console->Warning("The release of " + key + " ended without an outcome (exit " +
                       std::to_string(o.exit_code) +
                       "), so none was recorded: the next service to start runs it");
      break;
    case ReleaseRole::kSupersededWhileExecuting:
      console->Warning("This run's session with " + ledger + " was lost while it ran " + key +
                       ", and " + (o.has_record ? r.service : std::string("another service")) +
                       " took the release over" +
                       (o.has_record && r.state != ReleaseState::kRunning
                            ? ": it " + DescribeRecordedOutcome(r)
                            : std::string(": it is still running it")) +
                       ". This run's own outcome (exit " + std::to_string(o.exit_code) +
                       ") was not recorded; `slugwright releases --commit " + o.key.commit +
                       "` shows the ledger");
      break;
  }
  if (o.retried_after > 0)
    console->Detail("--retry: attempt " + std::to_string(o.retried_after) +
                    " had failed, so this was attempt " + std::to_string(o.key.attempt));
  LogFields fields = {{"role", RoleName(o.role)},
                      {"commit", o.key.commit},
                      {"attempt", o.key.attempt},
                      {"service", identity.service},
                      {"exit_code", o.exit_code},
                      {"waited_ms", o.waited_seconds * 1000}};
  if (o.has_record) {
    fields.emplace_back("state", ToString(r.state));
    fields.emplace_back("executor", r.service);
    fields.emplace_back("applied", r.applied);
    fields.emplace_back("outcome", DescribeRecordedOutcome(r));
    if (!r.failed_migration.empty()) fields.emplace_back("failed_migration", r.failed_migration);
    if (!r.taken_over_from.empty()) fields.emplace_back("taken_over_from", r.taken_over_from);
  }
  console->Event("release_outcome", fields,
                 o.exit_code == kExitOk ? LogLevel::kInfo : LogLevel::kError);
}

void PrintReleases(Console* console, const std::string& ledger,
                   const std::vector<ReleaseRecord>& records) {
  console->Step("Releases in " + ledger + ", newest first");
  if (records.empty()) console->Detail("none recorded");
  for (const ReleaseRecord& r : records) {
    std::string line = DescribeReleaseKey(r.key) + "  " + DescribeRecordedOutcome(r);
    if (!r.taken_over_from.empty()) line += "; took over from " + r.taken_over_from;
    if (!r.waiters.empty()) line += "; shared with " + Join(r.waiters, ", ");
    console->Data(line + "\n");
  }
}

std::string ReleasesJson(const std::string& ledger, const std::vector<ReleaseRecord>& records) {
  nlohmann::json doc = {{"ledger", ledger}, {"releases", nlohmann::json::array()}};
  for (const ReleaseRecord& r : records) doc["releases"].push_back(RecordJson(r));
  return doc.dump(2) + "\n";
}
