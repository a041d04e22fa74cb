// `slugwright rehearse` of a release that runs its own tool (`command:`):
// the real sequelize-cli from npm (skipped, saying why, where npm or its
// registry is unavailable) runs on the throwaway copy, watched from the
// server side, with --probe. One passing rehearsal (a column type change
// on a 200,000-row table, an index without CONCURRENTLY, a new table) and
// one failing (a NOT NULL column on a table with rows). The source's
// schema, rows and history tables are unchanged, and nothing is left.

#include <sys/stat.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include "postgres/local_postgres.h"
#include "rehearse/rehearsal_copy.h"
#include "testing/npm_tools.h"
#include "testing/pg_fixture.h"
#include "testing/pg_test_environment.h"
#include "testing/sequelize_migrations.h"
#include "testing/test_util.h"

namespace {

using nlohmann::json;

const char* kCreateTablesJs =
    "module.exports = {\n"
    "  up: async (qi, S) => {\n"
    "    await qi.createTable('accounts', {id: {type: S.INTEGER, primaryKey: true},\n"
    "      status: S.TEXT, amount: S.INTEGER, padding: S.TEXT});\n"
    "    await qi.createTable('users', {id: {type: S.INTEGER, primaryKey: true},\n"
    "      name: S.TEXT});\n"
    "  },\n"
    "  down: async (qi) => { await qi.dropTable('users'); await qi.dropTable('accounts'); },\n"
    "};\n";
const char* kCreateProjects =
    "module.exports = {\n"
    "  up: (qi, S) => qi.createTable('projects', {id: {type: S.INTEGER, primaryKey: true,\n"
    "    autoIncrement: true}, name: S.TEXT}),\n"
    "  down: (qi) => qi.dropTable('projects'),\n"
    "};\n";
const char* kRequireEmail =
    "module.exports = {\n"
    "  up: (qi, S) => qi.addColumn('users', 'email', {type: S.TEXT, allowNull: false}),\n"
    "  down: (qi) => qi.removeColumn('users', 'email'),\n"
    "};\n";

class RehearseCommandPgTest : public SlugwrightPgTest {
 protected:
  std::string Npm() const { return tmp_.path() + "/npm"; }
  std::string Tmp() const { return tmp_.path() + "/tmp"; }

  bool NpmInstall(std::string* why) {
    std::string prefix = InstallNpmTools("sequelize-cli sequelize pg", why);
    if (prefix.empty()) return false;
    tmp_.Write("npm/.keep", "");
    return slugwright_.RunShell("ln -sfn '" + prefix + "/node_modules' '" + Npm() +
                                "/node_modules'").code == 0;
  }

  /// sequelize-cli on `migrations` (a directory under npm/), as the
  /// release's command would run it.
  std::string Sequelize(const std::string& migrations) const {
    return "cd '" + Npm() + "' && node_modules/.bin/sequelize-cli db:migrate --url "
           "\"$DATABASE_URL\" --migrations-path " + migrations;
  }

  /// The source: accounts (200,000 rows) and users (with rows), created by
  /// sequelize-cli itself, so its SequelizeMeta has one row.
  void CreateSource() {
    tmp_.Write("npm/initial/20240101000000-create-tables.js", kCreateTablesJs);
    RunResult r = slugwright_.RunShell("DATABASE_URL='" + db_.url() + "' && export "
                                       "DATABASE_URL && " + Sequelize("initial"));
    ASSERT_EQ(r.code, 0) << r.all();
    db_.Exec("INSERT INTO accounts SELECT g, (ARRAY['new', 'open', 'closed'])[1 + g % 3], "
             "g % 1000, repeat('x', 100) FROM generate_series(1, 200000) g");
    db_.Exec("INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 50) g");
  }

  /// Migrations: the initial one and `pending` (file -> source).
  void WriteMigrations(const std::string& dir, const std::map<std::string, const char*>& pending) {
    tmp_.Write("npm/" + dir + "/20240101000000-create-tables.js", kCreateTablesJs);
    for (const auto& [file, js] : pending) tmp_.Write("npm/" + dir + "/" + file, js);
  }

  /// `rehearse --probe --json` with release.command running sequelize on
  /// `dir` after saving its environment to env.out; `release` replaces
  /// settings of the release (e.g. on_failure, rollback_command).
  /// `args` replace --probe (e.g. --from-dump FILE --schema-only).
  RunResult Rehearse(const std::string& dir, const json& release = json::object(),
                     const std::vector<std::string>& args = {"--probe"}) {
    return RehearseCommand("env > '" + tmp_.path() + "/env.out' && " + Sequelize(dir), release,
                           args);
  }

