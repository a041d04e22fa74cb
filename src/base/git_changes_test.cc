// GitChangesSince on a real git repository with a branch: the files the
// branch added or changed (committed, staged, modified or untracked), not
// those of the base or deleted ones; and git's refusals as usage errors.

#include "base/git_changes.h"

#include <algorithm>
#include <cstdlib>
#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "base/subprocess.h"
#include "testing/test_util.h"

namespace {

/// Runs `script` with /bin/sh in `dir`, with a git identity; fails the test
/// when it fails.
void Sh(const std::string& dir, const std::string& script) {
  SubprocessRequest request;
  request.argv = {"/bin/sh", "-ec", script};
  request.working_dir = dir;
  request.stdout_to = SubprocessOutput::Capture();
  request.stderr_to = SubprocessOutput::Capture();
  request.env = std::map<std::string, std::string>{
      {"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin"},
      {"HOME", dir},
      {"GIT_AUTHOR_NAME", "t"}, {"GIT_AUTHOR_EMAIL", "t@example.com"},
      {"GIT_COMMITTER_NAME", "t"}, {"GIT_COMMITTER_EMAIL", "t@example.com"},
      {"GIT_CONFIG_NOSYSTEM", "1"}};
  RealProcessSpawner spawner;
  SubprocessResult result = spawner.Run(request);
  ASSERT_TRUE(result.ok()) << script << "\n" << result.Describe() << "\n" << result.err;
}

std::vector<std::string> Relative(const GitChanges& changes, const std::string& top) {
  std::vector<std::string> out;
  for (const std::string& p : changes.paths) {
    EXPECT_EQ(0u, p.rfind(top + "/", 0)) << p;
    out.push_back(p.substr(top.size() + 1));
  }
  std::sort(out.begin(), out.end());
  return out;
}

class GitChangesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (FindInPath("git").empty()) GTEST_SKIP() << "no git in PATH";
    // The top directory as git names it (the temp dir may be a symlink).
    Sh(tmp_.path(), "git init -q -b main repo");
    top_ = tmp_.path() + "/repo";
    char* real = realpath(top_.c_str(), nullptr);
    top_ = real;
    free(real);
    tmp_.Write("repo/db/1_create.sql", "-- migrate:up\nCREATE TABLE a (id int);\n");
    tmp_.Write("repo/db/2_old.sql", "-- migrate:up\nSELECT 1;\n");
    tmp_.Write("repo/db/3_gone.sql", "-- migrate:up\nSELECT 1;\n");
    Sh(top_, "git add -A && git commit -qm base && git checkout -qb feature");
  }
  ScopedTempDir tmp_;
  std::string top_;
};

}  // namespace

TEST_F(GitChangesTest, FilesTheBranchAddedOrChanged) {
  tmp_.Write("repo/db/4_committed.sql", "-- migrate:up\nSELECT 4;\n");
  Sh(top_, "git add -A && git commit -qm four && git rm -q db/3_gone.sql && git commit -qm rm");
  tmp_.Write("repo/db/2_old.sql", "-- migrate:up\nSELECT 2;\n");    // modified, not staged
  tmp_.Write("repo/db/5_staged.sql", "-- migrate:up\nSELECT 5;\n");
  Sh(top_, "git add db/5_staged.sql");
  tmp_.Write("repo/db/6_new.sql", "-- migrate:up\nSELECT 6;\n");    // untracked
  tmp_.Write("repo/.gitignore", "*.tmp\n");
  tmp_.Write("repo/db/ignored.tmp", "x");
  // main moves on after the branch: its new file is not the branch's.
  Sh(top_, "git stash -q -u && git checkout -q main && echo x > main_only.txt && git add -A && "
           "git commit -qm main && git checkout -q feature && git stash pop -q");

  RealProcessSpawner spawner;
  GitChanges changes = GitChangesSince("main", top_ + "/db", &spawner);
  EXPECT_EQ(40u, changes.merge_base.size()) << changes.merge_base;
  EXPECT_EQ((std::vector<std::string>{".gitignore", "db/2_old.sql", "db/4_committed.sql",
                                      "db/5_staged.sql", "db/6_new.sql"}),
            Relative(changes, top_));
}

TEST_F(GitChangesTest, NothingChangedIsNoFiles) {
  RealProcessSpawner spawner;
  EXPECT_TRUE(GitChangesSince("main", top_ + "/db", &spawner).paths.empty());
}

TEST_F(GitChangesTest, UnknownRefsAndNoWorkTreeAreUsageErrors) {
  RealProcessSpawner spawner;
  try {
    GitChangesSince("no-such-branch", top_ + "/db", &spawner);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("--git-base no-such-branch: `git "
                                                            "merge-base no-such-branch HEAD`"))
        << e.what();
  }
  EXPECT_THROW(GitChangesSince("main", tmp_.path(), &spawner), UserError);
  EXPECT_THROW(GitChangesSince("--output=x", top_, &spawner), UserError);
}
