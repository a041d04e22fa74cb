// `slugwright rehearse` end to end: the real binary (SLUGWRIGHT_BIN) run
// against a source database of a few hundred thousand rows on the shared
// test cluster (pg_test_main.cc), its history at an earlier version. Every
// test checks that the source is unchanged afterwards (schema dump, row
// counts, history rows) and that no server, scratch database or temporary
// file is left behind.

#include <sys/stat.h>

#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "postgres/local_postgres.h"
#include "rehearse/rehearsal_copy.h"
#include "testing/pg_fixture.h"
#include "testing/process_harness.h"
#include "testing/test_util.h"

namespace {

// The migrations the source has applied, then the pending ones.
const std::map<std::string, std::string> kApplied = {
    {"20240101000000_create_customers.sql",
     "-- migrate:up\nCREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, "
     "email text);\n-- migrate:down\nDROP TABLE customers;\n"},
    {"20240102000000_create_orders.sql",
     "-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL "
     "REFERENCES customers, amount integer NOT NULL, status text NOT NULL, created_at "
     "timestamptz NOT NULL DEFAULT now());\nCREATE INDEX orders_customer_id_idx ON orders "
     "(customer_id);\n-- migrate:down\nDROP TABLE orders;\n"},
    {"20240103000000_create_audit_log.sql",
     "-- migrate:up\nCREATE TABLE audit_log (id bigserial PRIMARY KEY, at timestamptz NOT NULL "
     "DEFAULT now(), message text);\n-- migrate:down\nDROP TABLE audit_log;\n"},
};
const char* kWiden =
    "-- migrate:up\nALTER TABLE orders ALTER COLUMN amount TYPE bigint;\n"
    "-- migrate:down\nALTER TABLE orders ALTER COLUMN amount TYPE integer;\n";
const char* kIndexStatus =
    "-- migrate:up\nCREATE INDEX orders_status_idx ON orders (status);\n"
    "-- migrate:down\nDROP INDEX orders_status_idx;\n";
const char* kIndexConcurrently =
    "-- migrate:up transaction:false\n"
    "CREATE INDEX CONCURRENTLY orders_created_at_idx ON orders (created_at);\n"
    "-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY orders_created_at_idx;\n";
const char* kCoupons =
    "-- migrate:up\nCREATE TABLE coupons (id bigserial PRIMARY KEY, code text NOT NULL UNIQUE, "
    "percent integer NOT NULL);\n-- migrate:down\nDROP TABLE coupons;\n";
const char* kNotNull =
    "-- migrate:up\nALTER TABLE orders ADD COLUMN priority integer NOT NULL;\n"
    "-- migrate:down\nALTER TABLE orders DROP COLUMN priority;\n";
const char* kLater = "-- migrate:up\nCREATE TABLE later (id integer);\n";

const int kCustomers = 40000;
const int kOrders = 250000;
const int kAuditRows = 60000;

/// Everything observable about the source that a rehearsal must not change.
struct SourceState {
  std::string schema;
  std::string counts;
  std::string history;
  bool operator==(const SourceState& o) const {
    return schema == o.schema && counts == o.counts && history == o.history;
  }
};

class RehearseTest : public ::testing::Test {
 protected:
  /// The source: created once for the suite (the tests never change it,
  /// which is what they check).
  static void SetUpTestSuite() {
    source_url_ = new std::string(FreshDatabaseUrl(source_name_ = new std::string));
    ScopedTempDir dir;
    for (const auto& [file, sql] : kApplied) dir.Write("m/" + file, sql);
    ProcessHarness setup(dir.path());
    RunResult up = setup.RunSlugwright(
        {"migrate", "up", "--dir", dir.path() + "/m", "--database-url", *source_url_});
    ASSERT_EQ(up.code, 0) << up.all();
    PgDatabase source(*source_url_, *source_name_);
    source.Exec("INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com' "
              "FROM generate_series(1, " + std::to_string(kCustomers) + ") g");
    source.Exec("INSERT INTO orders (id, customer_id, amount, status, created_at) SELECT g, "
              "1 + g % " + std::to_string(kCustomers) + ", g % 1000, (ARRAY['new', 'paid', "
              "'shipped'])[1 + g % 3], now() - g * interval '1 minute' FROM generate_series(1, " +
              std::to_string(kOrders) + ") g");
    source.Exec("INSERT INTO audit_log (message) SELECT 'event ' || g FROM generate_series(1, " +
              std::to_string(kAuditRows) + ") g");
  }

