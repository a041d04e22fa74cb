// Tests of the throwaway cluster's guard process (local_postgres_guard.h),
// without PostgreSQL: a `sleep` stands in for the postmaster.
#include "postgres/local_postgres_guard.h"

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <vector>

#include "testing/test_util.h"

namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

/// A forked owner of a guard for `dir` that exits without destroying it, as
/// a process killed by SIGPIPE or SIGKILL would; true once it has exited.
bool OwnerDiesWithoutCleaningUp(const std::string& dir) {
  pid_t owner = ::fork();
  if (owner < 0) return false;
  if (owner == 0) {
    new LocalPostgresGuard(dir);
    ::_exit(0);
  }
  int status = 0;
  return ::waitpid(owner, &status, 0) == owner;
}

/// A child `sleep 60`, standing in for the postmaster.
pid_t StartSleeper() {
  pid_t pid = -1;
  const char* argv[] = {"/bin/sleep", "60", nullptr};
  EXPECT_EQ(0, posix_spawn(&pid, "/bin/sleep", nullptr, nullptr,
                           const_cast<char* const*>(argv), environ));
  return pid;
}

}  // namespace

TEST(LocalPostgresGuard, APlannedCleanupLeavesEverythingToTheOwner) {
  ScopedTempDir parent;
  std::string dir = parent.Write("cluster/data/PG_VERSION", "15\n");
  dir = parent.path() + "/cluster";
  pid_t guard_pid;
  {
    LocalPostgresGuard guard(dir);
    guard_pid = guard.pid();
    EXPECT_GT(guard_pid, 0);
  }
  EXPECT_TRUE(Exists(dir + "/data/PG_VERSION"));
  EXPECT_NE(0, ::kill(guard_pid, 0)) << "the guard was not reaped";
}

TEST(LocalPostgresGuard, StopsTheServerAndRemovesTheDirectoryWhenTheOwnerDies) {
  ScopedTempDir parent;
  const std::string dir = parent.path() + "/cluster";
  pid_t server = StartSleeper();
  ASSERT_GT(server, 0);
  parent.Write("cluster/data/postmaster.pid", std::to_string(server) + "\n" + dir + "/data\n");

  ASSERT_TRUE(OwnerDiesWithoutCleaningUp(dir));
  int status = 0;

  bool server_ended = WaitUntil([&] { return ::waitpid(server, &status, WNOHANG) == server; }, 15);
  EXPECT_TRUE(server_ended);
  if (server_ended) {
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(SIGQUIT, WTERMSIG(status));
  } else {
    ::kill(server, SIGKILL);
    ::waitpid(server, &status, 0);
  }
  EXPECT_TRUE(WaitUntil([&] { return !Exists(dir); }, 15)) << dir << " was left";
}

// A process that outlived the owner can still write into the directory
// while the guard removes it (initdb's bootstrap backend when initdb is
// killed, a server still starting): a single `rm -rf` then fails with
// "Directory not empty" and leaves the directory behind. The guard removes
// it once the writer is done.
TEST(LocalPostgresGuard, RemovesTheDirectoryEvenWhileALateWriterStillWritesIntoIt) {
  ScopedTempDir parent;
  const std::string dir = parent.path() + "/cluster";
  parent.Write("cluster/data/PG_VERSION", "15\n");

  // The writer: a new file in the directory on every turn, 3000 of them,
  // stopping early once the directory is gone.
  const std::string script =
      "i=0; while [ $i -lt 3000 ]; do : >\"$1/data/late-$i\" 2>/dev/null || exit 0; "
      "i=$((i + 1)); done";
  const char* argv[] = {"/bin/sh", "-c", script.c_str(), "late-writer", dir.c_str(), nullptr};
  pid_t writer = -1;
  ASSERT_EQ(0, posix_spawn(&writer, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv),
                           environ));
  ASSERT_TRUE(WaitUntil([&] { return Exists(dir + "/data/late-100"); }, 15));

  ASSERT_TRUE(OwnerDiesWithoutCleaningUp(dir));
  int status = 0;
  ASSERT_EQ(writer, ::waitpid(writer, &status, 0));
  EXPECT_TRUE(WaitUntil([&] { return !Exists(dir); }, 15)) << dir << " was left";
}

TEST(LocalPostgresGuard, MakesAPrivateDirectoryOfItsOwnAndLeavesItToAPlannedCleanup) {
  ScopedTempDir parent;
  std::string dir;
  {
    std::unique_ptr<LocalPostgresGuard> guard =
        LocalPostgresGuard::ForNewDirectory(parent.path(), "slugwright-pg-");
    dir = guard->dir();
    EXPECT_EQ(0u, dir.rfind(parent.path() + "/slugwright-pg-", 0)) << dir;
    EXPECT_EQ(parent.path().size() + 1 + 14 + 6, dir.size()) << dir;
    struct stat st;
    ASSERT_EQ(0, ::stat(dir.c_str(), &st)) << dir;
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(0700u, st.st_mode & 0777);
  }
  EXPECT_TRUE(Exists(dir)) << "a planned end leaves the directory to its owner";
}

TEST(LocalPostgresGuard, SaysWhyItCouldNotMakeTheDirectory) {
  ScopedTempDir parent;
  const std::string missing = parent.path() + "/missing";
  try {
    LocalPostgresGuard::ForNewDirectory(missing, "slugwright-pg-");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(Contains(e.what(), missing + "/slugwright-pg-XXXXXX")) << e.what();
    EXPECT_TRUE(Contains(e.what(), "No such file or directory")) << e.what();
  }
  EXPECT_FALSE(Exists(missing));
}

// The owner can die at any moment, e.g. from a SIGPIPE on another thread
// while it makes the directory. Making the directory first and starting its
// guard afterwards left the directory behind when the owner died between
// the two; the guard that makes it leaves nothing, wherever the kill falls.
TEST(LocalPostgresGuard, AnOwnerKilledWhileTheGuardMakesTheDirectoryLeavesNothing) {
  ScopedTempDir parent;
  for (int round = 0; round < 40; ++round) {
    pid_t owner = ::fork();
    ASSERT_GE(owner, 0);
    if (owner == 0) {
      new std::unique_ptr<LocalPostgresGuard>(
          LocalPostgresGuard::ForNewDirectory(parent.path(), "owned-"));
      ::pause();
      ::_exit(0);
    }
    // From before the fork's child runs to after the directory exists.
    ::usleep(static_cast<useconds_t>(round * 50));
    ::kill(owner, SIGKILL);
    int status = 0;
    ASSERT_EQ(owner, ::waitpid(owner, &status, 0));
  }
  std::vector<std::string> left;
  EXPECT_TRUE(WaitUntil(
      [&] {
        left.clear();
        for (const auto& entry : std::filesystem::directory_iterator(parent.path()))
          left.push_back(entry.path().filename().string());
        return left.empty();
      },
      30))
      << left.size() << " directories were left, e.g. " << (left.empty() ? "" : left[0]);
}
