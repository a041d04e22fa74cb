// The Migrator's `up` when there may be nothing to do: the history is read
// once and no lock is taken when nothing is pending; with something
// pending the lock is taken and the history read again under it; only
// pending migrations are checked in full (MigrationSource::ReadChecked),
// and every file when the server cannot be reached.

#include <gtest/gtest.h>
#include <set>

#include "base/exit_codes.h"
#include "migrate/migrator.h"
#include "migrate/run_error.h"
#include "testing/migrator_fixture.h"

namespace {

/// A source whose ReadIndex gives unchecked migrations; ReadChecked refuses
/// the versions in `broken` as a file that does not lex would be.
class IndexedSource : public FakeSource {
 public:
  std::set<int64_t> broken;
  std::vector<int64_t> checked;
  /// split_options().standard_conforming_strings at each ReadChecked.
  std::vector<bool> checked_lexing_on;
  int index_reads = 0;
  std::vector<Migration> ReadIndex() override {
    ++index_reads;
    std::vector<Migration> index = migrations;
    for (Migration& m : index) {
      m.sql_checked = false;
      m.up_sql.clear();
    }
    return index;
  }
  Migration ReadChecked(const Migration& indexed) override {
    checked.push_back(indexed.version);
    checked_lexing_on.push_back(split_options().standard_conforming_strings);
    if (broken.count(indexed.version))
      throw UserError(kExitUsage, indexed.up_path + ":2: unterminated quoted string");
    for (const Migration& m : migrations)
      if (m.version == indexed.version) return m;
    throw UserError(kExitUsage, "no such migration");
  }
};

/// A server that refuses every connection.
class UnreachableDriver : public FakeDatabaseDriver {
 public:
  void Connect() override {
    ++calls["connect"];
    throw DatabaseError("could not connect to u@fake:5432/db: Connection refused", "08006", true);
  }
};

/// A server (or database) set to standard_conforming_strings = off.
class StringsOffDriver : public FakeDatabaseDriver {
 public:
  bool StandardConformingStrings() override { return false; }
};

/// A source without an index (ReadIndex is ReadAll): counts its reads.
class CountingSource : public FakeSource {
 public:
  int reads = 0;
  std::vector<Migration> ReadAll() override {
    ++reads;
    return migrations;
  }
};

/// An IndexedSource that also has a record of its files (as a slug's
/// manifest is), giving their versions and checksums when `recorded`.
class RecordedSource : public IndexedSource {
 public:
  bool recorded = true;
  int recorded_reads = 0;
  bool ReadRecordedIndex(std::vector<RecordedMigration>* out) override {
    ++recorded_reads;
    out->clear();
    if (!recorded) return false;
    for (const Migration& m : migrations) out->push_back({m.version, m.checksum});
    return true;
  }
};

struct MigratorNoOpTest : public MigratorFixture {
  RecordedSource indexed;
  MigratorNoOpTest() {
    indexed.recorded = false;
    indexed.Add(1, "CREATE TABLE a (id int);");
    indexed.Add(2, "CREATE TABLE b (id int);");
  }
  /// Records migration 1 as applied, with the checksum of its file.
  void ApplyFirst(FakeDatabaseDriver* d) {
    d->history_exists = true;
    d->history[1] = {};
    d->history[1].version = 1;
    d->history[1].name = "m1";
    d->history[1].checksum = "sha256:CREATE TABLE a (id int);";
    d->history[1].state = MigrationState::kApplied;
  }
  Migrator MakeIndexed(DatabaseDriver* d) {
    return Migrator(&indexed, d, &runner, &redactor, &clock, nullptr, options);
  }
  /// Runs `up`; returns its exit code or that of the UserError it throws.
  int UpCode(DatabaseDriver* d, std::string* error = nullptr) {
    try {
      return MakeIndexed(d).Up(false);
    } catch (const UserError& e) {
      if (error) *error = e.what();
      return e.code();
    } catch (const RunError& e) {
      if (error) *error = e.facts().message;
      return ExitCodeOf(e);
    }
  }
};

}  // namespace

