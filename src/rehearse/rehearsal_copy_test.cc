#include "rehearse/rehearsal_copy.h"

#include <gtest/gtest.h>

#include "postgres/database_url.h"
#include "testing/fake_subprocess.h"

TEST(RehearsalCopy, VersionKeys) {
  EXPECT_EQ(VersionKeyFromNum(150018), 1500);
  EXPECT_EQ(VersionKeyFromNum(100023), 1000);
  EXPECT_EQ(VersionKeyFromNum(90624), 906);
  EXPECT_EQ(VersionKeyFromNum(0), 0);
  EXPECT_EQ(MajorText(1600), "16");
  EXPECT_EQ(MajorText(906), "9.6");
  EXPECT_EQ(ClientPackage(1700), "postgresql-client-17");
  EXPECT_EQ(ClientPackage(906), "postgresql-client-9.6");
}

TEST(RehearsalCopy, ParsesToolAndArchiveVersions) {
  int key = 0;
  std::string version;
  ASSERT_TRUE(ParsePgVersion("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", &key,
                             &version));
  EXPECT_EQ(key, 1500);
  EXPECT_EQ(version, "15.18");
  ASSERT_TRUE(ParsePgVersion("postgres (PostgreSQL) 9.6.24", &key, &version));
  EXPECT_EQ(key, 906);
  EXPECT_EQ(version, "9.6.24");
  ASSERT_TRUE(ParsePgVersion("16.2 (Ubuntu 16.2-1.pgdg22.04+1)", &key, &version));
  EXPECT_EQ(key, 1600);
  EXPECT_EQ(version, "16.2");
  ASSERT_TRUE(ParsePgVersion("pg_dump (PostgreSQL) 18devel", &key, &version));
  EXPECT_EQ(key, 1800);
  EXPECT_FALSE(ParsePgVersion("command not found", &key, &version));
  EXPECT_FALSE(ParsePgVersion("", &key, &version));
}

TEST(RehearsalCopy, PgDumpOlderThanTheServerIsRefusedNamingThePackage) {
  PgTools tools;
  tools.pg_dump = "/usr/lib/postgresql/15/bin/pg_dump";
  tools.dump_version = "15.18";
  tools.dump_version_key = 1500;
  std::string message = PgDumpTooOld(tools, 1600, "16.4");
  EXPECT_NE(message.find("pg_dump 15.18"), std::string::npos) << message;
  EXPECT_NE(message.find("PostgreSQL 16.4"), std::string::npos) << message;
  EXPECT_NE(message.find("postgresql-client-16"), std::string::npos) << message;
  EXPECT_NE(message.find("--pg-bin-dir"), std::string::npos) << message;
  EXPECT_EQ(PgDumpTooOld(tools, 1500, "15.2"), "");
  EXPECT_EQ(PgDumpTooOld(tools, 1300, "13.9"), "");  // newer pg_dump dumps older servers
}

namespace {

const char* kListing =
    ";\n"
    "; Archive created at 2024-11-24 09:04:00 UTC\n"
    ";     dbname: src\n"
    ";     Dump Version: 1.14-0\n"
    ";     Format: CUSTOM\n"
    ";     Dumped from database version: 16.2 (Debian 16.2-1.pgdg120+2)\n"
    ";     Dumped by pg_dump version: 16.2 (Debian 16.2-1.pgdg120+2)\n"
    ";\n"
    "; Selected TOC Entries:\n"
    ";\n"
    "214; 1259 16385 TABLE public customers app\n"
    "215; 1259 16392 TABLE public orders app\n"
    "216; 1259 16400 TABLE public slugwright_migrations app\n"
    "217; 1259 16401 TABLE audit event_log app\n"
    "3349; 0 16385 TABLE DATA public customers app\n"
    "3350; 0 16392 TABLE DATA public orders app\n"
    "3351; 0 16400 TABLE DATA public slugwright_migrations app\n"
    "3352; 0 16401 TABLE DATA audit event_log app\n"
    "3202; 2606 16391 CONSTRAINT public customers customers_pkey app\n"
    "3203; 1259 16405 INDEX public orders_customer_id_idx app\n"
    "3206; 2606 16400 FK CONSTRAINT public orders orders_customer_id_fkey app\n"
    "3207; 0 0 COMMENT - EXTENSION plpgsql \n";

/// slugwright's history table, whose rows every filtered restore keeps.
const std::vector<KeptTableData> kSlugwrightHistoryKept = {{"public", "slugwright_migrations"}};

}  // namespace

