// The lint inside `rehearse` (rehearsal_lint.h): pending files linted as
// `migrate lint` lints them, statements observed on the server linted per
// migration, and the findings attached to the report's migrations (their
// wording: cli/output/rehearsal_report_output_test.cc).

#include "rehearse/rehearsal_lint.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <tuple>

#include "migrate/directory_source.h"
#include "rehearse/server_observation.h"

namespace {

using nlohmann::json;

std::vector<std::string> Rules(const std::vector<LintFinding>& findings) {
  std::vector<std::string> rules;
  for (const LintFinding& f : findings) rules.push_back(f.file + ":" + std::to_string(f.line) +
                                                        " " + f.rule);
  return rules;
}

MigrationRehearsal Observed(const std::string& name, std::vector<std::string> statements) {
  MigrationRehearsal m;
  m.name = name;
  m.server_observed = true;
  m.in_transaction = false;
  m.status = MigrationRehearsal::Status::kApplied;
  m.statements = std::move(statements);
  return m;
}

TEST(RehearsalLint, PendingFilesAreLintedAsMigrateLintLintsThem) {
  std::vector<Migration> files = {
      ParseMigrationFile("m/1_create.sql", "-- migrate:up\nCREATE TABLE t (id int);\n"
                                           "CREATE INDEX t_id ON t (id);\n"),
      ParseMigrationFile("m/2_typo.sql", "-- migrate:up\n-- slugwright-lint-ignore no-such-rule\n"
                                         "ALTER TABLE u DROP COLUMN c;\n"),
      ParseMigrationFile("m/3_index.sql", "-- migrate:up\nCREATE INDEX u_c ON u (c);\n"),
  };
  std::vector<const Migration*> pending;
  for (const Migration& m : files) pending.push_back(&m);
  RehearsalLint lint = LintPendingMigrations(pending, 1500);
  EXPECT_TRUE(lint.ran);
  EXPECT_EQ(lint.postgres_version, 15);
  // The table created in its own migration is new; the file with a typo is an
  // error, not a stop.
  EXPECT_EQ(Rules(lint.findings),
            std::vector<std::string>{"m/3_index.sql:2 create-index-locks-writes"});
  ASSERT_EQ(lint.errors.size(), 1u);
  EXPECT_EQ(lint.errors[0].first, "m/2_typo.sql");
  EXPECT_NE(lint.errors[0].second.find("no-such-rule"), std::string::npos) << lint.errors[0].second;

  // The same file alone, as `migrate lint` finds it.
  std::vector<Migration> alone = {files[2]};
  LintOptions postgres15;
  postgres15.postgres_major = 15;
  std::vector<LintFinding> direct = LintMigrations(alone, postgres15);
  ASSERT_EQ(direct.size(), 1u);
  const LintFinding &a = direct[0], &b = lint.findings[0];
  EXPECT_EQ(std::tie(a.file, a.line, a.rule, a.statement, a.why, a.instead),
            std::tie(b.file, b.line, b.rule, b.statement, b.why, b.instead));
}

TEST(RehearsalLint, ASourceOlderThanTheRulesIsNotLinted) {
  std::vector<const Migration*> none;
  RehearsalLint lint = LintPendingMigrations(none, 906);
  EXPECT_FALSE(lint.ran);
  EXPECT_EQ(lint.skipped, "not linted: the source is PostgreSQL 9.6, and the lint rules "
                          "(docs/lint.md) are for PostgreSQL 11 and later");
  RehearsalReport report;
  AttachLint(lint, &report);
  EXPECT_EQ(report.notes, std::vector<std::string>{lint.skipped});
  EXPECT_FALSE(report.linted);
}

TEST(RehearsalLint, ObservedStatementsAreLintedPerMigrationAsOneBatch) {
  std::vector<MigrationRehearsal> ms = {
      // sequelize's changeColumn: several statements in one query.
      Observed("20240201000000-widen.js",
               {"ALTER TABLE \"accounts\" ALTER COLUMN \"amount\" DROP NOT NULL;ALTER TABLE "
                "\"accounts\" ALTER COLUMN \"amount\" DROP DEFAULT;ALTER TABLE \"accounts\" "
                "ALTER COLUMN \"amount\" TYPE BIGINT;"}),
      Observed("20240202000000-projects.js",
               {"CREATE TABLE IF NOT EXISTS \"projects\" (\"id\" SERIAL, PRIMARY KEY (\"id\"));",
                "CREATE INDEX \"projects_id\" ON \"projects\" (\"id\")"}),
      Observed("20240203000000-index.js", {"CREATE INDEX \"a_s\" ON \"accounts\" (\"status\")",
                                           "SELECT 'unterminated"}),
  };
  RehearsalLint lint = LintObservedStatements(ms, 1600);
  EXPECT_EQ(Rules(lint.findings),
            (std::vector<std::string>{"20240201000000-widen.js:0 alter-column-type",
                                      "20240203000000-index.js:0 create-index-locks-writes"}));
  EXPECT_EQ(lint.errors.size(), 1u);
  // No file to point into: no line, and a safe rewrite for any tool.
  EXPECT_EQ(lint.findings[1].file, "20240203000000-index.js");
  EXPECT_EQ(lint.findings[1].line, 0);
  EXPECT_NE(lint.findings[1].instead.find("no transaction around it"), std::string::npos);

  RehearsalReport report;
  report.migrations = ms;
  AttachLint(lint, &report);
  EXPECT_EQ(report.migrations[0].lint.size(), 1u);
  EXPECT_TRUE(report.migrations[1].lint.empty());
  EXPECT_EQ(report.migrations[2].lint.size(), 1u);
  ASSERT_EQ(report.migrations[2].notes.size(), 1u);
  EXPECT_EQ(report.migrations[2].notes[0].rfind("lint: could not split", 0), 0u);
}

ServerEvent Ddl(double at, const std::string& tag, const std::string& type,
                const std::string& object, const std::string& query) {
  ServerEvent e;
  e.kind = ServerEvent::Kind::kDdl;
  e.at = at;
  e.tag = tag;
  e.object_type = type;
  e.object = object;
  e.query = query;
  return e;
}

TEST(RehearsalLint, TheServerObservationKeepsEachQueryOnceAndTheFailedStatement) {
  ServerObservationInput in;
  in.started_at = 100;
  in.ended_at = 103;
  const std::string change = "ALTER TABLE a ALTER COLUMN x DROP DEFAULT;ALTER TABLE a ALTER "
                             "COLUMN x TYPE bigint;";
  in.events = {Ddl(100.5, "ALTER TABLE", "table", "public.a", change),
               Ddl(100.6, "ALTER TABLE", "table", "public.a", change)};
  ServerEvent row;
  row.kind = ServerEvent::Kind::kHistoryRow;
  row.at = 101;
  row.object = "1-widen.js";
  in.events.push_back(row);
  in.failed = true;
  in.failed_name = "2-require.js";
  in.error = "column \"e\" of relation \"u\" contains null values";
  in.sqlstate = "23502";
  in.failed_statement = "ALTER TABLE \"public\".\"u\" ADD COLUMN \"e\" TEXT NOT NULL;";
  std::vector<MigrationRehearsal> ms = AttributeServerObservation(in);
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].statements, std::vector<std::string>{change});
  EXPECT_EQ(ms[1].statements, std::vector<std::string>{in.failed_statement});
  RehearsalLint lint = LintObservedStatements(ms, 1500);
  EXPECT_EQ(Rules(lint.findings),
            (std::vector<std::string>{"1-widen.js:0 alter-column-type",
                                      "2-require.js:0 add-column-not-null-without-default"}));
}

}  // namespace
