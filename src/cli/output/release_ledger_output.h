#ifndef SLUGWRIGHT_CLI_OUTPUT_RELEASE_LEDGER_OUTPUT_H_
#define SLUGWRIGHT_CLI_OUTPUT_RELEASE_LEDGER_OUTPUT_H_

// The words of the release ledger (ledger/release_coordinator.h): one
// sentence per recorded outcome, said the same way by the run that
// executed the release, by a run that waited for it or found it recorded,
// and by `slugwright releases`, in text and in JSON.

#include <string>
#include <vector>

#include "ledger/release_coordinator.h"
#include "ledger/release_key.h"

class Console;

/// "succeeded in web at 2026-12-07T07:00:00Z (3 migrations applied in
/// 1.2 s)", "failed in web at ...: 20240102_b.sql: ERROR ...", "running
/// in web since ...": what the row says, without the key.
std::string DescribeRecordedOutcome(const ReleaseRecord& record);

/// How to run a failed release of `key` again: one shared variable for
/// every service, or --retry for one manual run.
std::string RetryAdvice(const ReleaseKey& key);

/// The lines while a run coordinates: waiting, executing, taking over.
class ConsoleCoordinationObserver : public CoordinationObserver {
 public:
  ConsoleCoordinationObserver(Console* console, const ReleaseIdentity& identity)
      : console_(console), identity_(identity) {}
  void WaitingForRelease(const ReleaseKey& key, const ReleaseRecord* running,
                         bool wait_only) override;
  void ExecutingRelease(const ReleaseKey& key, const std::string& taken_over_from) override;

 private:
  Console* console_;
  const ReleaseIdentity& identity_;
};

/// The run's last words about the release, and the `release_outcome` JSON
/// log event (the row's fields, the run's role and its wait).
void ReportReleaseOutcome(Console* console, const ReleaseOutcome& outcome,
                          const ReleaseIdentity& identity, const std::string& ledger);

/// `slugwright releases`: one line per row, newest first.
void PrintReleases(Console* console, const std::string& ledger,
                   const std::vector<ReleaseRecord>& records);
/// `slugwright releases --json` (pretty-printed, final newline).
std::string ReleasesJson(const std::string& ledger, const std::vector<ReleaseRecord>& records);

#endif  // SLUGWRIGHT_CLI_OUTPUT_RELEASE_LEDGER_OUTPUT_H_