TEST(RehearsalCopy, ParsesAnArchiveListing) {
  Toc toc = ParseToc(kListing);
  EXPECT_EQ(toc.dumped_from, "16.2 (Debian 16.2-1.pgdg120+2)");
  EXPECT_EQ(toc.dumped_by, "16.2 (Debian 16.2-1.pgdg120+2)");
  ASSERT_EQ(toc.entries.size(), 12u);
  EXPECT_EQ(toc.entries[0].desc, "TABLE");
  EXPECT_EQ(toc.entries[0].schema, "public");
  EXPECT_EQ(toc.entries[0].name, "customers");
  EXPECT_EQ(toc.entries[4].desc, "TABLE DATA");
  EXPECT_EQ(toc.entries[4].name, "customers");
  EXPECT_EQ(toc.entries[7].schema, "audit");
  EXPECT_EQ(toc.entries[10].desc, "FK CONSTRAINT");
  EXPECT_EQ(toc.entries[10].name, "orders orders_customer_id_fkey");
  EXPECT_TRUE(IsPostDataIndexItem("INDEX"));
  EXPECT_TRUE(IsPostDataIndexItem("FK CONSTRAINT"));
  EXPECT_FALSE(IsPostDataIndexItem("TABLE DATA"));
}

TEST(RehearsalCopy, TablePatternsMatchLikePgDump) {
  EXPECT_TRUE(MatchesTablePattern("public.orders", "public", "orders"));
  EXPECT_FALSE(MatchesTablePattern("other.orders", "public", "orders"));
  EXPECT_TRUE(MatchesTablePattern("orders", "anything", "orders"));
  EXPECT_TRUE(MatchesTablePattern("event_*", "audit", "event_log"));
  EXPECT_TRUE(MatchesTablePattern("audit.*", "audit", "event_log"));
  EXPECT_FALSE(MatchesTablePattern("audit.*", "public", "event_log"));
  EXPECT_TRUE(MatchesTablePattern("\"public\".\"Orders\"", "public", "Orders"));
  EXPECT_FALSE(MatchesTablePattern("orders", "public", "orders_archive"));
}

// A `command:` tool's history (sequelize-cli's SequelizeMeta) keeps its rows
// in a schema-only restore of an archive, in whatever schema it was dumped
// from, so the tool on the copy runs only what is pending.
TEST(RehearsalCopy, FilteredListingKeepsAToolsHistoryRowsInAnySchema) {
  Toc toc = ParseToc(std::string(kListing) +
                     "3353; 0 16410 TABLE DATA public SequelizeMeta app\n"
                     "3354; 0 16411 TABLE DATA app SequelizeMeta app\n"
                     "3355; 0 16412 TABLE DATA public SequelizeData app\n");
  std::vector<KeptTableData> kept = kSlugwrightHistoryKept;
  kept.push_back({"", "SequelizeMeta"});
  FilteredToc schema = FilterToc(toc, true, {"Sequelize*"}, kept);
  EXPECT_EQ(schema.tables_with_data, 3);
  EXPECT_NE(schema.list.find("\n3353; 0 16410 TABLE DATA public SequelizeMeta app\n"),
            std::string::npos)
      << schema.list;
  EXPECT_NE(schema.list.find("\n3354; 0 16411 TABLE DATA app SequelizeMeta app\n"),
            std::string::npos);
  EXPECT_NE(schema.list.find(";3355; 0 16412 TABLE DATA public SequelizeData app\n"),
            std::string::npos);
  // Without it, as before the tool's table was named: the rows are dropped.
  EXPECT_NE(FilterToc(toc, true, {}, kSlugwrightHistoryKept).list.find(";3353;"), std::string::npos);
}

