#ifndef SLUGWRIGHT_REHEARSE_DUMP_RESTORE_H_
#define SLUGWRIGHT_REHEARSE_DUMP_RESTORE_H_

// The copy of `slugwright rehearse`: pg_dump of the source (read only, in
// its exported snapshot; with --schema-only or --exclude-table-data the
// history tables' rows, slugwright's and a `command:` tool's, come from a
// second data-only dump) and pg_restore
// into the scratch database, with progress, then ANALYZE in --jobs
// sessions. The tools themselves are found and run by rehearsal_copy.h.

#include <ostream>
#include <string>
#include <vector>

#include "postgres/database_url.h"
#include "postgres/postgres_driver.h"
#include "rehearse/rehearsal_copy.h"
#include "rehearse/rehearsal_progress.h"
#include "rehearse/rehearsal_report.h"
#include "rehearse/source_snapshot.h"

class Clock;
class RehearsalEvents;
class Interrupt;
class Redactor;
class ScratchDatabase;
struct DiskInterface;

/// What pg_dump wrote.
struct DumpedArchive {
  /// The source's schema and rows (with the history table's rows unless
  /// `history_archive` holds them).
  std::string archive;
  /// The history tables' rows (slugwright's, and a `command:` tool's),
  /// with --schema-only or --exclude-table-data; empty otherwise and when
  /// the source has no history table.
  std::string history_archive;
  /// How many tables `history_archive` holds.
  int history_tables = 0;
};

/// An archive to restore into the scratch database.
struct RestoreRequest {
  std::string archive;
  /// Restored data-only after `archive`; may be empty.
  std::string history_archive;
  /// How many tables `history_archive` holds.
  int history_tables = 0;
  /// `archive`'s table of contents when known (--from-dump); read from the
  /// archive otherwise.
  const Toc* toc = nullptr;
  /// Apply --schema-only and --exclude-table-data through a --use-list
  /// file (an archive given with --from-dump; a dump already left them out).
  bool filter = false;
  /// Where the --use-list file goes (a temporary directory).
  std::string work_dir;
};

/// Dumping and restoring. Abstract so the Rehearser can be tested without
/// pg_dump, pg_restore or a server. Every method throws UserError (1, or
/// 130/143 when interrupted) when the copy fails.
class DumpRestore {
 public:
  virtual ~DumpRestore() = default;
  /// pg_dump and pg_restore (rehearsal_copy.h FindPgTools); called before
  /// the other methods, which use them.
  virtual PgTools FindTools() = 0;
  /// The table of contents of a --from-dump archive. Throws
  /// UserError(kExitUsage) when pg_restore cannot read it.
  virtual Toc ListArchive(const std::string& path) = 0;
  /// Dumps the source into `dir`; fills `copy`'s dump time.
  virtual DumpedArchive Dump(const DatabaseTarget& source, const SourceFacts& facts,
                             const std::string& dir, CopyInfo* copy) = 0;
  /// Restores into `scratch` and ANALYZEs it; fills `copy`'s tables, size,
  /// restore and ANALYZE times and the pg_restore errors it went past.
  virtual void Restore(const RestoreRequest& request, const ScratchDatabase& scratch,
                       CopyInfo* copy) = 0;
};

/// What the copy is asked to do.
struct PgDumpRestoreOptions {
  std::string pg_bin_dir;
  bool schema_only = false;
  std::vector<std::string> exclude_table_data;
  int jobs = 2;
  HistoryTableName table;
  /// `command:` mode: the tool's history table (as the tool names it), whose
  /// rows an archive restored --schema-only keeps, as the dump does;
  /// "" otherwise.
  std::string tool_history_table;
  std::ostream* progress_out = nullptr;
  bool progress_terminal = false;
  double progress_interval_seconds = 10;
};

/// ANALYZE of every table, materialized view and partitioned table outside
/// the system schemas (the planner's statistics, as production has them),
/// in up to `jobs` sessions at once, the largest tables first. Throws what
/// a session threw.
void AnalyzeTables(const std::string& conninfo, int jobs);

/// pg_dump and pg_restore as real processes.
class PgDumpRestore : public DumpRestore {
 public:
  PgDumpRestore(PgDumpRestoreOptions options, DiskInterface* disk, Clock* clock,
                RehearsalEvents* events, const Redactor* redactor, Interrupt* interrupt);

  PgTools FindTools() override;
  Toc ListArchive(const std::string& path) override;
  DumpedArchive Dump(const DatabaseTarget& source, const SourceFacts& facts,
                     const std::string& dir, CopyInfo* copy) override;
  void Restore(const RestoreRequest& request, const ScratchDatabase& scratch,
               CopyInfo* copy) override;

 private:
  /// Runs a tool, feeding its stderr to `progress` and printing progress.
  ToolResult RunWithProgress(const std::string& program, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env,
                             const std::string& phase, CopyProgress* progress, int total_tables,
                             int total_post, const std::function<int64_t()>& bytes,
                             const std::string& bytes_what);
  /// The --use-list file and the pg_restore arguments for `request`.
  std::vector<std::string> RestoreArgs(const RestoreRequest& request, const FilteredToc& filtered,
                                       const std::string& conninfo);
  /// Throws unless pg_restore went past its errors; keeps those errors.
  void CheckRestore(const ToolResult& result, CopyInfo* copy);
  void RestoreHistory(const RestoreRequest& request, const std::string& conninfo,
                      const std::map<std::string, std::string>& env, CopyInfo* copy);
  [[noreturn]] void Fail(const ToolResult& result, const std::string& what);
  std::string HistoryPattern() const;

  PgDumpRestoreOptions options_;
  DiskInterface* disk_;
  Clock* clock_;
  RehearsalEvents* events_;
  const Redactor* redactor_;
  Interrupt* interrupt_;
  ProgressPrinter printer_;
  PgTools tools_;
};

#endif  // SLUGWRIGHT_REHEARSE_DUMP_RESTORE_H_
