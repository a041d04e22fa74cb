#ifndef SLUGWRIGHT_REHEARSE_REHEARSAL_H_
#define SLUGWRIGHT_REHEARSE_REHEARSAL_H_

#include <ostream>
#include <string>
#include <vector>

#include "migrate/database_driver.h"
#include "migrate/release_settings.h"

class Console;
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
  /// Where pg_dump and pg_restore are; empty: found (rehearsal_copy.h).
  std::string pg_bin_dir;
  /// The release settings, flags applied: transaction mode, timeouts,
  /// retries, table, out-of-order policy, hooks.
  ReleaseSettings settings;
  RunInfo run;
  /// Where progress goes, and whether that is a terminal.
  std::ostream* progress_out = nullptr;
  bool progress_terminal = false;
  double progress_interval_seconds = 10;
};

/// `slugwright rehearse`: copies the source (pg_dump, read only, or an
/// archive) into a scratch database (a throwaway LocalPostgres cluster,
/// or a new database on --into), applies the pending migrations there with
/// the release phase's Migrator, watched by a RehearsalObserver, reports
/// (text or JSON), and removes the scratch database.
///
/// Returns the exit status of the run on the copy: 0 when every pending
/// migration applied, 1 when one failed. Throws UserError for usage and
/// input errors (2: bad files, a missing or too old pg_dump, an unreadable
/// archive, a scratch server older than the source), an unreachable source
/// or a failed copy (1), integrity refusals (4) and interrupts (130/143);
/// the scratch database is removed on every path.
int Rehearse(const RehearsalOptions& options, DiskInterface* disk, Console* console,
             Redactor* redactor, Interrupt* interrupt);

#endif  // SLUGWRIGHT_REHEARSE_REHEARSAL_H_
