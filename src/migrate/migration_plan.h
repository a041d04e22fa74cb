#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_PLAN_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_PLAN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "migrate/migration.h"
#include "migrate/migration_history.h"

/// The comparison of the migration files with the history table, from
/// which every policy decision is made. Pure: no I/O.
struct MigrationPlan {
  /// An applied migration whose file's checksum is no longer the recorded one.
  struct ChecksumMismatch {
    const Migration* file;
    HistoryRow row;
  };

  /// Files with no history row, in version order: what `up` applies.
  std::vector<const Migration*> pending;
  /// The pending files whose version is below the newest applied one.
  std::vector<const Migration*> out_of_order;
  /// Applied versions with no file: the database is ahead of the code, as
  /// after `heroku rollback`.
  std::vector<HistoryRow> future;
  std::vector<ChecksumMismatch> checksum_mismatches;
  /// A pending file whose checksum is that of an applied migration with no
  /// file: most likely that migration renamed, which would run it again.
  struct Rename {
    const Migration* file;
    HistoryRow row;
  };
  std::vector<Rename> renamed;
  /// Rows in state started or failed: a non-transactional migration that
  /// did not finish.
  std::vector<HistoryRow> unfinished;
  /// Applied rows, in version order.
  std::vector<HistoryRow> applied;
  /// The highest applied version; 0 when none.
  int64_t newest_applied = 0;
};

/// Compares `files` (sorted by version) with `history`. The returned plan
/// points into `files`, which must outlive it.
MigrationPlan MakePlan(const std::vector<Migration>& files,
                       const std::vector<HistoryRow>& history);
/// The same plan, made by moving the rows of `history` into it rather than
/// copying them (a release reads thousands of rows to find none pending).
MigrationPlan MakePlan(const std::vector<Migration>& files, std::vector<HistoryRow>&& history);

/// The indices in `files` of the plan's pending files, in the same order,
/// without making the plan.
std::vector<size_t> PendingFileIndices(const std::vector<Migration>& files,
                                       const std::vector<HistoryRow>& history);

/// True when `history` holds exactly the migrations `recorded` (both in
/// version order), each applied with the recorded checksum: the plan of
/// those files would have nothing pending, unfinished, changed, renamed
/// or ahead of the files, so `up` has nothing to do or to refuse.
bool AppliedAsRecorded(const std::vector<RecordedMigration>& recorded,
                       const std::vector<HistoryChecksum>& history);

/// The policies that make `up` refuse to run (exit 4), each a message
/// naming the file(s) and what to do. Empty when the plan may run:
/// - an applied migration's file changed (both checksums named);
/// - a pending file has the checksum of an applied migration whose file is
///   gone (a renamed migration: both named, and `migrate repair --renamed`);
/// - a non-transactional migration did not finish (which statement was
///   reached, and `slugwright migrate repair`);
/// - a pending file is older than the newest applied one, unless
///   `allow_out_of_order`.
/// Future migrations (no file) are not a problem: see FutureWarning().
std::vector<std::string> IntegrityProblems(const MigrationPlan& plan,
                                           bool allow_out_of_order);

/// The warning for applied migrations that have no file; empty when none.
std::string FutureWarning(const MigrationPlan& plan);

/// Which statement a non-transactional migration stopped at, and how to
/// recover: shared by `up`, `status` and `validate`.
std::string DescribeUnfinished(const HistoryRow& row);

/// True for a statement that begins or ends a transaction (BEGIN, START
/// TRANSACTION, COMMIT, END, ROLLBACK, ABORT; not ROLLBACK TO SAVEPOINT).
/// Such a statement inside a transactional migration would commit part of
/// it behind slugwright's back, so it is refused before anything runs.
bool IsTransactionControl(const std::string& statement);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_PLAN_H_
