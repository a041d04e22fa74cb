// `command:` mode on fakes: a "tool" whose runs write the fake database's
// SequelizeMeta table as sequelize-cli does, so rollback-release, hooks,
// retries and `migrate down` can be checked against what the tool's
// history table says (the real sequelize-cli: src/cli/command_mode_pg_test.cc).

#include "tools/external_command.h"

#include <algorithm>
#include <gtest/gtest.h>

#include "testing/migrator_fixture.h"

namespace {

const char kMigrate[] = "npx sequelize-cli db:migrate";
const char kUndo[] = "npx sequelize-cli db:migrate:undo";

class ExternalCommandTest : public MigratorFixture {
 protected:
  ExternalCommandTest() {
    options.settings.command = kMigrate;
    options.settings.rollback_command = kUndo;
    options.settings.on_failure = ReleaseSettings::OnFailure::kRollbackRelease;
    options.settings.hooks.on_failure = {"notify"};
    driver.foreign_tables["SequelizeMeta"] = {{"name"}, {{"20230101000000-old.js"}}};
    // The undo reverts the newest migration by name, as sequelize-cli's does.
    runner.effects[kUndo] = [this] {
      auto& rows = Meta();
      if (!rows.empty()) rows.erase(std::max_element(rows.begin(), rows.end()));
    };
  }
  std::vector<std::vector<std::string>>& Meta() { return driver.foreign_tables["SequelizeMeta"].rows; }
  /// The migrate command applies `names`, then fails when `fail`.
  void ToolApplies(std::vector<std::string> names, bool fail) {
    runner.effects[kMigrate] = [this, names] {
      for (const std::string& n : names) Meta().push_back({n});
    };
    if (fail) runner.exit_codes[kMigrate] = 1;
  }
  int Calls(const std::string& command) const {
    return static_cast<int>(std::count_if(runner.calls.begin(), runner.calls.end(),
                                          [&](const auto& c) { return c.command == command; }));
  }
  const RecordingRunner::Call& Notify() const { return runner.calls.back(); }
  /// `up` and `down` as the command line runs them in `command:` mode.
  int Up() { return RunExternalCommand(Context(), &command_events, false, 1); }
  int Down(int count) { return RunExternalCommand(Context(), &command_events, true, count); }
};

// rollback-release ran the undo once whatever the tool applied: with two
// applied it reverted one; with none it reverted the previous release's.
TEST_F(ExternalCommandTest, RollbackReleaseRevertsExactlyWhatThisRunApplied) {
  ToolApplies({"20240101000001-a.js", "20240101000002-b.js"}, true);
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(Calls(kUndo), 2);
  EXPECT_EQ(Meta(), (std::vector<std::vector<std::string>>{{"20230101000000-old.js"}}));
  ASSERT_EQ(Notify().command, "notify");
  EXPECT_EQ(Notify().env.at("SLUGWRIGHT_VERSIONS_APPLIED"), "20240101000001 20240101000002");
  EXPECT_EQ(Notify().env.at("SLUGWRIGHT_VERSIONS_REVERTED"), "20240101000002 20240101000001");
  EXPECT_EQ(Notify().env.at("SLUGWRIGHT_NAMES_REVERTED"),
            "20240101000002-b.js 20240101000001-a.js");
  EXPECT_NE(out.str().find("Reverted 2 migrations"), std::string::npos) << out.str();
  EXPECT_TRUE(driver.Logged("event command_reverted"));
}

TEST_F(ExternalCommandTest, RollbackReleaseRevertsNothingWhenTheRunAppliedNothing) {
  ToolApplies({}, true);
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(Calls(kUndo), 0);
  EXPECT_EQ(Meta().size(), 1u);
  EXPECT_NE(out.str().find("Nothing to revert"), std::string::npos) << out.str();
  EXPECT_EQ(Notify().env.at("SLUGWRIGHT_APPLIED_COUNT"), "0");
}

TEST_F(ExternalCommandTest, AnUndoThatRemovesTheWrongRowStopsTheRollback) {
  ToolApplies({"20240101000001-a.js", "20240101000002-b.js"}, true);
  runner.effects[kUndo] = [] {};  // reverts nothing
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(Calls(kUndo), 1);
  EXPECT_NE(err.str().find("was to revert `20240101000002-b.js`"), std::string::npos)
      << err.str();
  EXPECT_NE(err.str().find("still applied: 20240101000001-a.js, 20240101000002-b.js"),
            std::string::npos)
      << err.str();
  EXPECT_FALSE(driver.Logged("event command_reverted"));
}

// A run that applied an older-named migration (out of order): the tool's
// undo would revert the newest, an earlier release's, so it is not run.
TEST_F(ExternalCommandTest, TheUndoIsNotRunWhenTheNewestRowIsNotThisRuns) {
  ToolApplies({"20220101000000-late-merge.js"}, true);
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(Calls(kUndo), 0);
  EXPECT_EQ(Meta().size(), 2u);
  EXPECT_NE(err.str().find("which is `20230101000000-old.js`"), std::string::npos) << err.str();
}

TEST_F(ExternalCommandTest, HooksGetWhatTheToolAppliedFromItsTable) {
  options.settings.hooks.after = {"announce"};
  ToolApplies({"20240101000001-a.js", "20240101000002-b.js"}, false);
  EXPECT_EQ(Up(), kExitOk);
  ASSERT_EQ(runner.calls.back().command, "announce");
  EXPECT_EQ(runner.calls.back().env.at("SLUGWRIGHT_APPLIED_COUNT"), "2");
  EXPECT_EQ(runner.calls.back().env.at("SLUGWRIGHT_NAMES_APPLIED"),
            "20240101000001-a.js 20240101000002-b.js");
  EXPECT_NE(out.str().find("applied 2 migrations (new rows in sequelize's `SequelizeMeta`)"),
            std::string::npos)
      << out.str();
}

// Issue 23 item 8 in command: mode: the tool committed, so a failing after
// hook warns (and nothing is undone) unless after_hook_failure: fail.
TEST_F(ExternalCommandTest, AFailingAfterHookWarnsUnlessSetToFail) {
  options.settings.hooks.after = {"announce"};
  runner.exit_codes["announce"] = 1;
  ToolApplies({"20240101000001-a.js"}, false);
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_EQ(Calls(kUndo), 0);
  EXPECT_EQ(Calls("notify"), 0);
  ASSERT_EQ(events.after_hook_failures.size(), 1u);
  EXPECT_EQ(events.after_hook_failures[0], std::make_pair(size_t{1}, false));

  options.settings.after_hook_failure = ReleaseSettings::AfterHookFailure::kFail;
  ToolApplies({"20240101000002-b.js"}, false);
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(Calls("notify"), 1);
  EXPECT_EQ(events.after_hook_failures.back(), std::make_pair(size_t{1}, true));
}

// lock_retries did nothing in command: mode.
TEST_F(ExternalCommandTest, ALockTimeoutFailureIsRetriedUpToLockRetries) {
  options.settings.on_failure = ReleaseSettings::OnFailure::kStop;
  options.settings.lock_retries = 2;
  int runs = 0;
  runner.effects[kMigrate] = [&] {
    if (++runs == 2) runner.exit_codes[kMigrate] = 0;
  };
  runner.exit_codes[kMigrate] = 1;
  runner.outputs[kMigrate] = {"ERROR: canceling statement due to lock timeout"};
  EXPECT_EQ(Up(), kExitOk);
  EXPECT_EQ(Calls(kMigrate), 2);
  EXPECT_NE(out.str().find("hit lock_timeout"), std::string::npos) << out.str();
}

TEST_F(ExternalCommandTest, OtherFailuresAndUnknownToolsAreNotRetried) {
  options.settings.on_failure = ReleaseSettings::OnFailure::kStop;
  options.settings.lock_retries = 3;
  runner.exit_codes[kMigrate] = 1;
  runner.outputs[kMigrate] = {"ERROR: relation \"users\" already exists"};
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(Calls(kMigrate), 1);

  options.settings.command = "./bin/migrate-all";
  runner.exit_codes["./bin/migrate-all"] = 1;
  runner.outputs["./bin/migrate-all"] = {"canceling statement due to lock timeout"};
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(Calls("./bin/migrate-all"), 1);
  EXPECT_NE(err.str().find("not retried (lock_retries)"), std::string::npos) << err.str();
}

TEST_F(ExternalCommandTest, RollbackReleaseIsRefusedWhereTheTableCannotBeKnown) {
  options.settings.command = "./bin/migrate-all";
  try {
    Up();
    FAIL() << "expected a refusal";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitUsage);
    EXPECT_NE(std::string(e.what()).find("command_history"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(runner.calls.empty());
  EXPECT_EQ(driver.calls["try_lock"], 0);

  options.settings.command_history.table = "SequelizeMeta";
  runner.effects["./bin/migrate-all"] = [this] { Meta().push_back({"20240101000001-a.js"}); };
  runner.exit_codes["./bin/migrate-all"] = 1;
  EXPECT_EQ(Up(), kExitFailed);
  EXPECT_EQ(Calls(kUndo), 1);
  EXPECT_EQ(Meta().size(), 1u);
}

TEST_F(ExternalCommandTest, MigrateDownRevertsOneRowPerCallAndStopsAtAnEmptyTable) {
  Meta().push_back({"20240101000001-a.js"});
  EXPECT_EQ(Down(5), kExitOk);
  EXPECT_EQ(Calls(kUndo), 2);
  EXPECT_TRUE(Meta().empty());
  EXPECT_NE(out.str().find("has no row left to revert"), std::string::npos) << out.str();
}

}  // namespace

namespace {

/// `command:` releases without a known tool table, as the command line runs them.
struct CommandModeTest : public MigratorFixture {
  int CommandUp() { return RunExternalCommand(Context(), &command_events, false, 1); }
};

}  // namespace

TEST_F(CommandModeTest, ExternalCommandRunsUnderTheLockWithHooks) {
  options.settings.command = "npx sequelize db:migrate";
  options.settings.rollback_command = "npx sequelize db:migrate:undo";
  options.settings.hooks.before = {"check"};
  options.settings.hooks.on_failure = {"notify"};
  runner.exit_codes["npx sequelize db:migrate"] = 1;
  EXPECT_EQ(CommandUp(), kExitFailed);
  ASSERT_EQ(runner.calls.size(), 3u);
  EXPECT_EQ(runner.calls[0].command, "check");
  EXPECT_EQ(runner.calls[1].command, "npx sequelize db:migrate");
  EXPECT_EQ(runner.calls[2].command, "notify");  // no undo: on_failure is stop
  EXPECT_EQ(driver.calls["try_lock"], 1);
  EXPECT_FALSE(driver.locked);
  EXPECT_TRUE(driver.Logged("event command_failed"));
}

// SLUGWRIGHT_ERROR said only "exited with status 1"; it now carries what
// the tool said last, and a failing before hook is not preceded by
// "Running ... under the migration lock".
TEST_F(CommandModeTest, ExternalCommandFailureCarriesTheToolsLastLinesAndMessagesFollowEvents) {
  options.settings.command = "npx sequelize-cli db:migrate";
  options.settings.hooks.on_failure = {"notify"};
  runner.exit_codes["npx sequelize-cli db:migrate"] = 1;
  runner.outputs["npx sequelize-cli db:migrate"] = {"== 20240101-add: migrating =======",
                                                    "ERROR: relation \"users\" already exists"};
  EXPECT_EQ(CommandUp(), kExitFailed);
  ASSERT_EQ(runner.calls.size(), 2u);
  std::string error = runner.calls[1].env["SLUGWRIGHT_ERROR"];
  EXPECT_NE(error.find("exited with status 1"), std::string::npos) << error;
  EXPECT_NE(error.find("relation \"users\" already exists"), std::string::npos) << error;

  RecordingRunner before_fails;
  before_fails.exit_codes["check"] = 1;
  options.settings.hooks.before = {"check"};
  out.str("");
  MigratorContext context = Context();
  context.runner = &before_fails;
  EXPECT_EQ(RunExternalCommand(context, &command_events, false, 1), kExitFailed);
  EXPECT_EQ(out.str().find("Running `npx sequelize-cli db:migrate`"), std::string::npos)
      << out.str();
  for (const auto& call : before_fails.calls) EXPECT_NE(call.command, options.settings.command);
}
