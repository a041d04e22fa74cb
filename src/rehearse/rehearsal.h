#ifndef SLUGWRIGHT_REHEARSE_REHEARSAL_H_
#define SLUGWRIGHT_REHEARSE_REHEARSAL_H_

#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "migrate/hook_runner.h"
#include "migrate/migration_plan.h"
#include "migrate/release_settings.h"
#include "migrate/run_info.h"
#include "migrate/run_observer.h"
#include "postgres/postgres_driver.h"
#include "rehearse/dump_restore.h"
#include "rehearse/rehearsal_copy.h"
#include "rehearse/rehearsal_events.h"
#include "rehearse/rehearsal_lint.h"
#include "rehearse/rehearsal_report.h"
#include "rehearse/release_on_copy.h"
#include "rehearse/scratch_database.h"
#include "rehearse/source_snapshot.h"

class Interrupt;
class Redactor;
struct DiskInterface;

/// What `slugwright rehearse` was asked to do, flags and settings resolved.
struct RehearsalOptions {
  /// The migrations directory, as `migrate up` resolves it.
  std::string migrations_dir;
  /// The database the release would migrate; read only. Empty with
  /// `from_dump`.
  std::string source_url;
  /// The database the release would migrate, also with `from_dump` (then
  /// it is never connected to): every variable holding it is removed from
  /// a `command:` tool's environment on the copy. Empty when none is set.
  std::string release_url;
  /// A `pg_dump -Fc` archive to restore instead of dumping a database.
  std::string from_dump;
  /// Restore into a new database on this server instead of a throwaway
  /// cluster.
  std::string into_url;
  bool schema_only = false;
  std::vector<std::string> exclude_table_data;
  /// pg_restore --jobs.
  int jobs = 2;
  bool json = false;
  /// Keep the --into database (its name is printed).
  bool keep = false;
  /// Run hooks (against the copy); off by default.
  bool hooks = false;
  /// `command:` mode: a probe session reads and writes each touched table
  /// every 100 ms while the tool runs (server_observer.h).
  bool probe = false;
  /// This process's environment (name -> value): every variable holding
  /// the source's URL is removed from what hooks and the release's
  /// `command:` see, and so are libpq's connection variables.
  std::map<std::string, std::string> environment;
  /// Where pg_dump and pg_restore are; empty: found (rehearsal_copy.h).
  std::string pg_bin_dir;
  /// The release settings, flags applied: transaction mode, timeouts,
  /// retries, table, out-of-order policy, hooks.
  ReleaseSettings settings;
  RunInfo run;
  /// Told the events of the release phase on the copy, which it words as
  /// the release would (the command line's ConsoleRunObserver); required.
  RunObserver* run_events = nullptr;
  /// The same for a `command:` release on the copy; required.
  CommandObserver* command_events = nullptr;
  /// Shown what the release's hooks and `command:` print on the copy, as
  /// the release would show it; required.
  CommandOutputObserver* command_output = nullptr;
  /// Where progress goes, and whether that is a terminal.
  std::ostream* progress_out = nullptr;
  bool progress_terminal = false;
  double progress_interval_seconds = 10;
};

/// How a rehearsal ended, as values; the command words it (text, JSON).
struct RehearsalOutcome {
  enum class Kind {
    /// The source's history has nothing pending: nothing was copied.
    kSourceUpToDate,
    /// The copy's history (a --from-dump archive) has nothing pending.
    kCopyUpToDate,
    /// The pending migrations ran on the copy; `report` says how.
    kRehearsed,
  };
  Kind kind = Kind::kRehearsed;
  /// kSourceUpToDate: the source (user@host:port/db).
  std::string source;
  /// The up-to-date kinds: how many migrations the history holds.
  int64_t applied = 0;
  /// What was copied, the settings, and for kRehearsed each migration;
  /// printed with --json for every kind.
  RehearsalReport report;
  /// The exit status: 0, or the run on the copy's (1 when one failed).
  int exit_code() const { return report.exit_code; }
};