  RunResult RehearseCommand(const std::string& command, const json& release = json::object(),
                            const std::vector<std::string>& args = {"--probe"}) {
    json settings = {{"release",
                      {{"migrations", "migrations"}, {"database_url_env", "DATABASE_URL"},
                       {"table", "public.slugwright_migrations"},
                       {"transaction", "per-migration"}, {"on_failure", "stop"},
                       {"lock_wait_seconds", 60}, {"lock_timeout_seconds", 5},
                       {"statement_timeout_seconds", 0}, {"lock_retries", 0},
                       {"allow_out_of_order", false},
                       {"command", command},
                       {"rollback_command", ""},
                       {"hooks",
                        {{"before", json::array()}, {"after", json::array()},
                         {"on_failure", json::array()}, {"timeout_seconds", 30}}}}}};
    for (const auto& [key, value] : release.items()) settings["release"][key] = value;
    tmp_.Write(".slugwright/release.json", settings.dump());
    ::chmod(tmp_.path().c_str(), 0711);
    ::mkdir(Tmp().c_str(), 0711);
    ::chmod(Tmp().c_str(), 0711);
    std::vector<std::string> argv = {"rehearse", "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    return Run(argv, {{"TMPDIR", Tmp()}, {"HEROKU_POSTGRESQL_RED_URL", db_.url()},
                      {"PGDATABASE", db_.name()}});
  }

  /// Everything a rehearsal must not change on the source.
  std::string SourceState() const {
    ToolResult dump = RunTool(LocalPostgres::FindServerBinDir() + "/pg_dump",
                              {"--schema-only", "--dbname=" +
                                                    TestCluster().SocketConninfo(db_.name())},
                              {}, true, nullptr, nullptr, nullptr);
    EXPECT_EQ(dump.exit_code, 0);
    std::string schema;
    std::istringstream lines(dump.out);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("\\restrict ", 0) != 0 && line.rfind("\\unrestrict ", 0) != 0)
        schema += line + "\n";
    return schema + db_.Scalar(
        "SELECT (SELECT count(*) || ':' || sum(amount) || ':' || md5(string_agg(status, ',' "
        "ORDER BY id)) FROM accounts) || ' ' || (SELECT count(*) FROM users) || ' ' || "
        "(SELECT string_agg(name, ',' ORDER BY name) FROM \"SequelizeMeta\") || ' ' || "
        "coalesce(to_regclass('slugwright_migrations')::text, 'no slugwright history')");
  }

  /// Nothing left: no file in TMPDIR, no process started there, and the
  /// tool never saw the source.
  void ExpectNothingLeftAndTheSourceUnseen() {
    EXPECT_EQ(DirectoryEntries(Tmp()), std::vector<std::string>{});
    EXPECT_EQ(ProcessesMentioning(Tmp()), std::vector<std::string>{});
    std::string env = ReadWholeFile(tmp_.path() + "/env.out");
    EXPECT_TRUE(Contains(env, "DATABASE_URL=postgres")) << env;
    EXPECT_FALSE(Contains(env, db_.url())) << env;
    EXPECT_FALSE(Contains(env, "PGDATABASE=")) << env;
    EXPECT_FALSE(Contains(env, "HEROKU_POSTGRESQL_RED_URL")) << env;
    EXPECT_TRUE(Contains(env, "PGOPTIONS=-c lock_timeout=5000")) << env;
  }
};

const json* ReportedMigration(const json& report, const std::string& name) {
  for (const json& m : report.at("migrations"))
    if (m.at("name") == name) return &m;
  return nullptr;
}

/// The lint's rule ids for one migration, from what the server saw it run.
std::vector<std::string> LintRules(const json& m) {
  std::vector<std::string> rules;
  for (const json& f : m.at("lint")) rules.push_back(f.at("rule"));
  return rules;
}

bool HasRisk(const json& m, const std::string& kind) {
  for (const json& r : m.at("risks"))
    if (r.at("kind") == kind) return true;
  return false;
}