  void SetUp() override {
    ASSERT_FALSE(SlugwrightBinary().empty()) << "SLUGWRIGHT_BIN must name the slugwright binary";
    ASSERT_NE(source_url_, nullptr);
    before_ = Snapshot();
    ASSERT_NE(before_.counts, "");
  }

  void TearDown() override {
    // The source is unchanged, byte for byte where it can be compared.
    SourceState after = Snapshot();
    EXPECT_EQ(after.schema, before_.schema) << "the source's schema changed";
    EXPECT_EQ(after.counts, before_.counts);
    EXPECT_EQ(after.history, before_.history);
    // Nothing left: no temporary files (the runs' TMPDIR is empty), no
    // server started there, no scratch database on the cluster.
    EXPECT_EQ(DirectoryEntries(Tmp()), std::vector<std::string>{}) << "left in " << Tmp();
    EXPECT_EQ(ProcessesMentioning(Tmp()), std::vector<std::string>{})
        << "a process still runs in " << Tmp();
    EXPECT_EQ(ScratchDatabases(), std::vector<std::string>{});
  }

  std::string Tmp() { return tmp_.path() + "/tmp"; }

  /// A migrations directory with the applied files and `pending`.
  std::string Migrations(const std::map<std::string, std::string>& pending) {
    std::string dir = "migrations" + std::to_string(++dirs_);
    for (const auto& [file, sql] : kApplied) tmp_.Write(dir + "/" + file, sql);
    for (const auto& [file, sql] : pending) tmp_.Write(dir + "/" + file, sql);
    return tmp_.path() + "/" + dir;
  }

  /// Runs slugwright against the source, with TMPDIR in the test's
  /// directory (so what it leaves there can be seen).
  RunResult Run(const std::vector<std::string>& args) {
    // Under root the throwaway cluster runs as `postgres`, which must be
    // able to reach its directory in TMPDIR, as it can in /tmp.
    ::chmod(tmp_.path().c_str(), 0711);
    ::mkdir(Tmp().c_str(), 0711);
    ::chmod(Tmp().c_str(), 0711);
    slugwright_.env() = {{"DATABASE_URL", *source_url_}, {"TMPDIR", Tmp()}};
    slugwright_.set_secret(TestCluster().password());
    return slugwright_.RunSlugwright(args);
  }

  static std::string Scalar(const std::string& url, const std::string& sql) {
    return PgDatabase(url).Scalar(sql);
  }

  static SourceState Snapshot() {
    SourceState s;
    ToolResult dump = RunTool(LocalPostgres::FindServerBinDir() + "/pg_dump",
                              {"--schema-only", "--dbname=" +
                                                    TestCluster().SocketConninfo(*source_name_)},
                              {}, true, nullptr, nullptr, nullptr);
    EXPECT_EQ(dump.exit_code, 0);
    // Newer pg_dumps fence the script with a random \restrict key.
    std::istringstream lines(dump.out);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind("\\restrict ", 0) != 0 && line.rfind("\\unrestrict ", 0) != 0)
        s.schema += line + "\n";
    EXPECT_NE(s.schema.find("CREATE TABLE public.orders"), std::string::npos);
    s.counts = Scalar(*source_url_,
                      "SELECT (SELECT count(*) FROM customers) || ' ' || (SELECT count(*) FROM "
                      "orders) || ' ' || (SELECT count(*) FROM audit_log) || ' ' || "
                      "(SELECT count(*) FROM slugwright_migrations_events) || ' ' || "
                      "(SELECT sum(amount) FROM orders)");
    s.history = Scalar(*source_url_,
                       "SELECT string_agg(version || ':' || checksum || ':' || state || ':' || "
                       "applied_at, ',' ORDER BY version) FROM slugwright_migrations");
    return s;
  }

  static std::vector<std::string> ScratchDatabases() {
    std::string list = Scalar(TestCluster().Url("postgres"),
                              "SELECT string_agg(datname, ',') FROM pg_database WHERE datname "
                              "LIKE 'slugwright_rehearsal_%'");
    if (list.empty()) return {};
    std::vector<std::string> names;
    std::stringstream in(list);
    for (std::string n; std::getline(in, n, ',');) names.push_back(n);
    return names;
  }

  static const nlohmann::json* Find(const nlohmann::json& list, const std::string& key,
                                    const std::string& value) {
    for (const auto& item : list)
      if (item.value(key, std::string()) == value) return &item;
    return nullptr;
  }

