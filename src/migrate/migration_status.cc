#include "migrate/migration_status.h"

#include <map>
#include <set>

#include "base/exit_codes.h"
#include "migrate/migration_checks.h"

int MigrationStatus::ExitCode(bool exit_code_when_pending) const {
  if (!exit_code_when_pending) return kExitOk;
  if (!pending_known) return kExitPendingUnknown;
  return pending > 0 ? kExitFailed : kExitOk;
}

namespace {

MigrationStatus::Entry FileEntry(const Migration& m) {
  MigrationStatus::Entry e;
  e.version = m.version;
  e.name = m.name;
  e.file = m.up_path;
  e.in_transaction = m.up_in_transaction;
  e.empty = m.up_blank;
  e.checksum = m.checksum;
  return e;
}

}  // namespace

MigrationStatus MakeMigrationStatus(const std::vector<Migration>& files,
                                    const MigrationPlan& plan, bool allow_out_of_order) {
  std::set<int64_t> changed;
  for (const auto& c : plan.checksum_mismatches) changed.insert(c.row.version);
  std::map<int64_t, const HistoryRow*> applied, unfinished;
  for (const auto& r : plan.applied) applied[r.version] = &r;
  for (const auto& r : plan.unfinished) unfinished[r.version] = &r;

  using State = MigrationStatus::State;
  std::map<int64_t, MigrationStatus::Entry> entries;
  for (const Migration& m : files) {
    MigrationStatus::Entry e = FileEntry(m);
    if (unfinished.count(m.version)) {
      e.state = State::kUnfinished;
      e.row = *unfinished[m.version];
    } else if (applied.count(m.version)) {
      e.state = changed.count(m.version) ? State::kChanged : State::kApplied;
      e.row = *applied[m.version];
    } else {
      e.state = IsOutOfOrder(plan, &m) ? State::kPendingOutOfOrder : State::kPending;
    }
    entries[m.version] = e;
  }
  for (const HistoryRow& r : plan.future) {
    MigrationStatus::Entry e;
    e.state = State::kNoFile;
    e.version = r.version;
    e.name = r.name;
    e.row = r;
    entries[r.version] = e;
  }
  MigrationStatus status;
  for (auto& [version, e] : entries) status.entries.push_back(std::move(e));
  status.applied = plan.applied.size();
  status.pending = plan.pending.size();
  status.without_file = plan.future.size();
  status.problems = IntegrityProblems(plan, allow_out_of_order);
  return status;
}
