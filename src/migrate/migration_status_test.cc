// `migrate status` as a value: one entry per file and per file-less row, in
// version order, with the state the plan gives it.

#include "migrate/migration_status.h"

#include <gtest/gtest.h>

#include "base/exit_codes.h"

namespace {

Migration StatusFile(int64_t version, const std::string& checksum = "c") {
  Migration m;
  m.version = version;
  m.name = "m" + std::to_string(version);
  m.up_path = "migrations/" + std::to_string(version) + "_" + m.name + ".sql";
  m.checksum = checksum;
  return m;
}

HistoryRow StatusRow(int64_t version, MigrationState state = MigrationState::kApplied,
                     const std::string& checksum = "c") {
  HistoryRow r;
  r.version = version;
  r.name = "m" + std::to_string(version);
  r.state = state;
  r.checksum = checksum;
  return r;
}

using State = MigrationStatus::State;

}  // namespace

TEST(MigrationStatusTest, EveryFileAndFileLessRowInVersionOrder) {
  std::vector<Migration> files = {StatusFile(1), StatusFile(2, "new"), StatusFile(4),
                                  StatusFile(5), StatusFile(7)};
  std::vector<HistoryRow> history = {StatusRow(1), StatusRow(2), StatusRow(3),
                                     StatusRow(5, MigrationState::kFailed), StatusRow(6)};
  MigrationPlan plan = MakePlan(files, history);
  MigrationStatus status = MakeMigrationStatus(files, plan, false);
  ASSERT_EQ(status.entries.size(), 7u);
  std::vector<State> states;
  for (const auto& e : status.entries) states.push_back(e.state);
  EXPECT_EQ(states, (std::vector<State>{State::kApplied, State::kChanged, State::kNoFile,
                                        State::kPendingOutOfOrder, State::kUnfinished,
                                        State::kNoFile, State::kPending}));
  EXPECT_EQ(status.entries[1].checksum, "new");
  EXPECT_EQ(status.entries[1].row.checksum, "c");
  EXPECT_EQ(status.entries[2].name, "m3");
  EXPECT_TRUE(status.entries[2].file.empty());
  EXPECT_EQ(status.applied, plan.applied.size());
  EXPECT_EQ(status.pending, plan.pending.size());
  EXPECT_EQ(status.without_file, 2u);
  EXPECT_EQ(status.problems, IntegrityProblems(plan, false));
  EXPECT_FALSE(status.problems.empty());
}

TEST(MigrationStatusTest, ExitCodeOneOnlyWhenAskedAndPending) {
  std::vector<Migration> files = {StatusFile(1), StatusFile(2)};
  MigrationPlan plan = MakePlan(files, {StatusRow(1)});
  MigrationStatus status = MakeMigrationStatus(files, plan, false);
  EXPECT_EQ(status.ExitCode(true), kExitFailed);
  EXPECT_EQ(status.ExitCode(false), kExitOk);
  plan = MakePlan(files, {StatusRow(1), StatusRow(2)});
  EXPECT_EQ(MakeMigrationStatus(files, plan, false).ExitCode(true), kExitOk);
}