  static std::string* source_url_;
  static std::string* source_name_;
  ScopedTempDir tmp_;
  ProcessHarness slugwright_{tmp_.path()};
  SourceState before_;
  int dirs_ = 0;
};

std::string* RehearseTest::source_url_ = nullptr;
std::string* RehearseTest::source_name_ = nullptr;

}  // namespace

TEST_F(RehearseTest, ReportsTheLocksAndRewritesOfEachPendingMigration) {
  std::string dir = Migrations({{"20240301000000_widen_amount.sql", kWiden},
                                {"20240302000000_index_status.sql", kIndexStatus},
                                {"20240303000000_index_created_at.sql", kIndexConcurrently},
                                {"20240304000000_create_coupons.sql", kCoupons}});
  RunResult r = Run({"rehearse", "--dir", dir, "--json"});
  ASSERT_EQ(r.code, 0) << r.all();
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["copy"]["target"], "embedded");
  EXPECT_EQ(j["summary"]["applied"], 4);
  ASSERT_EQ(j["migrations"].size(), 4u);

  // The type change: ACCESS EXCLUSIVE on orders, which it rewrote.
  const nlohmann::json& widen = j["migrations"][0];
  EXPECT_EQ(widen["name"], "widen_amount");
  EXPECT_EQ(widen["status"], "applied");
  EXPECT_EQ(widen["locks_sampled"], true);
  const nlohmann::json* lock = Find(widen["locks"], "relation", "public.orders");
  ASSERT_NE(lock, nullptr) << widen.dump(2);
  EXPECT_EQ((*lock)["mode"], "ACCESS EXCLUSIVE");
  EXPECT_EQ((*lock)["created"], false);
  const nlohmann::json* rewrite = Find(widen["rewrites"], "relation", "public.orders");
  ASSERT_NE(rewrite, nullptr) << widen.dump(2);
  EXPECT_GT((*rewrite)["bytes"].get<int64_t>(), 5 << 20);
  EXPECT_NE(Find(widen["rewrites"], "relation", "public.orders_pkey"), nullptr);
  const nlohmann::json* rows = Find(widen["tables"], "relation", "public.orders");
  ASSERT_NE(rows, nullptr);
  EXPECT_EQ((*rows)["rows"], kOrders);
  EXPECT_EQ((*rows)["rows_exact"], true);
  EXPECT_NE(Find(widen["risks"], "kind", "large_rewrite"), nullptr) << widen.dump(2);
  // The rate it rewrote orders at, for `migrate lint --rate-from`.
  ASSERT_FALSE(j["rewrite_rate"].is_null()) << r.out;
  EXPECT_EQ(j["rewrite_rate"]["migration"], "20240301000000_widen_amount");
  EXPECT_EQ(j["rewrite_rate"]["relation"], "public.orders");
  EXPECT_EQ(j["rewrite_rate"]["bytes"], (*rewrite)["bytes"]);
  EXPECT_EQ(j["rewrite_rate"]["seconds"], widen["seconds"]);

  // CREATE INDEX: SHARE on orders (blocks writes), a new index, flagged.
  const nlohmann::json& index = j["migrations"][1];
  lock = Find(index["locks"], "relation", "public.orders");
  ASSERT_NE(lock, nullptr) << index.dump(2);
  EXPECT_EQ((*lock)["mode"], "SHARE");
  EXPECT_EQ((*lock)["blocks"], "writes");
  EXPECT_TRUE(index["rewrites"].empty()) << index.dump(2);
  const nlohmann::json* created = Find(index["created"], "relation", "public.orders_status_idx");
  ASSERT_NE(created, nullptr) << index.dump(2);
  EXPECT_GT((*created)["bytes"].get<int64_t>(), 0);
  EXPECT_NE(Find(index["risks"], "kind", "blocking_index_build"), nullptr) << index.dump(2);

  // CREATE INDEX CONCURRENTLY, transaction:false: no locks sampled, the new
  // index seen, not flagged.
  const nlohmann::json& concurrently = j["migrations"][2];
  EXPECT_EQ(concurrently["in_transaction"], false);
  EXPECT_EQ(concurrently["locks_sampled"], false);
  EXPECT_NE(Find(concurrently["created"], "relation", "public.orders_created_at_idx"), nullptr);
  EXPECT_TRUE(concurrently["risks"].empty()) << concurrently.dump(2);

  // A new table: its locks block nobody.
  const nlohmann::json& coupons = j["migrations"][3];
  EXPECT_NE(Find(coupons["created"], "relation", "public.coupons"), nullptr);
  for (const auto& l : coupons["locks"]) EXPECT_EQ(l["created"], true) << coupons.dump(2);
  EXPECT_TRUE(coupons["risks"].empty());

  EXPECT_EQ(j["summary"]["flagged"], 2);
  EXPECT_GT(j["summary"]["release_phase_seconds"].get<double>(), 0);

  // The sessions on the source (slugwright's and pg_dump's, all named
  // "... (read-only)") sent reads only: the cluster logs every statement.
  std::ifstream log(TestCluster().log_path());
  static const std::regex kWrite(
      R"(statement:\s*(INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE|GRANT|REVOKE|VACUUM|ANALYZE|COPY\s+\S+(\s*\([^)]*\))?\s+FROM)\b)",
      std::regex::icase);
  int source_statements = 0;
  for (std::string line; std::getline(log, line);) {
    if (line.find("(read-only)") == std::string::npos || line.find("statement:") == std::string::npos)
      continue;
    ++source_statements;
    EXPECT_FALSE(std::regex_search(line, kWrite)) << line;
  }
  EXPECT_GT(source_statements, 10);  // pg_dump's catalog reads, COPY ... TO stdout, ...
  // The human report went to stderr, one line per migration.
  EXPECT_NE(r.err.find("20240301000000_widen_amount  "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Rehearsal passed"), std::string::npos) << r.err;
}

TEST_F(RehearseTest, MigrationThatFailsOnTheDataExitsOneNamingIt) {
  std::map<std::string, std::string> pending = {
      {"20240304000000_create_coupons.sql", kCoupons},
      {"20240305000000_add_priority.sql", kNotNull},
      {"20240306000000_later.sql", kLater}};
  std::string dir = Migrations(pending);
  RunResult r = Run({"rehearse", "--dir", dir});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_NE(r.err.find("20240305000000_add_priority would fail on this data"), std::string::npos)
      << r.all();
  EXPECT_NE(r.all().find("SQLSTATE 23502"), std::string::npos) << r.all();
  EXPECT_NE(r.out.find("20240306000000_later  not run"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Rehearsal failed: 20240305000000_add_priority"), std::string::npos);

  // The same files apply cleanly to an empty database: only the data
  // makes the migration fail.
  std::string empty = FreshDatabaseUrl();
  RunResult up = Run({"migrate", "up", "--dir", dir, "--database-url", empty});
  EXPECT_EQ(up.code, 0) << up.all();
}

// Issue 23, item 4: after a failure on the copy, the release's advice
// (`slugwright migrate down N` reverts them) would, run against the source,
// revert older migrations that have nothing to do with this release.
TEST_F(RehearseTest, AFailureOnTheCopyAdvisesNoCommandAgainstTheSource) {
  std::string dir = Migrations({{"20240304000000_create_coupons.sql", kCoupons},
                                {"20240305000000_add_priority.sql", kNotNull}});
  RunResult r = Run({"rehearse", "--dir", dir});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_EQ(r.all().find("migrate down"), std::string::npos) << r.all();
  EXPECT_EQ(r.all().find("reverts them"), std::string::npos) << r.all();
  EXPECT_NE(r.all().find("1 migration committed by this run stay applied on the copy"),
            std::string::npos)
      << r.all();
}

// `migrate lint --rate-from` a rehearsal's report estimates a rewrite's
// lock time at the rate that rehearsal measured: for the migration it
// rehearsed, close to the time it took on the copy.
TEST_F(RehearseTest, LintEstimatesLockTimesAtTheRateARehearsalMeasured) {
  std::string dir = Migrations({{"20240301000000_widen_amount.sql", kWiden},
                                {"20240302000000_orders_not_null.sql",
                                 "-- migrate:up\nALTER TABLE orders ALTER COLUMN status SET NOT "
                                 "NULL;\n"}});
  RunResult rehearsal = Run({"rehearse", "--dir", dir, "--json"});
  ASSERT_EQ(rehearsal.code, 0) << rehearsal.all();
  const double rehearsed = nlohmann::json::parse(rehearsal.out)["migrations"][0]["seconds"];
  const std::string report = tmp_.Write("rehearsal.json", rehearsal.out);

  RunResult lint = Run({"migrate", "lint", "--dir", dir, "--database-url", *source_url_,
                        "--rate-from", report, "--json"});
  ASSERT_EQ(lint.code, 1) << lint.all();
  nlohmann::json j = nlohmann::json::parse(lint.out);
  EXPECT_EQ(j["rewrite_rate"]["report_file"], report);
  EXPECT_EQ(j["rewrite_rate"]["relation"], "public.orders");
  const nlohmann::json* widen = Find(j["findings"], "rule", "alter-column-type");
  ASSERT_NE(widen, nullptr) << lint.out;
  double estimate = (*widen)["estimated_lock_seconds"];
  EXPECT_GT(estimate, rehearsed / 5) << lint.out;
  EXPECT_LT(estimate, rehearsed * 5) << lint.out;
  const nlohmann::json* scan = Find(j["findings"], "rule", "set-not-null-scans");
  ASSERT_NE(scan, nullptr) << lint.out;
  EXPECT_GT((*scan)["estimated_lock_seconds"].get<double>(), 0) << lint.out;

  RunResult text = Run({"migrate", "lint", "--dir", dir, "--database-url", *source_url_,
                        "--rate-from", report});
  EXPECT_EQ(text.code, 1) << text.all();
  EXPECT_NE(text.out.find("    lock: ~"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("for the rewrite of "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("    lock: up to ~"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(measured by `slugwright rehearse`: " + report +
                          ", where 20240301000000_widen_amount rewrote public.orders)"),
            std::string::npos)
      << text.out;

  // Without --rate-from nothing is estimated; a file that is not a report
  // with a rate, or no database, is refused (exit 2), naming the file.
  RunResult plain = Run({"migrate", "lint", "--dir", dir, "--database-url", *source_url_});
  EXPECT_EQ(plain.code, 1) << plain.all();
  EXPECT_EQ(plain.out.find("    lock: "), std::string::npos) << plain.out;
  const std::string no_rate = tmp_.Write("no-rate.json", "{\"rewrite_rate\": null}");
  const std::string not_json = tmp_.Write("not.json", "pending: 2\n");
  const std::string other = tmp_.Write("other.json", "{\"findings\": []}");
  for (const auto& [file, says] : std::vector<std::pair<std::string, std::string>>{
           {no_rate, "measured no rewrite rate"},
           {not_json, "not JSON"},
           {other, "no \"rewrite_rate\""},
           {tmp_.path() + "/missing.json", "No such file or directory"}}) {
    RunResult refused = Run({"migrate", "lint", "--dir", dir, "--database-url", *source_url_,
                             "--rate-from", file});
    EXPECT_EQ(refused.code, 2) << refused.all();
    EXPECT_NE(refused.err.find("--rate-from " + file + ": "), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find(says), std::string::npos) << refused.err;
  }
  RunResult no_database = Run({"migrate", "lint", "--dir", dir, "--rate-from", report});
  EXPECT_EQ(no_database.code, 2) << no_database.all();
  EXPECT_NE(no_database.err.find("needs --database-url"), std::string::npos) << no_database.err;
}

TEST_F(RehearseTest, SchemaOnlyCopiesNoRowsSoTheDataFailureDoesNotShow) {
  std::string dir = Migrations({{"20240305000000_add_priority.sql", kNotNull}});
  RunResult r = Run({"rehearse", "--dir", dir, "--schema-only", "--json"});
  EXPECT_EQ(r.code, 0) << r.all();
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["copy"]["schema_only"], true);
  ASSERT_EQ(j["migrations"].size(), 1u);  // the history came along
  EXPECT_EQ(j["migrations"][0]["status"], "applied");
  const nlohmann::json* rows = Find(j["migrations"][0]["tables"], "relation", "public.orders");
  ASSERT_NE(rows, nullptr);
  EXPECT_EQ((*rows)["rows"], 0);
  EXPECT_NE(r.err.find("Schema only: no rows were copied"), std::string::npos) << r.err;
}

TEST_F(RehearseTest, FromDumpIntoAServerDropsItsScratchDatabase) {
  std::string archive = tmp_.path() + "/latest.dump";
  ToolResult dump = RunTool(LocalPostgres::FindServerBinDir() + "/pg_dump",
                            {"-Fc", "--file=" + archive,
                             "--dbname=" + TestCluster().SocketConninfo(*source_name_)},
                            {}, false, nullptr, nullptr, nullptr);
  ASSERT_EQ(dump.exit_code, 0);
  std::string dir = Migrations({{"20240301000000_widen_amount.sql", kWiden},
                                {"20240305000000_add_priority.sql", kNotNull}});
  RunResult r = Run({"rehearse", "--dir", dir, "--from-dump", archive, "--into",
                  TestCluster().Url("postgres"), "--exclude-table-data", "audit_log",
                  "--jobs", "2"});
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_NE(r.err.find("20240305000000_add_priority would fail on this data"), std::string::npos)
      << r.all();
  EXPECT_NE(r.out.find("Restoring " + archive + " (dumped from PostgreSQL"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("Copied without the rows of: audit_log"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("20240301000000_widen_amount  "), std::string::npos);
  EXPECT_NE(r.out.find("public.orders: 250,000 rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Dropped the scratch database slugwright_rehearsal_"), std::string::npos)
      << r.out;
}

TEST_F(RehearseTest, IntoWithKeepLeavesTheMigratedCopyUnderItsPrintedName) {
  std::string dir = Migrations({{"20240301000000_widen_amount.sql", kWiden},
                                {"20240304000000_create_coupons.sql", kCoupons}});
  RunResult r = Run({"rehearse", "--dir", dir, "--into", TestCluster().Url("postgres"), "--keep",
                  "--json", "--exclude-table-data", "public.audit_log"});
  ASSERT_EQ(r.code, 0) << r.all();
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["copy"]["kept"], true);
  std::vector<std::string> kept = ScratchDatabases();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_NE(r.err.find("Kept the scratch database " + kept[0]), std::string::npos) << r.err;
  EXPECT_NE(j["copy"]["database"].get<std::string>().find(kept[0]), std::string::npos);
  std::string copy = TestCluster().Url(kept[0]);
  EXPECT_EQ(Scalar(copy, "SELECT count(*) FROM orders"), std::to_string(kOrders));
  EXPECT_EQ(Scalar(copy, "SELECT count(*) FROM audit_log"), "0");  // excluded
  EXPECT_EQ(Scalar(copy, "SELECT data_type FROM information_schema.columns WHERE table_name "
                         "= 'orders' AND column_name = 'amount'"),
            "bigint");
  EXPECT_EQ(Scalar(copy, "SELECT count(*) FROM slugwright_migrations"), "5");
  TestCluster().DropDatabase(kept[0]);
}

TEST_F(RehearseTest, OlderPgDumpIsRefusedBeforeAnyWorkNamingThePackage) {
  std::string bin = tmp_.path() + "/oldbin";
  for (const char* tool : {"pg_dump", "pg_restore"}) {
    std::string path = tmp_.Write(std::string("oldbin/") + tool,
                                  std::string("#!/bin/sh\necho '") + tool +
                                      " (PostgreSQL) 12.19'\n");
    ::chmod(path.c_str(), 0755);
  }
  std::string dir = Migrations({{"20240301000000_widen_amount.sql", kWiden}});
  RunResult r = Run({"rehearse", "--dir", dir, "--pg-bin-dir", bin});
  EXPECT_EQ(r.code, 2) << r.all();
  EXPECT_NE(r.err.find("pg_dump 12.19"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("postgresql-client-15"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("Starting a throwaway"), std::string::npos) << r.out;
}

TEST_F(RehearseTest, UsageAndInputErrorsExitTwo) {
  std::string dir = Migrations({{"20240301000000_widen_amount.sql", kWiden}});
  RunResult keep = Run({"rehearse", "--dir", dir, "--keep"});
  EXPECT_EQ(keep.code, 2) << keep.all();
  EXPECT_NE(keep.err.find("--keep"), std::string::npos);
  RunResult both = Run({"rehearse", "--dir", dir, "--database-url", "postgres://x@y/z",
                     "--from-dump", "latest.dump"});
  EXPECT_EQ(both.code, 2) << both.all();
  RunResult missing = Run({"rehearse", "--dir", dir, "--from-dump", tmp_.path() + "/none.dump"});
  EXPECT_EQ(missing.code, 2) << missing.all();
  std::string text = tmp_.Write("plain.sql", "CREATE TABLE x (id int);\n");
  RunResult plain = Run({"rehearse", "--dir", dir, "--from-dump", text});
  EXPECT_EQ(plain.code, 2) << plain.all();
  EXPECT_NE(plain.err.find("pg_dump -Fc"), std::string::npos) << plain.err;
  tmp_.Write("broken/20240301000000_broken.sql", "no marker here\n");
  RunResult broken = Run({"rehearse", "--dir", tmp_.path() + "/broken"});
  EXPECT_EQ(broken.code, 2) << broken.all();
}

TEST_F(RehearseTest, NothingPendingCopiesNothing) {
  std::string dir = Migrations({});
  RunResult r = Run({"rehearse", "--dir", dir});
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_NE(r.out.find("nothing to rehearse, nothing was copied"), std::string::npos) << r.out;
}
