// The text and JSON renderings of one MigrationStatus.

#include "cli/output/migrate_status_output.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/console.h"

namespace {

MigrationStatus Sample() {
  MigrationStatus s;
  s.database = "u@host:5432/db";
  s.table = "public.slugwright_migrations";
  s.source = "db/migrations";
  MigrationStatus::Entry applied;
  applied.state = MigrationStatus::State::kApplied;
  applied.version = 1;
  applied.name = "a";
  applied.file = "db/migrations/1_a.sql";
  applied.checksum = "sha256:x";
  applied.row.applied_at = "2024-01-01T00:00:00Z";
  applied.row.release = "v7";
  applied.row.execution_ms = 1500;
  applied.row.checksum = "sha256:x";
  MigrationStatus::Entry changed = applied;
  changed.state = MigrationStatus::State::kChanged;
  changed.version = 2;
  changed.checksum = "sha256:y";
  MigrationStatus::Entry unfinished = applied;
  unfinished.state = MigrationStatus::State::kUnfinished;
  unfinished.version = 3;
  unfinished.row.state = MigrationState::kFailed;
  unfinished.row.statements_done = 1;
  unfinished.row.statements_total = 3;
  unfinished.row.error = "boom";
  MigrationStatus::Entry pending;
  pending.state = MigrationStatus::State::kPendingOutOfOrder;
  pending.version = 4;
  pending.name = "d";
  pending.file = "db/migrations/4_d.sql";
  MigrationStatus::Entry future;
  future.state = MigrationStatus::State::kNoFile;
  future.version = 9;
  future.name = "z";
  future.row.applied_at = "2024-02-01T00:00:00Z";
  s.entries = {applied, changed, unfinished, pending, future};
  s.applied = 3;
  s.pending = 1;
  s.without_file = 1;
  s.problems = {"a problem"};
  return s;
}

}  // namespace

