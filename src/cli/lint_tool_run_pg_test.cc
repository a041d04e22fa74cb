// `slugwright migrate lint --database-url URL` of a `command:` release
// (issue 25, item 6): the real tool from npm (skipped, saying why, where npm
// or its registry is unavailable) runs its pending migrations on a
// throwaway schema-only copy of the database, and every statement it sent
// is linted, each finding naming the migration file the tool recorded.
// sequelize-cli in Common's style (addColumn, changeColumn, addIndex, a raw
// UPDATE backfill) with some migrations already applied, and knex. The
// source is unchanged and nothing is left behind.

#include <sys/stat.h>

#include <algorithm>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "postgres/local_postgres.h"
#include "rehearse/rehearsal_copy.h"
#include "testing/npm_tools.h"
#include "testing/pg_fixture.h"
#include "testing/pg_test_environment.h"
#include "testing/sequelize_migrations.h"
#include "testing/test_util.h"

namespace {

using nlohmann::json;

// Applied before the lint: the table, and an index built without
// CONCURRENTLY (flagged if it were linted again).
const char* kCreateAccounts =
    "module.exports = {\n"
    "  up: (qi, S) => qi.createTable('accounts', {id: {type: S.INTEGER, primaryKey: true},\n"
    "    status: S.TEXT, amount: S.INTEGER}),\n"
    "  down: (qi) => qi.dropTable('accounts'),\n"
    "};\n";
const char* kIndexAmount =
    "module.exports = {\n"
    "  up: (qi) => qi.addIndex('accounts', ['amount']),\n"
    "  down: (qi) => qi.removeIndex('accounts', ['amount']),\n"
    "};\n";
const char* kCreateDrafts =
    "module.exports = {\n"
    "  up: (qi, S) => qi.createTable('drafts', {id: {type: S.INTEGER, primaryKey: true}}),\n"
    "  down: (qi) => qi.dropTable('drafts'),\n"
    "};\n";
// Pending.
const char* kAddRegion =
    "module.exports = {\n"
    "  up: (qi, S) => qi.addColumn('accounts', 'region', {type: S.TEXT}),\n"
    "  down: (qi) => qi.removeColumn('accounts', 'region'),\n"
    "};\n";
const char* kBackfillRegion =
    "module.exports = {\n"
    "  up: (qi) => qi.sequelize.query(\"UPDATE accounts SET region = 'eu'\"),\n"
    "  down: async () => {},\n"
    "};\n";
// Not DDL (no event trigger fires for TRUNCATE): seen only in what the
// tool sent.
const char* kClearDrafts =
    "module.exports = {\n"
    "  up: (qi) => qi.sequelize.query('TRUNCATE drafts CASCADE'),\n"
    "  down: async () => {},\n"
    "};\n";

class LintToolRunPgTest : public SlugwrightPgTest {
 protected:
  std::string App() const { return tmp_.path() + "/app"; }
  std::string Tmp() const { return tmp_.path() + "/tmp"; }

  /// The app with `packages` from npm linked in, and release.command
  /// `command` (plus `more` settings of the release).
  bool MakeApp(const std::string& packages, const std::string& command, const std::string& more,
               std::string* why) {
    std::string prefix = InstallNpmTools(packages, why);
    if (prefix.empty()) return false;
    tmp_.Write("app/slugwright.yml", "release:\n  command: " + command + "\n" + more);
    tmp_.Write("app/migrations/.keep", "");
    // The throwaway cluster runs as another user: it must reach TMPDIR.
    ::chmod(tmp_.path().c_str(), 0711);
    ::mkdir(Tmp().c_str(), 0711);
    ::chmod(Tmp().c_str(), 0711);
    return slugwright_.RunShell("ln -sfn '" + prefix + "/node_modules' '" + App() +
                                "/node_modules'").code == 0;
  }

  /// Runs the release's command on the source itself (the migrations
  /// production already has).
  void ApplyOnSource(const std::string& command) {
    RunResult r = slugwright_.RunShell("cd '" + App() + "' && DATABASE_URL='" + db_.url() +
                                       "' && export DATABASE_URL && " + command);
    ASSERT_EQ(r.code, 0) << r.all();
  }

  RunResult Lint(const std::vector<std::string>& more, bool with_database = true) {
    std::vector<std::string> args = {"migrate", "lint"};
    if (with_database) args.insert(args.end(), {"--database-url", db_.url()});
    args.insert(args.end(), more.begin(), more.end());
    ProcessOptions options;
    options.cwd = App();
    options.env["TMPDIR"] = Tmp();
    options.env["DATABASE_URL"] = "";
    return slugwright_.StartSlugwright(args, options).Wait(300);
  }

