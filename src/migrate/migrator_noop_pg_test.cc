// `up` with nothing to do, end to end on real PostgreSQL: applied files
// are only hashed (a down section that no longer lexes does not stop the
// run), the migration lock is taken only when something is pending, and
// the history is read again under the lock, so a runner that waited for
// another finds nothing left and applies nothing twice.

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <thread>

#include "testing/pg_fixture.h"
#include "testing/test_util.h"

namespace {

class NoOpTest : public SlugwrightPgTest {
 protected:
  void WriteTwo() {
    WriteMigration("20240101000000_a.sql",
                   "-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n");
    WriteMigration("20240102000000_b.sql",
                   "-- migrate:up\nCREATE TABLE b (id int);\n\n-- migrate:down\nDROP TABLE b;\n");
  }
  int Events(const std::string& event) {
    return db_.Count("SELECT count(*) FROM slugwright_migrations_events WHERE event = '" +
                     event + "'");
  }
};

/// The line of `text` holding `part`, or "".
std::string LineWith(const std::string& text, const std::string& part) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (Contains(line, part)) return line;
  return "";
}

/// The modification time of `path`.
struct timespec ModificationTime(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(0, stat(path.c_str(), &st)) << path;
  return st.st_mtim;
}

/// Sets the modification time of `path` (and its access time to now).
void SetModificationTime(const std::string& path, struct timespec mtime) {
  struct timespec times[2] = {{0, UTIME_NOW}, mtime};
  ASSERT_EQ(0, utimensat(AT_FDCWD, path.c_str(), times, 0)) << path;
}

}  // namespace

TEST_F(NoOpTest, NothingPendingTakesNoLock) {
  WriteTwo();
  ASSERT_EQ(Run(Up()).code, 0);
  int started = Events("run_started");
  // Another session holds the migration lock: a no-op does not need it.
  auto holder = db_.Connect();
  holder->Query("SELECT pg_advisory_lock(" + MigrationLockArguments() + ")");
  RunResult r = Run(Up({"--lock-wait", "0"}));
  EXPECT_EQ(r.code, 0) << r.all();
  EXPECT_TRUE(Contains(r.out, "up to date")) << r.out;
  EXPECT_EQ(Events("run_started"), started);
  EXPECT_EQ(db_.MigrationLocks(true), 1);  // only the holder's
  // With something pending the lock is needed, and refused at once.
  WriteMigration("20240103000000_c.sql", "-- migrate:up\nCREATE TABLE c (id int);\n");
  RunResult pending = Run(Up({"--lock-wait", "0"}));
  EXPECT_EQ(pending.code, 3) << pending.all();
  EXPECT_FALSE(db_.Exists("c"));
}

TEST_F(NoOpTest, AnAppliedFileIsNotLexedButAPendingOneIs) {
  WriteTwo();
  ASSERT_EQ(Run(Up()).code, 0);
  // The down section is not part of the checksum: breaking it is not an
  // edit of the applied migration, and `up` never runs it.
  WriteMigration("20240101000000_a.sql",
                 "-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nSELECT 'x;\n");
  RunResult noop = Run(Up());
  EXPECT_EQ(noop.code, 0) << noop.all();
  EXPECT_TRUE(Contains(noop.out, "up to date")) << noop.out;
  // `migrate down` reads every file in full and still reports it.
  RunResult down = Run({"migrate", "down", "1", "--dir", Dir()});
  EXPECT_EQ(down.code, 2) << down.all();
  EXPECT_TRUE(Contains(down.err, "20240101000000_a.sql:5: unterminated quoted string")) << down.err;
  // A pending file is split before anything runs (or any lock is taken).
  WriteMigration("20240103000000_c.sql",
                 "-- migrate:up\nCREATE TABLE c (id int);\nSELECT 'unclosed;\n");
  auto holder = db_.Connect();
  holder->Query("SELECT pg_advisory_lock(" + MigrationLockArguments() + ")");
  RunResult pending = Run(Up({"--lock-wait", "0"}));
  EXPECT_EQ(pending.code, 2) << pending.all();
  EXPECT_TRUE(Contains(pending.err, "20240103000000_c.sql:3: unterminated quoted string"))
      << pending.err;
  EXPECT_FALSE(db_.Exists("c"));
  EXPECT_EQ(db_.HistoryCount(), 2);
}