TEST(MigrateStatusOutputTest, TextListsEachMigrationThenCountsAndProblems) {
  std::ostringstream out, err;
  Console console(out, err, nullptr);
  PrintMigrationStatus(Sample(), &console);
  std::string text = out.str();
  for (const char* line :
       {"Migrations in db/migrations for u@host:5432/db (history in "
        "public.slugwright_migrations)",
        "[X] 1_a  applied 2024-01-01T00:00:00Z (v7) in 1.5s\n",
        "[!] 2_a  applied 2024-01-01T00:00:00Z (v7) in 1.5s  CHANGED since (file sha256:y, "
        "recorded sha256:x)",
        "[~] 3_a  failed at statement 2 of 3 (needs `slugwright migrate repair`)",
        "[ ] 4_d  pending (older than the newest applied)",
        "[?] 9_z  applied 2024-02-01T00:00:00Z, no file here (the database is ahead of this "
        "code)",
        "Applied: 3, pending: 1, without file: 1"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  EXPECT_NE(err.str().find("a problem"), std::string::npos) << err.str();
}

TEST(MigrateStatusOutputTest, JsonHasTheSameEntries) {
  nlohmann::json j = nlohmann::json::parse(MigrationStatusJson(Sample()));
  EXPECT_EQ(j["database"], "u@host:5432/db");
  EXPECT_EQ(j["applied"], 3);
  EXPECT_EQ(j["pending"], 1);
  EXPECT_EQ(j["problems"], nlohmann::json::array({"a problem"}));
  ASSERT_EQ(j["migrations"].size(), 5u);
  EXPECT_EQ(j["migrations"][0]["state"], "applied");
  EXPECT_EQ(j["migrations"][0]["history"]["release"], "v7");
  EXPECT_EQ(j["migrations"][1]["state"], "changed");
  EXPECT_EQ(j["migrations"][2]["state"], "failed");
  EXPECT_EQ(j["migrations"][2]["statements_done"], 1);
  EXPECT_EQ(j["migrations"][2]["error"], "boom");
  EXPECT_EQ(j["migrations"][3]["state"], "pending_out_of_order");
  EXPECT_FALSE(j["migrations"][3].contains("history"));
  EXPECT_EQ(j["migrations"][4]["state"], "no_file");
  EXPECT_FALSE(j["migrations"][4].contains("file"));
}

TEST(MigrateStatusOutputTest, AnEmptyMigrationIsPendingAndSaysEmpty) {
  MigrationStatus s = Sample();
  s.entries[3].state = MigrationStatus::State::kPending;
  s.entries[3].empty = true;
  std::ostringstream out, err;
  Console console(out, err, nullptr);
  PrintMigrationStatus(s, &console);
  EXPECT_NE(out.str().find("[ ] 4_d  pending  empty: write its SQL after `-- migrate:up`"),
            std::string::npos)
      << out.str();
  nlohmann::json j = nlohmann::json::parse(MigrationStatusJson(s));
  EXPECT_EQ(j["migrations"][3]["state"], "pending");
  EXPECT_EQ(j["migrations"][3]["empty"], true);
}

namespace {

MigrationStatus ToolStatus() {
  MigrationStatus s;
  s.database = "u@host:5432/db";
  s.owner = "npx sequelize-cli db:migrate";
  s.tool = "sequelize";
  s.table = "SequelizeMeta";
  s.table_column = "name";
  s.source = "migrations";
  s.applied = 1;
  MigrationStatus::Entry applied;
  applied.state = MigrationStatus::State::kApplied;
  applied.name = applied.tool_name = "1-a.js";
  applied.file = "migrations/1-a.js";
  s.entries = {applied};
  return s;
}

}  // namespace

// Issue 23 item 15: the table is a machine-readable fact, not prose.
TEST(MigrateStatusOutputTest, ToolTablesAreFactsInJsonAndWordedInText) {
  MigrationStatus s = ToolStatus();
  nlohmann::json j = nlohmann::json::parse(MigrationStatusJson(s));
  EXPECT_EQ(j.at("tool"), "sequelize");
  EXPECT_EQ(j.at("table"), "SequelizeMeta");
  EXPECT_EQ(j.at("column"), "name");
  EXPECT_EQ(j.at("migrations").at(0).at("file"), "migrations/1-a.js");
  std::ostringstream out, err;
  Console console(out, err, nullptr);
  PrintMigrationStatus(s, &console);
  EXPECT_NE(out.str().find("(history in sequelize's `SequelizeMeta`)"), std::string::npos)
      << out.str();
}

// Issue 23 item 2: what cannot be seen is "unknown", never "pending: 0".
TEST(MigrateStatusOutputTest, UnknownPendingIsSaidInTextJsonAndAdvice) {
  MigrationStatus s = ToolStatus();
  s.pending_known = false;
  nlohmann::json j = nlohmann::json::parse(MigrationStatusJson(s));
  EXPECT_EQ(j.at("pending"), "unknown");
  EXPECT_EQ(j.at("pending_known"), false);
  std::ostringstream out, err;
  Console console(out, err, nullptr);
  PrintMigrationStatus(s, &console);
  EXPECT_NE(out.str().find("Applied: 1, pending: unknown"), std::string::npos) << out.str();
  std::string advice = PendingOnLiveReleaseAdvice(s, "api");
  EXPECT_NE(advice.find("cannot be known"), std::string::npos) << advice;
  EXPECT_EQ(advice.find("releases:retry"), std::string::npos) << advice;
}

// Issue 23 item 13: re-running the release phase cannot apply a blank
// `migrate new` template, so the advice is to write it, not to retry.
TEST(MigrateStatusOutputTest, ABlankTemplateIsNotAdvisedARetry) {
  MigrationStatus s = Sample();
  s.entries[3].empty = true;
  std::string advice = PendingOnLiveReleaseAdvice(s, "api");
  EXPECT_EQ(advice.find("releases:retry"), std::string::npos) << advice;
  EXPECT_NE(advice.find("db/migrations/4_d.sql"), std::string::npos) << advice;
  s.entries[3].empty = false;
  EXPECT_NE(PendingOnLiveReleaseAdvice(s, "api").find("heroku releases:retry -a api"),
            std::string::npos);
}
