// Golden files of what the migration commands print: each scenario runs the
// Migrator (or adopt) on the in-memory doubles, once with human lines and
// once with JSON log lines, and compares stdout, stderr, the error that
// ends the command and its exit code with testdata/<scenario>.txt. A
// wording change is a reviewed diff of those files:
// SLUGWRIGHT_UPDATE_GOLDEN=1 rewrites them.

#include <cstdlib>
#include <fstream>
#include <functional>
#include <gtest/gtest.h>
#include <regex>
#include <sstream>
#include <string>

#include "base/exit_codes.h"
#include "base/log.h"
#include "cli/output/migrate_output.h"
#include "cli/output/migrate_status_output.h"
#include "migrate/migrator.h"
#include "migrate/run_error.h"
#include "testing/migrator_fixture.h"
#include "tools/adopt.h"
#include "tools/external_command.h"

namespace {

/// One scenario: arranges the doubles, then runs the command and returns
/// its exit status (a UserError it throws is caught and recorded).
struct Scenario {
  std::function<void(MigratorDoubles&)> arrange;
  std::function<int(MigratorDoubles&)> act;
};

/// testdata/<name>.txt beside this file: under SLUGWRIGHT_SOURCE_DIR (ctest
/// sets it), else where the compiler saw this file.
std::string GoldenPath(const std::string& name) {
  const char* source = std::getenv("SLUGWRIGHT_SOURCE_DIR");
  std::string dir = source && *source ? std::string(source) + "/src/cli/output"
                                      : std::string(__FILE__).substr(
                                            0, std::string(__FILE__).rfind('/'));
  return dir + "/testdata/" + name + ".txt";
}

/// The time of a JSON log line is the wall clock's: fixed for comparison.
std::string WithoutTimes(const std::string& text) {
  static const std::regex time(R"("time":"[^"]*")");
  return std::regex_replace(text, time, R"("time":"T")");
}

/// Runs `scenario` once in `format` and lays out what it printed.
std::string RunIn(const Scenario& scenario, LogFormat format) {
  MigratorDoubles d;
  LogOptions log;
  log.format = format;
  d.console.Configure(log);
  scenario.arrange(d);
  int code = 0;
  std::string error;
  try {
    code = scenario.act(d);
  } catch (const UserError& e) {
    code = e.code();
    error = e.what();
  } catch (const RunError& e) {
    // As the command line words it (migrate_commands.cc).
    code = ExitCodeOf(e);
    error = RunErrorMessage(e);
  }
  std::string text = std::string("== ") + (format == LogFormat::kJson ? "json log" : "human") +
                     ", exit " + std::to_string(code) + "\n";
  text += "-- stdout\n" + WithoutTimes(d.out.str());
  text += "-- stderr\n" + WithoutTimes(d.err.str());
  if (!error.empty()) text += "-- error\n" + error + "\n";
  return text;
}

void ExpectGolden(const std::string& name, const Scenario& scenario) {
  std::string actual = RunIn(scenario, LogFormat::kHuman) + RunIn(scenario, LogFormat::kJson);
  std::string path = GoldenPath(name);
  const char* update = std::getenv("SLUGWRIGHT_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream golden(path, std::ios::binary);
    golden << actual;
    ASSERT_TRUE(golden.flush()) << "cannot write " << path;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing: run with SLUGWRIGHT_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "differs from " << path
                                    << " (SLUGWRIGHT_UPDATE_GOLDEN=1 rewrites it)";
}

/// Migrations `from` to `to`, each creating a table and dropping it in down.
void AddTables(MigratorDoubles& d, int from, int to) {
  for (int v = from; v <= to; ++v)
    d.source.Add(v, "CREATE TABLE t" + std::to_string(v) + " (id int);",
                 "DROP TABLE t" + std::to_string(v) + ";");
}

void AddFive(MigratorDoubles& d) { AddTables(d, 1, 5); }

/// Applies what is there, then forgets what that printed.
void ApplyAndForget(MigratorDoubles& d) {
  d.Up();
  d.out.str("");
  d.err.str("");
  d.driver.log.clear();
}

/// 1-3 applied by an earlier release, 4 and 5 pending.
void ThreeAppliedTwoPending(MigratorDoubles& d) {
  AddTables(d, 1, 3);
  ApplyAndForget(d);
  AddTables(d, 4, 5);
}

int Up(MigratorDoubles& d) { return d.Up(); }

/// `command:` releases run outside the Migrator, as the command line runs them.
int CommandUp(MigratorDoubles& d) {
  return RunExternalCommand(d.Context(), &d.command_events, false, 1);
}

/// A sequelize-cli stand-in whose runs write the fake SequelizeMeta table.
void SequelizeTool(MigratorDoubles& d, std::vector<std::string> applies, bool fails) {
  const std::string migrate = "npx sequelize-cli db:migrate";
  const std::string undo = "npx sequelize-cli db:migrate:undo";
  d.options.settings.command = migrate;
  d.options.settings.rollback_command = undo;
  d.driver.foreign_tables["SequelizeMeta"] = {{"name"}, {{"20230101000000-old.js"}}};
  auto* rows = &d.driver.foreign_tables["SequelizeMeta"].rows;
  d.runner.effects[undo] = [rows] {
    if (!rows->empty()) rows->erase(std::max_element(rows->begin(), rows->end()));
  };
  d.runner.effects[migrate] = [rows, applies] {
    for (const std::string& n : applies) rows->push_back({n});
  };
  if (fails) {
    d.runner.exit_codes[migrate] = 1;
    d.runner.outputs[migrate] = {"ERROR: relation \"users\" already exists"};
  }
}

}  // namespace

TEST(MigrateOutputGolden, UpAppliesSeveral) {
  ExpectGolden("up_applies_several",
               {[](MigratorDoubles& d) {
                  d.source.Add(1, "CREATE TABLE t (x int);", "DROP TABLE t;");
                  d.source.Add(2,
                               "CREATE INDEX CONCURRENTLY a ON t (x);\n"
                               "CREATE INDEX CONCURRENTLY b ON t (x);",
                               "", false);
                  d.source.Add(3, "ALTER TABLE t ADD y int;");
                  d.options.settings.hooks.before = {"check-env"};
                  d.options.settings.hooks.after = {"announce"};
                },
                Up});
}

TEST(MigrateOutputGolden, UpAfterHookFailsAndTheReleaseContinues) {
  ExpectGolden("up_after_hook_fails_warn", {[](MigratorDoubles& d) {
                                              AddTables(d, 1, 2);
                                              d.options.settings.hooks.after = {"notify-slack"};
                                              d.runner.exit_codes["notify-slack"] = 1;
                                            },
                                            Up});
}

TEST(MigrateOutputGolden, UpAfterHookFailsTheReleaseWhenSetToFail) {
  ExpectGolden("up_after_hook_fails_fail",
               {[](MigratorDoubles& d) {
                  AddTables(d, 1, 2);
                  d.options.settings.hooks.after = {"smoke-test"};
                  d.options.settings.after_hook_failure =
                      ReleaseSettings::AfterHookFailure::kFail;
                  d.runner.exit_codes["smoke-test"] = 1;
                },
                Up});
}

TEST(MigrateOutputGolden, UpWithNothingPending) {
  ExpectGolden("up_nothing_pending", {[](MigratorDoubles& d) {
                                        AddFive(d);
                                        ApplyAndForget(d);
                                      },
                                      Up});
}

TEST(MigrateOutputGolden, UpDryRun) {
  ExpectGolden("up_dry_run", {[](MigratorDoubles& d) {
                                d.source.Add(1, "CREATE TABLE t (x int);");
                                ApplyAndForget(d);
                                d.source.Add(2, "CREATE INDEX CONCURRENTLY a ON t (x);", "",
                                             false);
                                d.source.Add(3, "ALTER TABLE t ADD y int;");
                              },
                              [](MigratorDoubles& d) { return d.Make().Up(true); }});
}

TEST(MigrateOutputGolden, UpFailsWithOnFailureStop) {
  ExpectGolden("up_fails_on_failure_stop", {[](MigratorDoubles& d) {
                                              AddFive(d);
                                              d.driver.fail_sql["CREATE TABLE t3"] = {"42601"};
                                              d.options.settings.hooks.on_failure = {"notify"};
                                            },
                                            Up});
}

// One migration committed before the failure: "stays", not "stay" (issue
// 23, item 15).
TEST(MigrateOutputGolden, UpFailsAfterOneCommittedWithOnFailureStop) {
  ExpectGolden("up_fails_after_one_committed", {[](MigratorDoubles& d) {
                                                  AddTables(d, 1, 2);
                                                  d.driver.fail_sql["CREATE TABLE t2"] = {"42601"};
                                                },
                                                Up});
}

TEST(MigrateOutputGolden, UpFailsWithRollbackRelease) {
  ExpectGolden("up_fails_rollback_release",
               {[](MigratorDoubles& d) {
                  AddTables(d, 1, 1);
                  ApplyAndForget(d);
                  AddTables(d, 2, 5);
                  d.driver.fail_sql["CREATE TABLE t4"] = {"23505"};
                  d.options.settings.on_failure = ReleaseSettings::OnFailure::kRollbackRelease;
                  d.options.settings.hooks.on_failure = {"notify"};
                },
                Up});
}

TEST(MigrateOutputGolden, UpFailsInATransactionFalseMigrationMidway) {
  ExpectGolden("up_fails_transaction_false_midway",
               {[](MigratorDoubles& d) {
                  d.source.Add(1,
                               "CREATE INDEX CONCURRENTLY a ON t (x);\n"
                               "CREATE INDEX CONCURRENTLY b ON t (y);\n"
                               "CREATE INDEX CONCURRENTLY c ON t (z);",
                               "", false);
                  d.driver.fail_sql["ON t (y)"] = {"42703", 1};
                },
                Up});
}

TEST(MigrateOutputGolden, UpFailsInTransactionAll) {
  ExpectGolden("up_fails_transaction_all",
               {[](MigratorDoubles& d) {
                  AddFive(d);
                  d.driver.fail_sql["CREATE TABLE t3"] = {"42601"};
                  d.options.settings.transaction = ReleaseSettings::TransactionMode::kAll;
                },
                Up});
}

TEST(MigrateOutputGolden, UpLosesTheConnectionWithTheCommitInFlight) {
  ExpectGolden("up_lost_commit",
               {[](MigratorDoubles& d) {
                  d.source.Add(1, "CREATE TABLE one (id int);", "DROP TABLE one;");
                  d.source.Add(2, "CREATE TABLE two (id int); LOSE", "DROP TABLE two;");
                  d.source.Add(3, "CREATE TABLE three (id int);", "DROP TABLE three;");
                  d.driver.fail_sql["LOSE"] = {"08006", 1, /*lost=*/true, /*committed=*/true};
                },
                Up});
}

TEST(MigrateOutputGolden, UpRetriesLockTimeout) {
  ExpectGolden("up_retries_lock_timeout", {[](MigratorDoubles& d) {
                                             AddFive(d);
                                             d.driver.fail_sql["CREATE TABLE t2"] = {"55P03", 2};
                                             d.options.settings.lock_retries = 3;
                                           },
                                           Up});
}

TEST(MigrateOutputGolden, UpFindsTheLockHeldByAnotherSession) {
  ExpectGolden("up_lock_held", {[](MigratorDoubles& d) {
                                  AddFive(d);
                                  d.driver.lock_free = false;
                                  d.options.settings.lock_wait_seconds = 45;
                                },
                                Up});
}

TEST(MigrateOutputGolden, UpRefusesAnotherToolsDatabase) {
  ExpectGolden("up_refuses_foreign_history",
               {[](MigratorDoubles& d) {
                  AddFive(d);
                  d.driver.foreign_tables["schema_migrations"] = {{"version"}, {{"1"}, {"2"}}};
                },
                Up});
}

TEST(MigrateOutputGolden, UpRefusesAChangedAppliedFile) {
  ExpectGolden("up_refuses_changed_file", {[](MigratorDoubles& d) {
                                             AddFive(d);
                                             ApplyAndForget(d);
                                             d.source.migrations[1].checksum = "sha256:edited";
                                             d.source.Add(6, "CREATE TABLE t6 (id int);");
                                           },
                                           Up});
}

TEST(MigrateOutputGolden, UpRefusesABlankUpSection) {
  ExpectGolden("up_refuses_blank_up_section", {[](MigratorDoubles& d) {
                                                 AddTables(d, 1, 1);
                                                 Migration& blank = d.source.Add(2, "");
                                                 blank.up_blank = true;
                                                 blank.up_first_line = 2;
                                               },
                                               Up});
}

TEST(MigrateOutputGolden, UpRefusesTransactionControlInATransactionalMigration) {
  ExpectGolden("up_refuses_transaction_control",
               {[](MigratorDoubles& d) {
                  d.source.Add(1, "CREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);");
                },
                Up});
}

TEST(MigrateOutputGolden, UpRefusesATransactionFalseMigrationInTransactionAll) {
  ExpectGolden("up_refuses_transaction_false_in_all",
               {[](MigratorDoubles& d) {
                  AddTables(d, 1, 1);
                  d.source.Add(2, "CREATE INDEX CONCURRENTLY i ON t1 (id);", "", false);
                  d.options.settings.transaction = ReleaseSettings::TransactionMode::kAll;
                },
                Up});
}

TEST(MigrateOutputGolden, ValidateRefusesTransactionControlInADownSection) {
  ExpectGolden("validate_refuses_transaction_control_in_down",
               {[](MigratorDoubles& d) {
                  d.source.Add(1, "CREATE TABLE a (id int);", "BEGIN;\nDROP TABLE a;");
                },
                [](MigratorDoubles& d) { return d.Make().Validate(false); }});
}

TEST(MigrateOutputGolden, DownReverts) {
  ExpectGolden("down_two", {[](MigratorDoubles& d) {
                              AddFive(d);
                              ApplyAndForget(d);
                            },
                            [](MigratorDoubles& d) { return d.Make().Down(2); }});
}

TEST(MigrateOutputGolden, DownRefusesWithoutADownSection) {
  ExpectGolden("down_without_down_section", {[](MigratorDoubles& d) {
                                               AddFive(d);
                                               ApplyAndForget(d);
                                               d.source.migrations[4].has_down = false;
                                             },
                                             [](MigratorDoubles& d) { return d.Make().Down(1); }});
}

TEST(MigrateOutputGolden, ValidateWithTheDatabase) {
  ExpectGolden("validate", {ThreeAppliedTwoPending,
                            [](MigratorDoubles& d) { return d.Make().Validate(true); }});
}

TEST(MigrateOutputGolden, ValidateFindsAChangedFile) {
  ExpectGolden("validate_changed_file", {[](MigratorDoubles& d) {
                                           AddFive(d);
                                           ApplyAndForget(d);
                                           d.source.migrations[0].checksum = "sha256:edited";
                                         },
                                         [](MigratorDoubles& d) {
                                           return d.Make().Validate(true);
                                         }});
}

TEST(MigrateOutputGolden, RepairClearsAFailedTransactionFalseMigration) {
  ExpectGolden("repair", {[](MigratorDoubles& d) {
                            d.source.Add(1,
                                         "CREATE INDEX CONCURRENTLY a ON t (x);\n"
                                         "CREATE INDEX CONCURRENTLY b ON t (y);",
                                         "", false);
                            d.driver.fail_sql["ON t (y)"] = {"42703", 1};
                            ApplyAndForget(d);
                          },
                          [](MigratorDoubles& d) { return d.Make().Repair({}); }});
}

TEST(MigrateOutputGolden, CommandSucceeds) {
  ExpectGolden("command_succeeds", {[](MigratorDoubles& d) {
                                      SequelizeTool(d, {"20240101000000-a.js"}, false);
                                    },
                                    CommandUp});
}

TEST(MigrateOutputGolden, CommandFailsAndRollbackReleaseRevertsIt) {
  ExpectGolden("command_fails_rollback_release",
               {[](MigratorDoubles& d) {
                  SequelizeTool(d, {"20240101000000-a.js", "20240102000000-b.js"}, true);
                  d.options.settings.on_failure = ReleaseSettings::OnFailure::kRollbackRelease;
                  d.options.settings.hooks.on_failure = {"notify"};
                },
                CommandUp});
}

TEST(MigrateOutputGolden, CommandDown) {
  ExpectGolden("command_down", {[](MigratorDoubles& d) {
                                  SequelizeTool(d, {}, false);
                                  d.driver.foreign_tables["SequelizeMeta"].rows.push_back(
                                      {"20240101000000-a.js"});
                                },
                                [](MigratorDoubles& d) {
                                  return RunExternalCommand(d.Context(), &d.command_events, true,
                                                            1);
                                }});
}

TEST(MigrateOutputGolden, AdoptDbmate) {
  ExpectGolden("adopt", {[](MigratorDoubles& d) {
                           for (int v = 1; v <= 3; ++v)
                             d.source.Add(v, "CREATE TABLE t" + std::to_string(v) + " (id int);");
                           d.driver.foreign_tables["schema_migrations"] = {{"version"},
                                                                           {{"1"}, {"2"}}};
                         },
                         [](MigratorDoubles& d) {
                           return AdoptForeignHistory(d.Context(), &d.adopt_events,
                                                      d.source.migrations, {});
                         }});
}

TEST(MigrateOutputGolden, StatusTextAndJson) {
  ExpectGolden("status", {[](MigratorDoubles& d) {
                            ThreeAppliedTwoPending(d);
                            d.source.migrations[0].checksum = "sha256:edited";
                          },
                          [](MigratorDoubles& d) {
                            MigrationStatus status = d.Make().Status();
                            PrintMigrationStatus(status, &d.console);
                            d.console.Data(MigrationStatusJson(status));
                            return status.ExitCode(true);
                          }});
}