/// What the Rehearser works through: the file system, the events it
/// tells its steps through, and one interface per step that reaches a database or runs
/// a tool, so the steps can be tested on fakes.
struct RehearsalServices {
  DiskInterface* disk = nullptr;
  RehearsalEvents* events = nullptr;
  Redactor* redactor = nullptr;
  /// May be null.
  Interrupt* interrupt = nullptr;
  /// Null with --from-dump.
  SourceSnapshot* source = nullptr;
  ScratchServer* scratch_server = nullptr;
  DumpRestore* dump_restore = nullptr;
  ReleaseOnCopy* release = nullptr;
};

/// `slugwright rehearse` as a list of named steps: check the request, find
/// the tools and the scratch server, snapshot the source (or read the
/// archive), plan, lint the pending files, create the scratch database,
/// copy, plan on the copy, apply the pending migrations there with the
/// release phase's Migrator (or run the release's `command:` and lint what
/// the server saw it run), and report. Lint findings are warnings: they
/// do not change the exit status. The scratch database and the copy's files are removed on
/// every path, before Run() returns or throws.
///
/// Run() throws UserError for usage and input errors (2: bad files, a
/// missing or too old pg_dump, an unreadable archive, a scratch server
/// older than the source), an unreachable source or a failed copy (1),
/// integrity refusals (4) and interrupts (130/143).
class Rehearser {
 public:
  Rehearser(const RehearsalOptions& options, RehearsalServices services);
  ~Rehearser();
  Rehearser(const Rehearser&) = delete;
  Rehearser& operator=(const Rehearser&) = delete;

  RehearsalOutcome Run();

 private:
  // The steps, in order.
  void CheckRequest();
  void Prepare();
  void Snapshot();
  void CheckVersions();
  std::optional<RehearsalOutcome> PlanOnSource();
  /// `migrate lint` of the pending files, before the copy (after it for
  /// --from-dump, whose pending migrations the copy's history tells).
  void LintPending(const std::vector<const Migration*>& pending);
  void CreateScratch();
  void Copy();
  std::optional<RehearsalOutcome> PlanOnCopy(MigrationPlan* plan);
  ReleaseOnCopyResult Apply(const MigrationPlan& plan);
  /// DATABASE_URL, database_url_env and PGOPTIONS for the copy; the
  /// source's URL and libpq's connection variables removed.
  std::map<std::string, std::string> CommandEnvironment() const;
  bool command_mode() const { return !o_.settings.command.empty(); }
  RehearsalOutcome Report(const ReleaseOnCopyResult& run);

  void ReadArchive();
  /// Removes the scratch database and ends the source's snapshot.
  void CleanUp() noexcept;
  void ThrowIfInterrupted(const std::string& during) const;

  const RehearsalOptions& o_;
  RehearsalServices services_;
  HistoryTableName table_;

  std::vector<Migration> files_;
  std::string files_description_;
  PgTools tools_;
  ScratchServer::Info scratch_server_;
  SourceFacts facts_;
  int source_key_ = 0;
  std::string source_version_;
  Toc toc_;
  CopyInfo copy_;
  std::unique_ptr<ScratchDatabase> scratch_;
  RehearsalLint lint_;
};

/// `slugwright rehearse` on the real services: PostgreSQL for the source,
/// a throwaway LocalPostgres cluster (or --into) for the copy, pg_dump and
/// pg_restore, the release's Migrator and the steady clock. The steps are
/// told to `events`; the release's own events and output on the copy to
/// the observers of `options`.
RehearsalOutcome Rehearse(const RehearsalOptions& options, DiskInterface* disk,
                          RehearsalEvents* events, Redactor* redactor, Interrupt* interrupt);

#endif  // SLUGWRIGHT_REHEARSE_REHEARSAL_H_