  /// `migrate lint --json` (*run) with findings: exit 1 and a report that
  /// lists them (*report).
  ::testing::AssertionResult LintJsonWithFindings(RunResult* run, json* report) {
    *run = Lint({"--json"});
    if (run->code != 1)
      return ::testing::AssertionFailure() << "exit " << run->code << ": " << run->all();
    *report = json::parse(run->out);
    if (!report->contains("findings"))
      return ::testing::AssertionFailure() << "no findings in: " << run->all();
    return ::testing::AssertionSuccess();
  }

  /// Everything the lint must not change on the source: its schema, its
  /// rows and the tool's history.
  std::string SourceState(const std::string& history) const {
    ToolResult dump = RunTool(LocalPostgres::FindServerBinDir() + "/pg_dump",
                              {"--dbname=" + TestCluster().SocketConninfo(db_.name())}, {}, true,
                              nullptr, nullptr, nullptr);
    EXPECT_EQ(dump.exit_code, 0);
    std::string state;
    std::istringstream lines(dump.out);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("\\restrict ", 0) != 0 && line.rfind("\\unrestrict ", 0) != 0)
        state += line + "\n";
    return state + db_.Scalar("SELECT count(*) FROM \"" + history + "\"");
  }

  /// No file left in TMPDIR (the copy's cluster and archives), no process
  /// started there.
  void ExpectNothingLeft() {
    EXPECT_EQ(DirectoryEntries(Tmp()), std::vector<std::string>{});
    EXPECT_EQ(ProcessesMentioning(Tmp()), std::vector<std::string>{});
  }
};

/// (file, rule) of each finding of `migrate lint --json`.
using Found = std::vector<std::pair<std::string, std::string>>;

Found Findings(const json& report) {
  Found out;
  for (const json& f : report.at("findings")) out.emplace_back(f.at("file"), f.at("rule"));
  std::sort(out.begin(), out.end());
  return out;
}

const char* kSequelize =
    "node_modules/.bin/sequelize-cli db:migrate --url \"$DATABASE_URL\" --migrations-path "
    "migrations";

TEST_F(LintToolRunPgTest, SequelizesPendingMigrationsAreLintedByTheirJsFiles) {
  std::string why;
  if (!MakeApp("sequelize-cli sequelize pg", kSequelize, "", &why)) GTEST_SKIP() << why;
  tmp_.Write("app/migrations/20240101000000-create-accounts.js", kCreateAccounts);
  tmp_.Write("app/migrations/20240102000000-index-amount.js", kIndexAmount);
  tmp_.Write("app/migrations/20240103000000-create-drafts.js", kCreateDrafts);
  ApplyOnSource(kSequelize);
  db_.Exec("INSERT INTO accounts SELECT g, 'open', g % 100 FROM generate_series(1, 5000) g; "
           "ANALYZE accounts");
  tmp_.Write("app/migrations/20240301000000-widen-amount.js", kSequelizeWidenAmount);
  tmp_.Write("app/migrations/20240302000000-add-region.js", kAddRegion);
  tmp_.Write("app/migrations/20240303000000-backfill-region.js", kBackfillRegion);
  tmp_.Write("app/migrations/20240304000000-index-status.js", kSequelizeIndexStatus);
  tmp_.Write("app/migrations/20240305000000-clear-drafts.js", kClearDrafts);
  std::string before = SourceState("SequelizeMeta");

  RunResult r;
  json report;
  ASSERT_TRUE(LintJsonWithFindings(&r, &report));
  EXPECT_EQ(Findings(report),
            (Found{{"migrations/20240301000000-widen-amount.js", "alter-column-type"},
                   {"migrations/20240303000000-backfill-region.js", "unbatched-backfill"},
                   {"migrations/20240304000000-index-status.js", "create-index-locks-writes"},
                   {"migrations/20240305000000-clear-drafts.js", "truncate-cascade"}}))
      << report.dump(2);
  // The five pending migrations ran, not the three applied ones.
  EXPECT_EQ(5, report.at("migrations")) << report.dump(2);
  EXPECT_TRUE(report.at("errors").empty()) << report.dump(2);
  EXPECT_TRUE(Contains(report.at("batch").at("tool"), "sequelize-cli db:migrate"))
      << report.dump(2);
  EXPECT_EQ("server", report.at("postgres_version_from")) << report.dump(2);
  // Each finding is weighed by its table on the database.
  EXPECT_EQ("other", report.at("findings")[0].at("table_size").at("size_class")) << report;
  EXPECT_FALSE(Contains(r.all(), db_.url())) << r.all();

  RunResult text = Lint({});
  EXPECT_EQ(1, text.code) << text.all();
  EXPECT_TRUE(Contains(text.out, "migrations/20240301000000-widen-amount.js: alter-column-type"))
      << text.out;
  EXPECT_TRUE(Contains(text.out, "migrations/20240304000000-index-status.js: "
                                 "create-index-locks-writes"))
      << text.out;
  EXPECT_TRUE(Contains(text.out, "4 findings in 4 of 5 migrations")) << text.out;
  EXPECT_TRUE(Contains(text.out, "throwaway schema-only copy")) << text.out;
  EXPECT_FALSE(Contains(text.out, "20240102000000-index-amount")) << text.out;

  RunResult github = Lint({"--format", "github"});
  EXPECT_EQ(1, github.code) << github.all();
  EXPECT_TRUE(Contains(github.out, "::error file=migrations/20240304000000-index-status.js,"
                                   "title=create-index-locks-writes::"))
      << github.out;
  RunResult markdown = Lint({"--format", "markdown"});
  EXPECT_EQ(1, markdown.code) << markdown.all();
  EXPECT_TRUE(Contains(markdown.out, "migrations/20240301000000-widen-amount.js")) << markdown.out;
  EXPECT_TRUE(Contains(markdown.out, "`alter-column-type`")) << markdown.out;

  EXPECT_EQ(before, SourceState("SequelizeMeta"));
  ExpectNothingLeft();

  // Without a database the tool cannot run: lint says what it cannot see.
  RunResult blind = Lint({}, false);
  EXPECT_EQ(2, blind.code) << blind.all();
  EXPECT_FALSE(Contains(blind.all(), "No findings")) << blind.all();
  EXPECT_TRUE(Contains(blind.err, "Pass --database-url URL")) << blind.err;
}