TEST(RehearsalCopy, FilteredListingKeepsTheHistoryRowsAlways) {
  Toc toc = ParseToc(kListing);
  FilteredToc all = FilterToc(toc, false, {}, kSlugwrightHistoryKept);
  EXPECT_EQ(all.excluded, 0);
  EXPECT_EQ(all.tables_with_data, 4);
  EXPECT_EQ(all.post_data_items, 3);

  FilteredToc schema = FilterToc(toc, true, {}, kSlugwrightHistoryKept);
  EXPECT_EQ(schema.excluded, 3);
  EXPECT_EQ(schema.tables_with_data, 1);
  EXPECT_NE(schema.list.find("\n3351; 0 16400 TABLE DATA public slugwright_migrations app\n"),
            std::string::npos);
  EXPECT_NE(schema.list.find(";3350; 0 16392 TABLE DATA public orders app\n"),
            std::string::npos);
  EXPECT_NE(schema.list.find("\n215; 1259 16392 TABLE public orders app\n"), std::string::npos);

  FilteredToc some = FilterToc(toc, false, {"audit.*", "slugwright_*"}, kSlugwrightHistoryKept);
  EXPECT_EQ(some.excluded, 1);  // event_log; never the history
  EXPECT_EQ(some.tables_with_data, 3);
  EXPECT_NE(some.list.find(";3352; 0 16401 TABLE DATA audit event_log app"), std::string::npos);
}

TEST(RehearsalCopy, ChildConninfoLeavesThePasswordOut) {
  DatabaseTarget target =
      DatabaseTarget::Parse("postgres://app:s3cr3t-pw@db.example.com:6543/d1?sslmode=require");
  std::string conninfo = ChildConninfo(target, {{"application_name", "x y"}});
  EXPECT_EQ(conninfo.find("s3cr3t-pw"), std::string::npos) << conninfo;
  EXPECT_EQ(conninfo.find("password"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("host='db.example.com'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("port='6543'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("dbname='d1'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("sslmode='require'"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("application_name='x y'"), std::string::npos) << conninfo;
}

TEST(RehearsalCopy, ToolsRunWithoutTheCallersPgVariables) {
  ::setenv("PGOPTIONS", "-c statement_timeout=1", 1);
  ToolResult r = RunTool("/bin/sh", {"-c", "echo \"[$PGOPTIONS][$EXTRA]\"; echo oops: error: x >&2"},
                         {{"EXTRA", "yes"}}, true, nullptr, nullptr, nullptr);
  ::unsetenv("PGOPTIONS");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "[][yes]\n");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0], "oops: error: x");
  ToolResult failed = RunTool("/bin/sh", {"-c", "exit 3"}, {}, false, nullptr, nullptr, nullptr);
  EXPECT_EQ(failed.exit_code, 3);
  EXPECT_FALSE(failed.ok());
}

TEST(RehearsalCopy, ToolsGetAnEnvironmentWithoutPgVariablesAndReportProblems) {
  ::setenv("PGHOST", "elsewhere", 1);
  FakeProcessSpawner spawner;
  FakeProcessSpawner::Script script;
  script.result.exited = true;
  script.result.exit_status = 1;
  script.stderr_lines = {"pg_restore: processing item", "pg_restore: error: boom"};
  spawner.Answer(script);
  std::vector<std::string> seen;
  ToolResult r = RunTool("/usr/bin/pg_restore", {"--list", "x.dump"}, {{"PGPASSWORD", "pw"}},
                         true, [&](const std::string& line) { seen.push_back(line); }, nullptr,
                         nullptr, &spawner);
  ::unsetenv("PGHOST");
  ASSERT_EQ(spawner.calls.size(), 1u);
  EXPECT_EQ(spawner.calls[0].argv,
            (std::vector<std::string>{"/usr/bin/pg_restore", "--list", "x.dump"}));
  EXPECT_EQ(spawner.EnvOf(0, "PGHOST"), "<unset>");
  EXPECT_EQ(spawner.EnvOf(0, "PGPASSWORD"), "pw");
  EXPECT_EQ(spawner.EnvOf(0, "LC_MESSAGES"), "C");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(r.problems, (std::vector<std::string>{"pg_restore: error: boom"}));
}

TEST(RehearsalCopy, AToolThatCannotStartIsReported) {
  ToolResult r = RunTool("/nonexistent/pg_dump", {"--version"}, {}, true, nullptr, nullptr,
                         nullptr);
  EXPECT_EQ(r.exit_code, 127);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0], "could not start /nonexistent/pg_dump: No such file or directory");
}
