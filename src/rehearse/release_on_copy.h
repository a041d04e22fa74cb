#ifndef SLUGWRIGHT_REHEARSE_RELEASE_ON_COPY_H_
#define SLUGWRIGHT_REHEARSE_RELEASE_ON_COPY_H_

// The release phase run on the scratch copy: the copy's history, then the
// release's own Migrator applying the pending migrations there, watched by
// a RehearsalObserver (locks, rewrites, sizes, rows). With `command:`, the
// release's own tool runs there instead, watched from the server side
// (server_observer.h).

#include <set>
#include <string>
#include <vector>

#include "migrate/hook_runner.h"
#include "migrate/migrator.h"
#include "postgres/postgres_driver.h"
#include "rehearse/rehearsal_report.h"
#include "tools/command_observer.h"

class Clock;
class Interrupt;
class Redactor;
class ScratchDatabase;
struct DiskInterface;

/// How the run on the copy ended, as values.
struct ReleaseOnCopyResult {
  /// The Migrator's exit status, and its refusal or error (scrubbed) when
  /// it threw one.
  int exit_code = 0;
  std::string failure;
  /// One entry per pending migration (RehearsalObserver::Results()).
  std::vector<MigrationRehearsal> migrations;
  /// The whole `migrate up` on the copy, without the observer's queries.
  double release_seconds = 0;
  /// What could not be observed (`command:` mode).
  std::vector<std::string> notes;
  /// `command:` mode: the tool failed without any session of it ever
  /// authorized on the copy: its last output line (scrubbed), and
  /// `migrations` is empty. "" otherwise, or when that is not known.
  std::string tool_connect_error;
};

/// Applying migrations to the copy. Abstract so the Rehearser can be
/// tested without a server.
class ReleaseOnCopy {
 public:
  virtual ~ReleaseOnCopy() = default;
  /// The copy's migration history. Throws UserError(kExitFailed).
  virtual std::vector<HistoryRow> ReadHistory(const ScratchDatabase& scratch) = 0;
  /// Runs `migrate up` on the copy with `options` (hooks policy and their
  /// environment already decided), observing `pending`; with
  /// `options.settings.command`, runs that command (`pending` is empty).
  virtual ReleaseOnCopyResult Apply(const ScratchDatabase& scratch,
                                    const std::vector<const Migration*>& pending,
                                    MigratorOptions options) = 0;
};

/// The real run: PostgresDriver, DirectorySource on `migrations_dir`,
/// ShellCommandRunner for hooks.
class PostgresReleaseOnCopy : public ReleaseOnCopy {
 public:
  PostgresReleaseOnCopy(std::string migrations_dir, HistoryTableName table, DiskInterface* disk,
                        Clock* clock, CommandOutputObserver* command_output,
                        const Redactor* redactor, Interrupt* interrupt, bool probe = false);
  /// Told what a `command:` release on the copy does (required for one).
  void set_command_events(CommandObserver* events) { command_events_ = events; }

  std::vector<HistoryRow> ReadHistory(const ScratchDatabase& scratch) override;
  ReleaseOnCopyResult Apply(const ScratchDatabase& scratch,
                            const std::vector<const Migration*>& pending,
                            MigratorOptions options) override;

 private:
  ReleaseOnCopyResult ApplyCommand(const ScratchDatabase& scratch, MigratorOptions options);
  std::set<std::string> OwnTables() const;

  std::string migrations_dir_;
  HistoryTableName table_;
  DiskInterface* disk_;
  Clock* clock_;
  CommandOutputObserver* command_output_;
  const Redactor* redactor_;
  Interrupt* interrupt_;
  std::string application_name_;
  bool probe_ = false;
  CommandObserver* command_events_ = nullptr;
};

#endif  // SLUGWRIGHT_REHEARSE_RELEASE_ON_COPY_H_
