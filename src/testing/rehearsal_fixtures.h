#ifndef SLUGWRIGHT_TESTING_REHEARSAL_FIXTURES_H_
#define SLUGWRIGHT_TESTING_REHEARSAL_FIXTURES_H_

// Migrations as a rehearsal records them, for the tests of the risk rules
// (rehearse/) and of the report's wording (cli/output/).

#include <cstdint>
#include <string>

#include "rehearse/rehearsal_report.h"

namespace rehearsal_fixtures {

using Status = MigrationRehearsal::Status;

inline MigrationRehearsal Applied(int64_t version, const std::string& name, double seconds) {
  MigrationRehearsal m;
  m.version = version;
  m.name = name;
  m.file = "migrations/" + std::to_string(version) + "_" + name + ".sql";
  m.status = Status::kApplied;
  m.seconds = seconds;
  m.locks_sampled = true;
  return m;
}

/// ALTER COLUMN TYPE on a table of `rows` rows: ACCESS EXCLUSIVE, a rewrite
/// of the table and its primary key.
inline MigrationRehearsal TypeChange(int64_t rows, double seconds) {
  MigrationRehearsal m = Applied(2, "widen_amount", seconds);
  m.locks = {{"public.orders", 'r', "AccessExclusiveLock", false},
             {"public.orders", 'r', "ShareLock", false},
             {"public.orders_pkey", 'i', "AccessExclusiveLock", false}};
  m.rewrites = {{"public.orders", 'r', "", 22020096},
                {"public.orders_pkey", 'i', "public.orders", 6 << 20}};
  m.tables = {{"public.orders", rows, true, 22020096}};
  return m;
}

/// CREATE INDEX on an existing table.
inline MigrationRehearsal IndexBuild(int64_t rows) {
  MigrationRehearsal m = Applied(3, "index_status", 0.3);
  m.locks = {{"public.orders", 'r', "ShareLock", false},
             {"public.orders_status_idx", 'i', "AccessExclusiveLock", true}};
  m.created = {{"public.orders_status_idx", 'i', "public.orders", 2 << 20}};
  m.tables = {{"public.orders", rows, true, 22020096}};
  return m;
}

inline bool HasRisk(const MigrationRehearsal& m, const std::string& kind) {
  for (const Risk& r : m.risks)
    if (r.kind == kind) return true;
  return false;
}

}  // namespace rehearsal_fixtures

#endif  // SLUGWRIGHT_TESTING_REHEARSAL_FIXTURES_H_
