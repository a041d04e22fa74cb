#ifndef SLUGWRIGHT_REHEARSE_REHEARSAL_EVENTS_H_
#define SLUGWRIGHT_REHEARSE_REHEARSAL_EVENTS_H_

#include <cstddef>
#include <cstdint>
#include <string>

struct CopyInfo;
struct RehearsalLint;

/// What a rehearsal tells as it goes, one call per step, with the facts of
/// that step and no words: the command line says them
/// (cli/output/rehearsal_steps_output.h), a test records them. The calls
/// must not throw. `source`, `server` and `copy` are "user@host:port/db"
/// descriptions (never a password).
class RehearsalEvents {
 public:
  virtual ~RehearsalEvents() = default;

  /// Before the copy: in `command:` mode only the tool knows what is
  /// pending, so the copy is made for `command` to run on.
  virtual void CopyingForCommand(const std::string& command, const std::string& source) = 0;
  /// Before the copy: the release would apply `pending` migrations of
  /// `files` (e.g. "migrations/ (12 files)") to `source`.
  virtual void PendingOnSource(size_t pending, const std::string& source,
                               const std::string& files) = 0;
  /// The pending files were linted (or `lint.skipped` says why not).
  virtual void Linted(const RehearsalLint& lint, size_t migrations) = 0;

  /// The throwaway cluster for the copy is starting (PostgreSQL
  /// `version_key`, 1500 for 15.x), and it was stopped and removed.
  virtual void StartingCluster(int version_key) = 0;
  virtual void ClusterRemoved() = 0;
  /// --into: the scratch database `name` on `server`, created, kept
  /// (--keep; `copy` says where), dropped, or left because dropping it
  /// failed with `error` (scrubbed).
  virtual void ScratchCreated(const std::string& name, const std::string& server) = 0;
  virtual void ScratchKept(const std::string& name, const std::string& copy) = 0;
  virtual void ScratchDropped(const std::string& name) = 0;
  virtual void ScratchNotDropped(const std::string& name, const std::string& server,
                                 const std::string& error) = 0;

  /// pg_dump of `source` (PostgreSQL `version`, `tables` tables, `bytes`)
  /// read only, with `pg_dump` at `dump_version`; then done: `tables`
  /// dumped into an archive of `bytes` in `seconds`, all in one snapshot
  /// when `one_snapshot`.
  virtual void Dumping(const std::string& source, const std::string& version, int tables,
                       int64_t bytes, const std::string& pg_dump,
                       const std::string& dump_version) = 0;
  virtual void Dumped(int tables, int64_t bytes, double seconds, bool one_snapshot) = 0;
  /// --from-dump: restoring the archive at `path`, dumped from PostgreSQL
  /// `dumped_from` ("" when the archive does not say).
  virtual void RestoringArchive(const std::string& path, const std::string& dumped_from) = 0;
  /// pg_restore and ANALYZE are done: `copy` holds the tables, the size
  /// and the durations; `post_data_items` indexes and constraints were
  /// built with `jobs` jobs; `excluded` tables were restored without their
  /// rows (--exclude-table-data, or a filtered archive).
  virtual void Restored(const CopyInfo& copy, int post_data_items, int jobs, int excluded) = 0;

  /// The release phase starts on the copy `copy`; its own output follows.
  virtual void RunningRelease(const std::string& copy) = 0;
};

#endif  // SLUGWRIGHT_REHEARSE_REHEARSAL_EVENTS_H_
