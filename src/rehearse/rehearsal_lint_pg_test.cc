// Issue 13's "same findings from `rehearse` and from `migrate lint`": four
// slugwright SQL migrations (a NOT NULL column without a default on a table
// with rows, a type change on a 200,000-row table, an index without
// CONCURRENTLY, a new table) linted by the real binary both ways. The first
// fails on the copy with its SQLSTATE; the findings of all four are in the
// rehearsal's report all the same, worded as `migrate lint` words them.

#include <dirent.h>
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "testing/pg_fixture.h"
#include "testing/test_util.h"

namespace {

using nlohmann::json;

const char* kCreateTablesSql =
    "-- migrate:up\nCREATE TABLE accounts (id integer PRIMARY KEY, status text, amount integer, "
    "padding text);\nCREATE TABLE users (id integer PRIMARY KEY, name text);\n"
    "-- migrate:down\nDROP TABLE users;\nDROP TABLE accounts;\n";

// The four of the issue, in the order a release applies them.
const std::map<std::string, std::string> kPending = {
    {"20240201000000_require_email.sql",
     "-- migrate:up\nALTER TABLE users ADD COLUMN email text NOT NULL;\n"
     "-- migrate:down\nALTER TABLE users DROP COLUMN email;\n"},
    {"20240202000000_widen_amount.sql",
     "-- migrate:up\n-- bigger amounts\nALTER TABLE accounts ALTER COLUMN amount TYPE bigint;\n"
     "-- migrate:down\nALTER TABLE accounts ALTER COLUMN amount TYPE integer;\n"},
    {"20240203000000_index_status.sql",
     "-- migrate:up\nCREATE INDEX accounts_status_idx ON accounts (status);\n"
     "-- migrate:down\nDROP INDEX accounts_status_idx;\n"},
    {"20240204000000_create_projects.sql",
     "-- migrate:up\nCREATE TABLE projects (id bigserial PRIMARY KEY, name text NOT NULL);\n"
     "CREATE INDEX projects_name_idx ON projects (name);\n"
     "-- migrate:down\nDROP TABLE projects;\n"},
};

/// (file, line, rule) of each finding, in order.
std::vector<std::string> Keys(const json& findings) {
  std::vector<std::string> keys;
  for (const json& f : findings)
    keys.push_back(f.at("file").get<std::string>() + ":" + f.at("line").dump() + ": " +
                   f.at("rule").get<std::string>());
  return keys;
}

class RehearsalLintPgTest : public SlugwrightPgTest {
 protected:
  std::string Tmp() const { return tmp_.path() + "/tmp"; }

  /// The source: the tables applied by `migrate up`, then 200,000 accounts
  /// and 50 users; the four pending files written after.
  void CreateSource() {
    WriteMigration("20240101000000_create_tables.sql", kCreateTablesSql);
    RunResult up = Run(Up());
    ASSERT_EQ(up.code, 0) << up.all();
    db_.Exec("INSERT INTO accounts SELECT g, (ARRAY['new', 'open', 'closed'])[1 + g % 3], "
             "g % 1000, repeat('x', 100) FROM generate_series(1, 200000) g");
    db_.Exec("INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 50) g");
    for (const auto& [file, sql] : kPending) WriteMigration(file, sql);
  }

  RunResult Rehearse(const std::vector<std::string>& extra) {
    // The throwaway cluster runs as `postgres`, which must reach TMPDIR.
    ::chmod(tmp_.path().c_str(), 0711);
    ::mkdir(Tmp().c_str(), 0711);
    ::chmod(Tmp().c_str(), 0711);
    std::vector<std::string> args = {"rehearse", "--dir", Dir()};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(args, {{"TMPDIR", Tmp()}});
  }

