#ifndef SLUGWRIGHT_MIGRATE_MIGRATOR_CONTEXT_H_
#define SLUGWRIGHT_MIGRATE_MIGRATOR_CONTEXT_H_

// What every part of a migration command shares: the options of the run
// and the collaborators (source, driver, runner, redactor, clock,
// interrupt). The Migrator owns one; the split-out parts (external
// command, repair, validate, hooks, retries) borrow it.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/interrupt.h"
#include "base/redactor.h"
#include "migrate/database_driver.h"
#include "migrate/migration.h"
#include "migrate/release_settings.h"

class Clock;
class CommandRunner;
class ForeignHistoryGuard;
class MigrationObserver;
class RunObserver;

/// What a Migrator run needs besides its collaborators.
struct MigratorOptions {
  /// Transaction mode, failure policy, timeouts, retries, hooks, external
  /// command and out-of-order policy (flags already applied).
  ReleaseSettings settings;
  /// Run even behind a proxy that looks like a session-mode pooler.
  bool allow_session_pooler = false;
  RunInfo run;
  /// Extra environment for hooks and external commands (DATABASE_URL
  /// when it came from --database-url, PGOPTIONS with the timeouts).
  std::map<std::string, std::string> command_env;
  /// Seeds the jitter of lock polling and retries.
  uint64_t seed = 0;
  /// Told about each migration `up` applies (`slugwright rehearse`); null
  /// in normal runs (migration_observer.h).
  MigrationObserver* observer = nullptr;
  /// Told what happens, to report it (run_observer.h); required.
  RunObserver* events = nullptr;
  /// Refuses to start a history over another tool's (foreign_history_guard.h);
  /// required.
  ForeignHistoryGuard* foreign_history = nullptr;
  /// Seconds between progress lines of a running migration (0: none);
  /// the command line sets it (10 s, SLUGWRIGHT_PROGRESS_INTERVAL).
  double progress_interval_seconds = 0;
};

/// What `migrate repair` should do beyond removing unfinished rows.
struct RepairOptions {
  /// Unfinished versions to mark applied (completed by hand) instead of
  /// removing them (so they run again).
  std::set<int64_t> mark_applied;
  /// Record the current checksum of changed applied files.
  bool accept_checksums = false;
  /// "OLD:NEW" versions: applied OLD (file gone) was renamed to pending NEW.
  std::vector<std::string> renamed;
};

/// The collaborators and options of one command; `interrupt` may be null.
struct MigratorContext {
  MigrationSource* source = nullptr;
  DatabaseDriver* driver = nullptr;
  CommandRunner* runner = nullptr;
  /// Scrubs secrets from the errors hooks and the event log receive; null:
  /// nothing to scrub. The words of the run go through options->events.
  const Redactor* redactor = nullptr;
  Clock* clock = nullptr;
  Interrupt* interrupt = nullptr;
  const MigratorOptions* options = nullptr;

  const ReleaseSettings& settings() const { return options->settings; }
  RunObserver* events() const { return options->events; }
  /// `text` without the secrets the redactor knows.
  std::string Scrub(const std::string& text) const {
    return redactor ? redactor->Scrub(text) : text;
  }
  bool interrupted() const { return interrupt && interrupt->requested(); }
  /// The interrupt's exit status (130/143) when one arrived, else `code`.
  int InterruptedOr(int code) const { return interrupted() ? interrupt->exit_code() : code; }
};

/// Cancels the running statement when a signal arrives, while in scope.
class CancelOnInterrupt {
 public:
  CancelOnInterrupt(Interrupt* interrupt, Session* session) : interrupt_(interrupt) {
    if (interrupt_) interrupt_->SetOnInterrupt([session] { session->Cancel(); });
  }
  ~CancelOnInterrupt() {
    if (interrupt_) interrupt_->SetOnInterrupt(nullptr);
  }
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

 private:
  Interrupt* interrupt_;
};

#endif  // SLUGWRIGHT_MIGRATE_MIGRATOR_CONTEXT_H_
