// The parts of rehearse's copy that make it fast, on real PostgreSQL:
// ANALYZE in parallel sessions (dump_restore.h AnalyzeTables) and the
// throwaway cluster started in the background while the dump runs
// (scratch_database.h EmbeddedScratchServer).

#include <dirent.h>
#include <sys/stat.h>

#include <cstdlib>
#include <gtest/gtest.h>
#include <sstream>

#include "base/redactor.h"
#include "rehearse/dump_restore.h"
#include "rehearse/scratch_database.h"
#include "testing/pg_fixture.h"
#include "testing/recording_rehearsal_events.h"
#include "testing/test_util.h"

namespace {

TEST(AnalyzeTables, EveryTableOutsideTheSystemSchemasGetsStatistics) {
  PgDatabase db;
  db.Exec("CREATE TABLE small (id int); INSERT INTO small SELECT generate_series(1, 10);"
          "CREATE TABLE big (id int, note text); "
          "INSERT INTO big SELECT g, 'row ' || g FROM generate_series(1, 20000) g;"
          "CREATE SCHEMA \"Other\"; CREATE TABLE \"Other\".\"Mixed Case\" (v text); "
          "INSERT INTO \"Other\".\"Mixed Case\" VALUES ('a'), ('b');"
          "CREATE MATERIALIZED VIEW big_ids AS SELECT id FROM big;"
          "CREATE TABLE parted (k int) PARTITION BY RANGE (k);"
          "CREATE TABLE parted_low PARTITION OF parted FOR VALUES FROM (0) TO (100);"
          "INSERT INTO parted SELECT generate_series(0, 99);");
  ASSERT_EQ(db.Count("SELECT count(*) FROM pg_stats WHERE schemaname IN ('public', 'Other')"), 0);

  AnalyzeTables(db.url(), 2);

  EXPECT_EQ(db.Scalar("SELECT string_agg(DISTINCT schemaname || '.' || tablename, ',' ORDER BY "
                      "schemaname || '.' || tablename) FROM pg_stats WHERE schemaname IN "
                      "('public', 'Other')"),
            "Other.Mixed Case,public.big,public.big_ids,public.parted,public.parted_low,"
            "public.small");
  EXPECT_EQ(db.Scalar("SELECT reltuples::bigint FROM pg_class WHERE relname = 'big'"), "20000");
}

TEST(AnalyzeTables, MoreJobsThanTablesAndNoTablesAreFine) {
  PgDatabase db;
  AnalyzeTables(db.url(), 4);
  db.Exec("CREATE TABLE only_one (id int); INSERT INTO only_one VALUES (1);");
  AnalyzeTables(db.url(), 8);
  EXPECT_EQ(db.Scalar("SELECT reltuples::bigint FROM pg_class WHERE relname = 'only_one'"), "1");
}

TEST(AnalyzeTables, ASessionThatFailsIsReported) {
  PgDatabase db;
  EXPECT_ANY_THROW(AnalyzeTables(db.url() + "_does_not_exist", 2));
}

/// The entries of a directory, "." and ".." left out.
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
  }
  return names;
}

/// Runs with TMPDIR in a fresh directory the `postgres` user can reach
/// (the cluster runs as postgres under root), so the cluster's directory
/// can be seen there.
class EmbeddedScratchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* old = std::getenv("TMPDIR");
    had_tmpdir_ = old != nullptr;
    if (old) old_tmpdir_ = old;
    ::chmod(tmp_.path().c_str(), 0711);
    ::setenv("TMPDIR", tmp_.path().c_str(), 1);
  }
  void TearDown() override {
    if (had_tmpdir_)
      ::setenv("TMPDIR", old_tmpdir_.c_str(), 1);
    else
      ::unsetenv("TMPDIR");
  }

  ScopedTempDir tmp_;
  bool had_tmpdir_ = false;
  std::string old_tmpdir_;
  Redactor redactor_;
  RecordingRehearsalEvents events_;
};

TEST_F(EmbeddedScratchTest, TheClusterStartsInTheBackgroundAndAnswersWhenAsked) {
  EmbeddedScratchServer server(&events_, &redactor_);
  server.Probe();
  {
    std::unique_ptr<ScratchDatabase> scratch = server.Create("UTF8");
    // The first question waits for the cluster.
    PgDatabase copy(scratch->Url());
    EXPECT_EQ(copy.Scalar("SELECT current_database()"), "rehearsal");
    EXPECT_EQ(copy.Scalar("SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE "
                          "datname = 'rehearsal'"),
              "UTF8");
    EXPECT_EQ(Entries(tmp_.path()).size(), 1u);
  }
  EXPECT_EQ(Entries(tmp_.path()), std::vector<std::string>{});
  EXPECT_TRUE(events_.Has("ClusterRemoved")) << testing::PrintToString(events_.events);
}

TEST_F(EmbeddedScratchTest, AClusterNeverAskedForIsRemovedToo) {
  // As when the dump fails while the cluster starts.
  EmbeddedScratchServer server(&events_, &redactor_);
  server.Probe();
  server.Create("UTF8").reset();
  EXPECT_EQ(Entries(tmp_.path()), std::vector<std::string>{});
  EXPECT_TRUE(events_.Has("ClusterRemoved")) << testing::PrintToString(events_.events);
}

}  // namespace