TEST_F(MigratorNoOpTest, NothingPendingReadsTheHistoryOnceAndTakesNoLock) {
  ASSERT_EQ(UpCode(&driver), kExitOk);
  driver.calls.clear();
  int queries = driver.queries_sent();
  EXPECT_EQ(UpCode(&driver), kExitOk);
  EXPECT_EQ(driver.calls["connect"], 1);
  EXPECT_EQ(driver.calls["read_history_checksums"], 1);  // not the full rows
  EXPECT_EQ(driver.calls["read_history"], 0);
  EXPECT_EQ(driver.calls["try_lock"], 0);
  EXPECT_EQ(driver.calls["check_direct"], 0);
  EXPECT_EQ(driver.calls["create_tables"], 0);
  EXPECT_EQ(driver.queries_sent() - queries, 1);
  EXPECT_NE(out.str().find("up to date: 2 migrations applied"), std::string::npos) << out.str();
}

TEST_F(MigratorNoOpTest, PendingTakesTheLockThenReadsTheHistoryAgain) {
  EXPECT_EQ(UpCode(&driver), kExitOk);
  EXPECT_EQ(driver.calls["try_lock"], 1);
  EXPECT_EQ(driver.calls["check_direct"], 1);
  // The checksums find something to do; the full rows are planned, then
  // read again under the lock.
  EXPECT_EQ(driver.calls["read_history_checksums"], 1);
  EXPECT_EQ(driver.calls["read_history"], 2);
  EXPECT_EQ(driver.calls["connect"], 1);  // the lock is taken on the same session
  EXPECT_EQ(driver.history.size(), 2u);
}

TEST_F(MigratorNoOpTest, AnUnfinishedRowWaitsForTheLockBeforeItIsJudged) {
  // A transaction:false migration another run is applying right now shows
  // as `started`: only the lock says whether that run is still there.
  ASSERT_EQ(UpCode(&driver), kExitOk);
  driver.history[2].state = MigrationState::kStarted;
  driver.calls.clear();
  EXPECT_EQ(UpCode(&driver), kExitIntegrity);
  EXPECT_EQ(driver.calls["try_lock"], 1);
}

TEST_F(MigratorNoOpTest, OnlyPendingMigrationsAreCheckedInFull) {
  ApplyFirst(&driver);
  indexed.broken = {1};  // applied: its SQL never runs again
  EXPECT_EQ(UpCode(&driver), kExitOk);
  EXPECT_EQ(indexed.checked, std::vector<int64_t>{2});
  EXPECT_TRUE(driver.Logged("up 2"));
  EXPECT_FALSE(driver.Logged("up 1"));
}

TEST_F(MigratorNoOpTest, ABrokenPendingFileStopsTheRunBeforeTheLock) {
  indexed.broken = {2};
  std::string error;
  EXPECT_EQ(UpCode(&driver, &error), kExitUsage);
  EXPECT_NE(error.find("migrations/2_m2.sql:2: unterminated quoted string"), std::string::npos)
      << error;
  EXPECT_EQ(driver.calls["try_lock"], 0);
  EXPECT_TRUE(driver.history.empty());
}

TEST_F(MigratorNoOpTest, AnUnreachableServerStillReportsABrokenFileFirst) {
  UnreachableDriver unreachable;
  indexed.broken = {2};
  std::string error;
  EXPECT_EQ(UpCode(&unreachable, &error), kExitUsage);
  EXPECT_NE(error.find("2_m2.sql:2: unterminated quoted string"), std::string::npos) << error;
  indexed.broken.clear();
  EXPECT_EQ(UpCode(&unreachable, &error), kExitFailed);  // RunError::Kind::kUnreachable
  EXPECT_NE(error.find("could not connect"), std::string::npos) << error;
}

TEST_F(MigratorNoOpTest, PendingFilesAreCheckedAsTheServerLexesAndIndexedOnesAreNotReadAgain) {
  StringsOffDriver off;
  ApplyFirst(&off);
  EXPECT_EQ(UpCode(&off), kExitOk);
  EXPECT_EQ(indexed.index_reads, 1);  // the applied file is not read again
  EXPECT_EQ(indexed.checked, std::vector<int64_t>{2});
  EXPECT_EQ(indexed.checked_lexing_on, std::vector<bool>{false});
  EXPECT_FALSE(indexed.split_options().standard_conforming_strings);
  EXPECT_TRUE(off.Logged("up 2"));
}

TEST_F(MigratorNoOpTest, DryRunChecksPendingFilesAsTheServerLexes) {
  StringsOffDriver off;
  ApplyFirst(&off);
  EXPECT_EQ(MakeIndexed(&off).Up(/*dry_run=*/true), kExitOk);
  EXPECT_EQ(indexed.index_reads, 1);
  EXPECT_EQ(indexed.checked_lexing_on, std::vector<bool>{false});
}