TEST_F(NoOpTest, ChangedAndRenamedAppliedFilesAreStillCaught) {
  WriteTwo();
  ASSERT_EQ(Run(Up()).code, 0);
  WriteMigration("20240101000000_a.sql",
                 "-- migrate:up\nCREATE TABLE a (id bigint);\n\n-- migrate:down\nDROP TABLE a;\n");
  RunResult changed = Run(Up());
  EXPECT_EQ(changed.code, 4) << changed.all();
  EXPECT_TRUE(Contains(changed.err, "was changed after it was applied")) << changed.err;
  WriteMigration("20240101000000_a.sql",
                 "-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n");
  std::remove((Dir() + "/20240102000000_b.sql").c_str());
  WriteMigration("20240105000000_b_renamed.sql",
                 "-- migrate:up\nCREATE TABLE b (id int);\n\n-- migrate:down\nDROP TABLE b;\n");
  RunResult renamed = Run(Up());
  EXPECT_EQ(renamed.code, 4) << renamed.all();
  EXPECT_TRUE(Contains(renamed.err, "looks renamed")) << renamed.err;
  EXPECT_EQ(db_.HistoryCount(), 2);
}

TEST_F(NoOpTest, ARunnerThatWaitedForTheLockReadsTheHistoryAgainAndFindsNothing) {
  WriteMigration("20240101000000_slow.sql",
                 "-- migrate:up\nCREATE TABLE slow (id int);\nSELECT pg_sleep(2);\n");
  RunningProcess first = Start(Up());
  ASSERT_NE(db_.WaitForRunnerRunning("pg_sleep"), 0);
  // The second finds the migration pending (the first has not committed),
  // so it waits for the lock; once it has it, nothing is left.
  RunningProcess second = Start(Up({"--lock-wait", "30s"}));
  RunResult a = first.Wait(60);
  RunResult b = second.Wait(60);
  ASSERT_EQ(a.code, 0) << a.all();
  ASSERT_EQ(b.code, 0) << b.all();
  EXPECT_TRUE(Contains(a.out, "Applied 1 migration")) << a.out;
  EXPECT_TRUE(Contains(b.out, "up to date")) << b.out;
  EXPECT_EQ(Events("applied"), 1);
  EXPECT_EQ(db_.HistoryCount(), 1);
  // Only the first started a run: the second found nothing under the lock.
  EXPECT_EQ(Events("run_started"), 1);
}

TEST_F(NoOpTest, OnADatabaseWithStandardConformingStringsOffAPendingFileIsSplitAsTheServerReadsIt) {
  db_.Exec("ALTER DATABASE " + db_.name() + " SET standard_conforming_strings = off");
  WriteMigration("20240101000000_t.sql", "-- migrate:up\nCREATE TABLE t (v text);\n");
  ASSERT_EQ(Run(Up()).code, 0);
  // Pending on the no-op path's first history read: one string on this
  // database, cut in two (and unterminated) with the default.
  WriteMigration("20240102000000_seed.sql",
                 "-- migrate:up transaction:false\n"
                 "INSERT INTO t VALUES ('a\\'; b');\n"
                 "INSERT INTO t VALUES ('c');\n");
  RunResult up = Run(Up());
  ASSERT_EQ(up.code, 0) << up.all();
  EXPECT_EQ(db_.Count("SELECT count(*) FROM t WHERE v = 'a''; b'"), 1);
  EXPECT_EQ(db_.Count("SELECT count(*) FROM t"), 2);
  RunResult again = Run(Up());
  EXPECT_EQ(again.code, 0) << again.all();
  EXPECT_TRUE(Contains(again.out, "up to date")) << again.out;
}

