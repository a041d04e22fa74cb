// `migrate adopt` and the refusal to start over on another tool's
// database, against the in-memory driver (no database).

#include "tools/adopt.h"

#include <functional>
#include <gtest/gtest.h>
#include <sstream>

#include "base/exit_codes.h"
#include "migrate/migrator.h"
#include "testing/migrator_fixture.h"

namespace {

struct AdoptTest : public MigratorFixture {
  MigratorContext context{&source, &driver, &runner, &redactor, &clock, nullptr, &options};

  AdoptTest() {
    for (int v = 1; v <= 3; ++v) source.Add(v, "CREATE TABLE t" + std::to_string(v) + " (id int);");
  }
  void Dbmate(std::vector<std::vector<std::string>> rows) {
    driver.foreign_tables["schema_migrations"] = {{"version"}, rows};
  }
  int Adopt(AdoptOptions o = {}) {
    return AdoptForeignHistory(context, &adopt_events, source.migrations, o);
  }
  /// The exit code of the UserError `f` throws; fails the test when none.
  int CodeOf(std::function<void()> f, std::string* message = nullptr) {
    try {
      f();
    } catch (const UserError& e) {
      if (message) *message = e.what();
      return e.code();
    }
    ADD_FAILURE() << "no UserError";
    return 0;
  }
};

}  // namespace

TEST_F(AdoptTest, RecordsWhatTheToolAppliedInOneTransactionUnderTheLock) {
  Dbmate({{"1"}, {"2"}});
  ASSERT_EQ(Adopt(), kExitOk);
  EXPECT_EQ(driver.history.size(), 2u);
  EXPECT_EQ(driver.history[2].checksum, "sha256:CREATE TABLE t2 (id int);");
  EXPECT_LT(driver.IndexOf("begin"), driver.IndexOf("adopt 1"));
  EXPECT_LT(driver.IndexOf("event adopted"), driver.IndexOf("commit"));
  EXPECT_EQ(driver.calls["try_lock"], 1);
  EXPECT_FALSE(driver.locked);
  EXPECT_NE(out.str().find("migrations/2_m2.sql -> dbmate's `schema_migrations` version '2'"),
            std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("3_m3.sql: pending"), std::string::npos) << out.str();
}

TEST_F(AdoptTest, RerunRecordsNothing) {
  Dbmate({{"1"}, {"2"}});
  ASSERT_EQ(Adopt(), kExitOk);
  driver.log.clear();
  ASSERT_EQ(Adopt(), kExitOk);
  EXPECT_FALSE(driver.Logged("begin"));
  EXPECT_NE(out.str().find("Nothing to adopt"), std::string::npos) << out.str();
}

TEST_F(AdoptTest, DryRunShowsTheMappingAndWritesNothing) {
  Dbmate({{"1"}});
  AdoptOptions o;
  o.dry_run = true;
  ASSERT_EQ(Adopt(o), kExitOk);
  EXPECT_TRUE(driver.history.empty());
  EXPECT_FALSE(driver.history_exists);
  EXPECT_EQ(driver.calls["try_lock"], 0);
  EXPECT_NE(out.str().find("1_m1.sql -> dbmate's `schema_migrations` version '1'"),
            std::string::npos);
}

TEST_F(AdoptTest, DirtyGolangMigrateIsRefusedNamingMigrateForce) {
  driver.foreign_tables["schema_migrations"] = {{"version", "dirty"}, {{"2", "true"}}};
  std::string message;
  EXPECT_EQ(CodeOf([&] { Adopt(); }, &message), kExitIntegrity);
  EXPECT_NE(message.find("`migrate force 2`"), std::string::npos) << message;
  EXPECT_TRUE(driver.history.empty());
}

TEST_F(AdoptTest, SeveralToolsNeedFrom) {
  Dbmate({{"1"}});
  driver.foreign_tables["knex_migrations"] = {{"id", "name"}, {{"1", "2_b.js"}}};
  std::string message;
  EXPECT_EQ(CodeOf([&] { Adopt(); }, &message), kExitUsage);
  EXPECT_NE(message.find("--from knex"), std::string::npos) << message;
  AdoptOptions o;
  o.from = "knex";
  ASSERT_EQ(Adopt(o), kExitOk);
  EXPECT_EQ(driver.history.count(2), 1u);
  EXPECT_EQ(driver.history.count(1), 0u);
}

TEST_F(AdoptTest, NoToolTableWithoutVersionIsRefused) {
  EXPECT_EQ(CodeOf([&] { Adopt(); }), kExitUsage);
  AdoptOptions o;
  o.has_version = true;
  o.version = 2;
  ASSERT_EQ(Adopt(o), kExitOk);
  EXPECT_EQ(driver.history.size(), 2u);
}

TEST_F(AdoptTest, UpRefusesBeforeAnyDdlWhileAnotherToolsHistoryExists) {
  Dbmate({{"1"}});
  Migrator m(&source, &driver, &runner, &redactor, &clock, nullptr, options);
  std::string message;
  EXPECT_EQ(CodeOf([&] { m.Up(false); }, &message), kExitIntegrity);
  EXPECT_NE(message.find("slugwright migrate adopt"), std::string::npos) << message;
  EXPECT_EQ(driver.calls["create_tables"], 0);
  EXPECT_FALSE(driver.Logged("up 1"));
  EXPECT_EQ(CodeOf([&] { m.Up(true); }), kExitIntegrity);
  // Adopted, `up` applies only what is new.
  ASSERT_EQ(Adopt(), kExitOk);
  ASSERT_EQ(m.Up(false), kExitOk);
  EXPECT_FALSE(driver.Logged("up 1"));
  EXPECT_TRUE(driver.Logged("up 2"));
}