TEST_F(MigratorNoOpTest, ASourceWithoutAnIndexIsReadAgainWhenTheServerLexesOtherwise) {
  CountingSource plain;
  plain.Add(1, "CREATE TABLE a (id int);");
  StringsOffDriver off;
  EXPECT_EQ(Migrator(&plain, &off, &runner, &redactor, &clock, nullptr, options).Up(false),
            kExitOk);
  EXPECT_EQ(plain.reads, 2);
  EXPECT_FALSE(plain.split_options().standard_conforming_strings);
  CountingSource on_server;
  on_server.Add(1, "CREATE TABLE a (id int);");
  EXPECT_EQ(Migrator(&on_server, &driver, &runner, &redactor, &clock, nullptr, options).Up(false),
            kExitOk);
  EXPECT_EQ(on_server.reads, 1);
}

// --- With a record of the files (a slug's migrations manifest) ---

TEST_F(MigratorNoOpTest, RecordedFilesAllAppliedAsRecordedAreUpToDateWithoutReadingThem) {
  ASSERT_EQ(UpCode(&driver), kExitOk);
  indexed.recorded = true;
  indexed.index_reads = 0;
  indexed.checked.clear();
  driver.calls.clear();
  int queries = driver.queries_sent();
  EXPECT_EQ(UpCode(&driver), kExitOk);
  EXPECT_EQ(indexed.index_reads, 0);
  EXPECT_TRUE(indexed.checked.empty());
  EXPECT_EQ(driver.calls["connect"], 1);
  EXPECT_EQ(driver.calls["try_lock"], 0);
  EXPECT_EQ(driver.queries_sent() - queries, 1);
  EXPECT_NE(out.str().find("up to date: 2 migrations applied, none pending"), std::string::npos)
      << out.str();
}

TEST_F(MigratorNoOpTest, ARecordedFileChangedSinceItWasAppliedIsRefusedAsWithoutTheRecord) {
  ASSERT_EQ(UpCode(&driver), kExitOk);
  driver.history[1].checksum = "sha256:CREATE TABLE a (id bigint);";
  std::string without;
  EXPECT_EQ(UpCode(&driver, &without), kExitIntegrity);
  indexed.recorded = true;
  indexed.index_reads = 0;
  driver.calls.clear();
  std::string with;
  EXPECT_EQ(UpCode(&driver, &with), kExitIntegrity);
  EXPECT_EQ(with, without);
  EXPECT_NE(with.find("was changed after it was applied"), std::string::npos) << with;
  EXPECT_EQ(indexed.index_reads, 1);     // the files are indexed as without the record
  EXPECT_EQ(driver.calls["connect"], 1);  // on the same session
}

TEST_F(MigratorNoOpTest, WithARecordEveryDifferenceFromTheHistoryIsPlannedAsWithoutIt) {
  // A pending file is applied; an unfinished row waits for the lock; a row
  // with no file is still reported.
  ApplyFirst(&driver);
  indexed.recorded = true;
  EXPECT_EQ(UpCode(&driver), kExitOk);
  EXPECT_TRUE(driver.Logged("up 2"));
  EXPECT_EQ(indexed.checked, std::vector<int64_t>{2});
  EXPECT_EQ(driver.calls["connect"], 1);

  driver.history[2].state = MigrationState::kStarted;
  driver.calls.clear();
  EXPECT_EQ(UpCode(&driver), kExitIntegrity);
  EXPECT_EQ(driver.calls["try_lock"], 1);

  driver.history[2].state = MigrationState::kApplied;
  driver.history[3] = driver.history[2];
  driver.history[3].version = 3;
  err.str("");
  EXPECT_EQ(UpCode(&driver), kExitOk);
  EXPECT_NE(err.str().find("have no file here"), std::string::npos) << err.str();
}

TEST_F(MigratorNoOpTest, WithARecordAnUnreachableServerStillReportsABrokenFileFirst) {
  UnreachableDriver unreachable;
  indexed.recorded = true;
  indexed.broken = {2};
  std::string error;
  EXPECT_EQ(UpCode(&unreachable, &error), kExitUsage);
  EXPECT_NE(error.find("2_m2.sql:2: unterminated quoted string"), std::string::npos) << error;
  EXPECT_EQ(unreachable.calls["connect"], 1);
  indexed.broken.clear();
  EXPECT_EQ(UpCode(&unreachable, &error), kExitFailed);
  EXPECT_NE(error.find("could not connect"), std::string::npos) << error;
}
