#ifndef SLUGWRIGHT_MIGRATE_HISTORY_REPAIR_H_
#define SLUGWRIGHT_MIGRATE_HISTORY_REPAIR_H_

// The repair role of a database driver (database_driver.h): history rows
// written, moved or deleted without running a migration. Apart from
// HistoryStore because only `migrate repair` (repair.h) and `migrate adopt`
// (tools/adopt.h) write them, by an operator's decision; `up`, `down` and
// the release phase never do, and a store that only runs migrations needs
// none of it.

#include <cstdint>
#include <string>

#include "migrate/database_error.h"
#include "migrate/migration.h"
#include "migrate/run_info.h"

/// Hand corrections of the history, each logging an event. Every method
/// throws DatabaseError for a database failure. A row that is not there is
/// left alone, as an UPDATE would.
class HistoryRepair {
 public:
  virtual ~HistoryRepair() = default;

  /// `migrate repair --renamed`: moves the applied row of `old_version`
  /// (whose file is gone) to `renamed`'s version and name, logging a
  /// `repaired` event.
  virtual void RecordRename(int64_t old_version, const Migration& renamed,
                            const RunInfo& run) = 0;
  /// `migrate repair`: deletes an unfinished row, marks one applied, or
  /// replaces an applied row's checksum; each logs a `repaired` event.
  virtual void DeleteHistoryRow(int64_t version, const std::string& detail,
                                const RunInfo& run) = 0;
  virtual void MarkApplied(int64_t version, const std::string& checksum,
                           const RunInfo& run) = 0;
  virtual void UpdateChecksum(int64_t version, const std::string& checksum,
                              const RunInfo& run) = 0;

  /// `migrate adopt`: writes an applied history row for `migration` (with
  /// its checksum as of now) and an `adopted` event carrying `detail` (the
  /// other tool's row), in the caller's open transaction
  /// (HistoryStore::Begin).
  virtual void RecordAdopted(const Migration& migration, const std::string& detail,
                             const RunInfo& run) = 0;
};

#endif  // SLUGWRIGHT_MIGRATE_HISTORY_REPAIR_H_