TEST_F(RehearseCommandPgTest, RealSequelizeCliIsRehearsedAndWatchedFromTheServer) {
  std::string why;
  if (!NpmInstall(&why)) GTEST_SKIP() << why;
  CreateSource();
  std::string before = SourceState();
  WriteMigrations("passing", {{"20240201000000-widen-amount.js", kSequelizeWidenAmount},
                              {"20240202000000-index-status.js", kSequelizeIndexStatus},
                              {"20240203000000-create-projects.js", kCreateProjects}});
  RunResult r = Rehearse("passing");
  ASSERT_EQ(r.code, 0) << r.all();
  json report = json::parse(r.out);
  ASSERT_EQ(3u, report.at("migrations").size()) << report.dump(2);

  const json* widen = ReportedMigration(report, "20240201000000-widen-amount.js");
  ASSERT_NE(widen, nullptr) << report.dump(2);
  EXPECT_TRUE(Contains(widen->at("ddl").dump(), "ALTER TABLE public.accounts")) << *widen;
  EXPECT_TRUE(Contains(widen->at("locks").dump(), "\"ACCESS EXCLUSIVE\"")) << *widen;
  ASSERT_EQ(1u, widen->at("rewrites").size()) << *widen;
  EXPECT_EQ("column type change", widen->at("rewrites")[0].at("reason"));
  EXPECT_GT(widen->at("rewrites")[0].at("bytes_before").get<int64_t>(), 20 << 20);
  EXPECT_TRUE(HasRisk(*widen, "large_rewrite")) << *widen;
  ASSERT_EQ(1u, widen->at("probe").size()) << *widen;
  EXPECT_GT(widen->at("probe")[0].at("read_blocked_seconds").get<double>(), 0) << *widen;
  EXPECT_GT(widen->at("probe")[0].at("write_blocked_seconds").get<double>(), 0) << *widen;

  const json* index = ReportedMigration(report, "20240202000000-index-status.js");
  ASSERT_NE(index, nullptr);
  EXPECT_TRUE(Contains(index->at("ddl").dump(), "CREATE INDEX")) << *index;
  EXPECT_TRUE(HasRisk(*index, "blocking_index_build")) << *index;

  const json* projects = ReportedMigration(report, "20240203000000-create-projects.js");
  ASSERT_NE(projects, nullptr);
  EXPECT_TRUE(Contains(projects->at("created").dump(), "public.projects")) << *projects;
  EXPECT_TRUE(projects->at("risks").empty()) << *projects;
  EXPECT_TRUE(Contains(r.err, "RISK 20240201000000-widen-amount.js: rewrote public.accounts"))
      << r.err;
  // The lint of the statements sequelize sent agrees with that of the same
  // migrations written as SQL files (rehearsal_lint_pg_test.cc).
  EXPECT_EQ(LintRules(*widen), std::vector<std::string>{"alter-column-type"}) << *widen;
  EXPECT_EQ(LintRules(*index), std::vector<std::string>{"create-index-locks-writes"}) << *index;
  EXPECT_EQ(LintRules(*projects), std::vector<std::string>{}) << *projects;
  EXPECT_TRUE(Contains(r.err, "20240202000000-index-status.js: create-index-locks-writes"))
      << r.err;

  EXPECT_EQ(before, SourceState());
  ExpectNothingLeftAndTheSourceUnseen();
}

// An archive restored --schema-only keeps SequelizeMeta's rows, as a dump
// of the database does: sequelize-cli on the copy runs only the pending
// migration. Without them it re-ran the first, whose tables the copy has.
TEST_F(RehearseCommandPgTest, AnArchiveRestoredSchemaOnlyKeepsTheToolsHistory) {
  std::string why;
  if (!NpmInstall(&why)) GTEST_SKIP() << why;
  CreateSource();
  const std::string archive = tmp_.path() + "/latest.dump";
  ToolResult dump = RunTool(LocalPostgres::FindServerBinDir() + "/pg_dump",
                            {"--format=custom", "--file=" + archive,
                             "--dbname=" + TestCluster().SocketConninfo(db_.name())},
                            {}, true, nullptr, nullptr, nullptr);
  ASSERT_EQ(dump.exit_code, 0) << dump.out;
  std::string before = SourceState();
  WriteMigrations("pending", {{"20240203000000-create-projects.js", kCreateProjects}});
  RunResult r = Rehearse("pending", json::object(), {"--from-dump", archive, "--schema-only"});
  ASSERT_EQ(r.code, 0) << r.all();
  json report = json::parse(r.out);
  ASSERT_EQ(1u, report.at("migrations").size()) << report.dump(2);
  const json* projects = ReportedMigration(report, "20240203000000-create-projects.js");
  ASSERT_NE(projects, nullptr) << report.dump(2);
  EXPECT_TRUE(Contains(projects->at("created").dump(), "public.projects")) << *projects;
  EXPECT_EQ(before, SourceState());
  ExpectNothingLeftAndTheSourceUnseen();
}