// The migrations manifest (`migrate manifest`, as bin/compile writes into a
// slug): a file edited after it, to the same size, is read and its checksum
// mismatch reported exactly as without a manifest.
TEST_F(NoOpTest, AnAppliedFileEditedAfterTheManifestIsCaughtAsWithoutOne) {
  WriteTwo();
  ASSERT_EQ(Run(Up()).code, 0);
  RunResult manifest = Run({"migrate", "manifest", "--dir", Dir()});
  ASSERT_EQ(manifest.code, 0) << manifest.all();
  EXPECT_TRUE(Contains(manifest.out, "Wrote .slugwright/migrations.manifest: 2 migration files"))
      << manifest.out;
  RunResult fresh = Run(Up());
  EXPECT_EQ(fresh.code, 0) << fresh.all();
  EXPECT_TRUE(Contains(fresh.out, "up to date")) << fresh.out;
  EXPECT_FALSE(Contains(fresh.all(), "manifest")) << fresh.all();

  // The same size, and a later time, as an edit gives it.
  const std::string a = Dir() + "/20240101000000_a.sql";
  struct timespec built = ModificationTime(a);
  WriteMigration("20240101000000_a.sql",
                 "-- migrate:up\nCREATE TABLE a (ix int);\n\n-- migrate:down\nDROP TABLE a;\n");
  SetModificationTime(a, {built.tv_sec + 7, built.tv_nsec});
  RunResult with_manifest = Run(Up());
  EXPECT_EQ(with_manifest.code, 4) << with_manifest.all();
  std::string mismatch = LineWith(with_manifest.err, "was changed after it was applied");
  EXPECT_NE("", mismatch) << with_manifest.err;
  ASSERT_EQ(0, std::remove((tmp_.path() + "/.slugwright/migrations.manifest").c_str()));
  RunResult without = Run(Up());
  EXPECT_EQ(without.code, 4) << without.all();
  EXPECT_EQ(mismatch, LineWith(without.err, "was changed after it was applied"));
  EXPECT_EQ(db_.HistoryCount(), 2);
}

// The manifest is what the no-op reads: a same-size edit that also keeps
// the file's time (no editor does) is taken from it unread; a broken
// manifest costs only the reading, said once.
TEST_F(NoOpTest, AFreshManifestIsUsedAndABrokenOneOnlyCostsTheReading) {
  WriteTwo();
  ASSERT_EQ(Run(Up()).code, 0);
  ASSERT_EQ(Run({"migrate", "manifest", "--dir", Dir()}).code, 0);
  const std::string a = Dir() + "/20240101000000_a.sql";
  struct timespec built = ModificationTime(a);
  WriteMigration("20240101000000_a.sql",
                 "-- migrate:up\nCREATE TABLE a (ix int);\n\n-- migrate:down\nDROP TABLE a;\n");
  SetModificationTime(a, built);
  RunResult trusted = Run(Up());
  EXPECT_EQ(trusted.code, 0) << trusted.all();
  EXPECT_TRUE(Contains(trusted.out, "up to date")) << trusted.out;

  tmp_.Write(".slugwright/migrations.manifest", "{\"format\": \"slugwright-migrations-manifest\"");
  RunResult broken = Run(Up());
  EXPECT_EQ(broken.code, 4) << broken.all();
  EXPECT_TRUE(Contains(broken.err, "was changed after it was applied")) << broken.err;
  const std::string warning = "the migrations manifest .slugwright/migrations.manifest is not "
                              "usable (line 1: expected `# slugwright-migrations-manifest 1`); reading every "
                              "migration file instead";
  size_t at = broken.all().find(warning);
  EXPECT_NE(std::string::npos, at) << broken.all();
  EXPECT_EQ(std::string::npos, broken.all().find(warning, at + 1)) << broken.all();
}
