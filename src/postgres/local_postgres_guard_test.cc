// Tests of the throwaway cluster's guard process (local_postgres_guard.h),
// without PostgreSQL: a `sleep` stands in for the postmaster.
#include "postgres/local_postgres_guard.h"

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <gtest/gtest.h>

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