TEST_F(RehearseCommandPgTest, AFailingSequelizeMigrationIsNamedWithItsSqlstate) {
  std::string why;
  if (!NpmInstall(&why)) GTEST_SKIP() << why;
  CreateSource();
  std::string before = SourceState();
  WriteMigrations("failing", {{"20240204000000-require-email.js", kRequireEmail}});
  RunResult r = Rehearse("failing");
  ASSERT_EQ(r.code, 1) << r.all();
  json report = json::parse(r.out);
  EXPECT_EQ("20240204000000-require-email", report.at("summary").at("failed_migration"))
      << report.dump(2);
  const json* failed = ReportedMigration(report, "20240204000000-require-email");
  ASSERT_NE(failed, nullptr) << report.dump(2);
  EXPECT_EQ("23502", failed->at("error").at("sqlstate")) << *failed;
  EXPECT_TRUE(Contains(failed->at("error").at("message"), "contains null values")) << *failed;
  EXPECT_TRUE(Contains(r.err, "SQLSTATE 23502")) << r.err;
  // The failed statement, from the server's log, is linted too.
  EXPECT_EQ(LintRules(*failed), std::vector<std::string>{"add-column-not-null-without-default"})
      << *failed;

  EXPECT_EQ(before, SourceState());
  ExpectNothingLeftAndTheSourceUnseen();
}

}  // namespace

namespace {

/// sequelize-cli's config as Common's `server/sequelize.json` writes it for
/// production (Heroku Postgres requires SSL and its certificate cannot be
/// verified); `verify` turns the verification on.
std::string CommonSequelizeConfig(bool verify) {
  json ssl = {{"require", true}, {"rejectUnauthorized", verify}};
  return json{{"production",
               {{"use_env_variable", "DATABASE_URL"},
                {"dialect", "postgres"},
                {"dialectOptions", {{"ssl", ssl}}}}}}
      .dump(2);
}

}  // namespace

// Issue 23, item 1: with on_failure: rollback-release, what
// `db:migrate:undo` ran after the failure belongs to the reverts, not to the
// failed migration; the reverted migrations say so and keep their risks.
TEST_F(RehearseCommandPgTest, RollbackReleaseRevertsAreChargedToTheRevertsNotTheFailure) {
  std::string why;
  if (!NpmInstall(&why)) GTEST_SKIP() << why;
  CreateSource();
  std::string before = SourceState();
  WriteMigrations("rollback", {{"20240201000000-index-status.js", kSequelizeIndexStatus},
                               {"20240202000000-widen-amount.js", kSequelizeWidenAmount},
                               {"20240203000000-require-email.js", kRequireEmail}});
  std::string undo = "cd '" + Npm() + "' && node_modules/.bin/sequelize-cli db:migrate:undo "
                     "--url \"$DATABASE_URL\" --migrations-path rollback";
  RunResult r = Rehearse("rollback", {{"on_failure", "rollback-release"},
                                      {"rollback_command", undo},
                                      {"command_history",
                                       {{"table", "SequelizeMeta"},
                                        {"column", "name"},
                                        {"migrations", ""}}}});
  ASSERT_EQ(r.code, 1) << r.all();
  json report = json::parse(r.out);
  const json& summary = report.at("summary");
  EXPECT_EQ("20240203000000-require-email", summary.at("failed_migration")) << report.dump(2);
  EXPECT_EQ(0, summary.at("applied")) << summary;
  EXPECT_EQ(2, summary.value("reverted", -1)) << summary;
  EXPECT_EQ(2, summary.at("rolled_back")) << summary;

  const json* failed = ReportedMigration(report, "20240203000000-require-email");
  const json* index = ReportedMigration(report, "20240201000000-index-status.js");
  const json* widen = ReportedMigration(report, "20240202000000-widen-amount.js");
  ASSERT_TRUE(failed && index && widen) << report.dump(2);
  // The failed migration: its own statement only, its own time.
  EXPECT_EQ(LintRules(*failed), std::vector<std::string>{"add-column-not-null-without-default"})
      << *failed;
  EXPECT_FALSE(Contains(failed->at("ddl").dump(), "public.accounts")) << *failed;
  EXPECT_TRUE(failed->at("locks").empty() || !Contains(failed->at("locks").dump(), "accounts"))
      << *failed;
  // The reverts: what db:migrate:undo ran, newest first.
  EXPECT_EQ("reverted", widen->at("status")) << *widen;
  EXPECT_EQ("reverted", index->at("status")) << *index;
  ASSERT_TRUE(widen->contains("revert")) << *widen;
  EXPECT_TRUE(Contains(widen->at("revert").at("ddl").dump(), "ALTER TABLE public.accounts"))
      << *widen;
  EXPECT_EQ(1u, widen->at("revert").at("rewrites").size()) << *widen;
  ASSERT_TRUE(index->contains("revert")) << *index;
  EXPECT_TRUE(Contains(index->at("revert").at("ddl").dump(), "DROP INDEX")) << *index;
  EXPECT_LT(failed->at("seconds").get<double>(),
            widen->at("revert").at("seconds").get<double>())
      << report.dump(2);
  // What they did when applied is still theirs, risks included.
  EXPECT_TRUE(HasRisk(*index, "blocking_index_build")) << *index;
  EXPECT_TRUE(HasRisk(*widen, "large_rewrite")) << *widen;
  EXPECT_EQ(LintRules(*widen), std::vector<std::string>{"alter-column-type"}) << *widen;

  EXPECT_TRUE(Contains(r.err, "20240202000000-widen-amount.js was reverted with: ")) << r.err;
  EXPECT_TRUE(Contains(r.err, "Rehearsal failed: 20240203000000-require-email failed on the "
                              "copy, 2 applied before it, all reverted by on_failure: "
                              "rollback-release"))
      << r.err;
  // Item 4: no command is advised (it would run against the source).
  EXPECT_FALSE(Contains(r.all(), "migrate down")) << r.all();
  EXPECT_FALSE(Contains(r.all(), "by hand")) << r.all();

  EXPECT_EQ(before, SourceState());
  ExpectNothingLeftAndTheSourceUnseen();
}