  std::vector<std::string> TmpEntries() const {
    std::vector<std::string> names;
    if (DIR* d = ::opendir(Tmp().c_str())) {
      while (dirent* e = ::readdir(d))
        if (std::string(e->d_name) != "." && std::string(e->d_name) != "..")
          names.push_back(e->d_name);
      ::closedir(d);
    }
    return names;
  }
};

TEST_F(RehearsalLintPgTest, RehearseAndMigrateLintGiveTheSameFindings) {
  CreateSource();
  std::string history_before = db_.Scalar(
      "SELECT string_agg(version || ':' || checksum, ',' ORDER BY version) FROM "
      "slugwright_migrations");

  RunResult lint = Run({"migrate", "lint", "--dir", Dir(), "--since", "20240101000000",
                        "--json"});
  ASSERT_EQ(lint.code, 1) << lint.all();
  json linted = json::parse(lint.out);
  EXPECT_EQ(linted.at("migrations"), 4) << linted.dump(2);
  EXPECT_EQ(Keys(linted.at("findings")),
            (std::vector<std::string>{
                Dir() + "/20240201000000_require_email.sql:2: add-column-not-null-without-default",
                Dir() + "/20240202000000_widen_amount.sql:3: alter-column-type",
                Dir() + "/20240203000000_index_status.sql:2: create-index-locks-writes"}));
  RunResult lint_text = Run({"migrate", "lint", "--dir", Dir(), "--since", "20240101000000"});
  ASSERT_EQ(lint_text.code, 1) << lint_text.all();

  RunResult r = Rehearse({"--json"});
  // (a) fails on the copy, named, with its SQLSTATE; the exit is the
  // failure's, not the lint's.
  ASSERT_EQ(r.code, 1) << r.all();
  json report = json::parse(r.out);
  EXPECT_EQ(report.at("summary").at("failed_migration"), "20240201000000_require_email");
  const json& failed = report.at("migrations").at(0);
  EXPECT_EQ(failed.at("error").at("sqlstate"), "23502") << failed.dump(2);
  EXPECT_TRUE(Contains(r.err, "SQLSTATE 23502")) << r.err;

  // The same findings, object for object, each on its migration (the three
  // not run included).
  ASSERT_EQ(report.at("migrations").size(), 4u) << report.dump(2);
  json from_rehearse = json::array();
  for (const json& m : report.at("migrations"))
    for (const json& f : m.at("lint")) {
      EXPECT_EQ(f.at("file"), m.at("file")) << m.dump(2);
      from_rehearse.push_back(f);
    }
  EXPECT_EQ(from_rehearse, linted.at("findings"));
  EXPECT_TRUE(report.at("migrations").at(3).at("lint").empty());
  EXPECT_EQ(report.at("lint").at("ran"), true);
  EXPECT_EQ(report.at("lint").at("findings"), 3);
  EXPECT_EQ(report.at("summary").at("lint_findings"), 3);

  // The text report has each finding as `migrate lint` prints it, and the
  // lint ran before anything was copied.
  std::istringstream lines(lint_text.out);
  std::string block;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("    ", 0) != 0 && !block.empty()) {
      EXPECT_TRUE(Contains(r.err, block)) << block << "\n---\n" << r.err;
      block.clear();
    }
    if (line.find(".sql:") != std::string::npos || line.rfind("    ", 0) == 0)
      block += " !     " + line + "\n";
  }
  size_t lint_step = r.err.find("Lint of 4 pending migrations");
  ASSERT_NE(lint_step, std::string::npos) << r.err;
  EXPECT_TRUE(Contains(r.err, "3 findings in 3 of them")) << r.err;
  EXPECT_LT(lint_step, r.err.find("Starting a throwaway PostgreSQL")) << r.err;
  EXPECT_LT(lint_step, r.err.find("Copying ")) << r.err;
  EXPECT_TRUE(Contains(r.err, "3 lint findings")) << r.err;

  // The source is as it was, and nothing is left.
  EXPECT_EQ(history_before, db_.Scalar("SELECT string_agg(version || ':' || checksum, ',' "
                                       "ORDER BY version) FROM slugwright_migrations"));
  EXPECT_EQ("", db_.Scalar("SELECT coalesce(string_agg(attname, ','), '') FROM pg_attribute "
                           "WHERE attrelid = 'users'::regclass AND attname = 'email'"));
  EXPECT_EQ("0", db_.Scalar("SELECT count(*) FROM pg_class WHERE relname IN ('projects', "
                            "'accounts_status_idx')"));
  EXPECT_EQ(TmpEntries(), std::vector<std::string>{});
}

}  // namespace
