#ifndef SLUGWRIGHT_TOOLS_ADOPT_H_
#define SLUGWRIGHT_TOOLS_ADOPT_H_

// `migrate adopt` (Flyway's `baseline`, for every tool): takes over from
// the migration tool a team already runs by recording, in slugwright's
// history, the files that tool's history table says were applied (or, with
// --version V, every file up to V on a schema made by hand), with their
// checksums as of adoption. Under the migration lock, in one transaction,
// logged as `adopted` events; a rerun records nothing new.

#include <cstdint>
#include <string>
#include <vector>

#include "migrate/migration.h"
#include "migrate/migrator_context.h"
#include "tools/foreign_history.h"

/// What to adopt from.
struct AdoptOptions {
  /// The tool (--from), when several tools' tables exist; "" to detect.
  std::string from;
  /// --version V: mark every file up to V applied, whatever exists.
  bool has_version = false;
  int64_t version = 0;
  /// Show the mapping file -> foreign row; no lock, no writes.
  bool dry_run = false;
};

/// What `migrate adopt` reports, as facts; the command line words it
/// (cli/output/command_output.h). `source` names what is adopted: the
/// tool's table ("dbmate's `schema_migrations`") or "--version".
class AdoptObserver {
 public:
  virtual ~AdoptObserver() = default;
  /// Adopting `source` on `database` into `table` will record `plan` (with
  /// `dry_run`, would: nothing is written).
  virtual void AdoptPlanned(const AdoptionPlan& plan, const std::string& source,
                            const std::string& database, const std::string& table,
                            bool dry_run) = 0;
  /// slugwright's history already has everything `source` applied.
  virtual void NothingToAdopt(const std::string& source) = 0;
  virtual void Adopted(const AdoptionPlan& plan, const std::string& source) = 0;
};

/// Adopts the history into slugwright's, telling `events`; returns the exit status. Throws
/// UserError: 2 for no or several foreign tables (naming them) or an
/// unknown --from, 4 for a dirty golang-migrate database (naming `migrate
/// force`), 3 for the lock, 1 for a database failure.
int AdoptForeignHistory(const MigratorContext& context, AdoptObserver* events,
                        const std::vector<Migration>& files, const AdoptOptions& options);

#endif  // SLUGWRIGHT_TOOLS_ADOPT_H_