TEST_F(LintToolRunPgTest, KnexsPendingMigrationsAreLintedByTheirFiles) {
  std::string why;
  if (!MakeApp("knex pg", "node_modules/.bin/knex migrate:latest",
               "  command_history:\n    table: knex_migrations\n    column: name\n"
               "    migrations: migrations\n",
               &why))
    GTEST_SKIP() << why;
  tmp_.Write("app/knexfile.js",
             "module.exports = {client: 'pg', connection: process.env.DATABASE_URL,\n"
             "  migrations: {directory: './migrations'}};\n");
  tmp_.Write("app/migrations/20240101000000_create_orders.js",
             "exports.up = (knex) => knex.schema.createTable('orders', (t) => {\n"
             "  t.integer('id').primary(); t.text('state'); t.integer('total'); });\n"
             "exports.down = (knex) => knex.schema.dropTable('orders');\n");
  tmp_.Write("app/migrations/20240102000000_index_total.js",
             "exports.up = (knex) => knex.schema.alterTable('orders', (t) => t.index(['total']));\n"
             "exports.down = (knex) => knex.schema.alterTable('orders', (t) => "
             "t.dropIndex(['total']));\n");
  ApplyOnSource("node_modules/.bin/knex migrate:latest");
  db_.Exec("INSERT INTO orders SELECT g, 'new', g FROM generate_series(1, 2000) g");
  tmp_.Write("app/migrations/20240301000000_rename_state.js",
             "exports.up = (knex) => knex.schema.alterTable('orders', (t) => "
             "t.renameColumn('state', 'status'));\n"
             "exports.down = (knex) => knex.schema.alterTable('orders', (t) => "
             "t.renameColumn('status', 'state'));\n");
  tmp_.Write("app/migrations/20240302000000_index_status.js",
             "exports.up = (knex) => knex.schema.alterTable('orders', (t) => t.index(['status']));\n"
             "exports.down = (knex) => knex.schema.alterTable('orders', (t) => "
             "t.dropIndex(['status']));\n");
  std::string before = SourceState("knex_migrations");

  RunResult r;
  json report;
  ASSERT_TRUE(LintJsonWithFindings(&r, &report));
  EXPECT_EQ(Findings(report),
            (Found{{"migrations/20240301000000_rename_state.js", "rename-column"},
                   {"migrations/20240302000000_index_status.js", "create-index-locks-writes"}}))
      << report.dump(2);
  EXPECT_EQ(2, report.at("migrations")) << report.dump(2);
  EXPECT_TRUE(report.at("errors").empty()) << report.dump(2);

  EXPECT_EQ(before, SourceState("knex_migrations"));
  ExpectNothingLeft();
}

}  // namespace