// Issue 23, item 3: Common's own release (sequelize `use_env_variable`, SSL
// required, the certificate not verified) on its fully migrated database:
// the copy serves SSL, the tool connects as in production and finds nothing
// to do, and the report does not invent a pending count.
TEST_F(RehearseCommandPgTest, CommonsSslConfigConnectsToTheCopy) {
  std::string why;
  if (!NpmInstall(&why)) GTEST_SKIP() << why;
  CreateSource();
  std::string before = SourceState();
  WriteMigrations("common", {});
  tmp_.Write("npm/server/sequelize.json", CommonSequelizeConfig(false));
  RunResult r = RehearseCommand("env > '" + tmp_.path() + "/env.out' && cd '" + Npm() +
                                "' && NODE_ENV=production node_modules/.bin/sequelize-cli "
                                "db:migrate --config server/sequelize.json --migrations-path "
                                "common");
  ASSERT_EQ(r.code, 0) << r.all();
  json report = json::parse(r.out);
  EXPECT_EQ(true, report.at("copy").at("ssl")) << report.dump(2);
  EXPECT_TRUE(report.at("summary").at("pending").is_null()) << report.dump(2);
  EXPECT_EQ(0, report.at("summary").at("failed"));
  EXPECT_TRUE(report.at("migrations").empty()) << report.dump(2);
  EXPECT_FALSE(Contains(r.err, "would fail")) << r.err;
  EXPECT_TRUE(Contains(r.err, "Rehearsal report: pending migrations unknown")) << r.err;
  EXPECT_TRUE(Contains(r.err, "Rehearsal passed: the tool exited 0 and recorded no migration "
                              "on the copy"))
      << r.err;

  EXPECT_EQ(before, SourceState());
  ExpectNothingLeftAndTheSourceUnseen();
}

// Issue 23, item 3: a tool that cannot connect to the copy (here: it
// verifies the throwaway self-signed certificate) is reported as such, not
// as a migration that would fail on this data.
TEST_F(RehearseCommandPgTest, AToolThatCannotConnectIsNotAMigrationFailure) {
  std::string why;
  if (!NpmInstall(&why)) GTEST_SKIP() << why;
  CreateSource();
  WriteMigrations("verify", {{"20240204000000-require-email.js", kRequireEmail}});
  tmp_.Write("npm/server/sequelize.json", CommonSequelizeConfig(true));
  RunResult r = RehearseCommand("env > '" + tmp_.path() + "/env.out' && cd '" + Npm() +
                                "' && NODE_ENV=production node_modules/.bin/sequelize-cli "
                                "db:migrate --config server/sequelize.json --migrations-path "
                                "verify");
  ASSERT_EQ(r.code, 1) << r.all();
  json report = json::parse(r.out);
  EXPECT_TRUE(report.at("summary").at("failed_migration").is_null()) << report.dump(2);
  EXPECT_TRUE(report.at("migrations").empty()) << report.dump(2);
  EXPECT_TRUE(report.at("summary").at("pending").is_null()) << report.dump(2);
  EXPECT_TRUE(Contains(report.at("summary").value("tool_connect_error", json()).dump(),
                       "certificate"))
      << report.dump(2);
  EXPECT_TRUE(Contains(r.err, "the tool could not connect to the copy: ")) << r.err;
  EXPECT_FALSE(Contains(r.err, "would fail")) << r.err;
  ExpectNothingLeftAndTheSourceUnseen();
}
