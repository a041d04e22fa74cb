#include "cli/release_context.h"

#include <stdlib.h>

#include <gtest/gtest.h>

#include "base/exit_codes.h"
#include "cli/settings_flags.h"
#include "testing/fake_disk.h"

namespace {

/// Sets an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = ::getenv(name);
    if (old) old_ = old;
    had_ = old != nullptr;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (had_)
      ::setenv(name_, old_.c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

}  // namespace

// Every command builds its context here, so `rehearse --app` names the app
// in its run as `migrate up --app` does (rehearse used to read only
// HEROKU_APP_NAME).
TEST(ReleaseContext, TheAppComesFromTheFlagBeforeTheEnvironment) {
  ScopedEnv heroku("HEROKU_APP_NAME", "from-dyno-metadata");
  ScopedEnv slugwright("SLUGWRIGHT_APP", nullptr);
  InMemoryDisk disk;
  SettingsFlags flags;
  flags.app = "common-staging";
  ReleaseContext context = ResolveReleaseContext(flags, &disk, "rehearse", "rehearsal");
  EXPECT_EQ(context.app, "common-staging");
  EXPECT_EQ(context.run.app, "common-staging");
  EXPECT_EQ(context.run.release, "rehearsal");
  EXPECT_NE(context.run.runner.find(" rehearse"), std::string::npos);
  EXPECT_EQ(context.run.run_id.size(), 12u);

  flags.app.clear();
  EXPECT_EQ(ResolveReleaseContext(flags, &disk, "migrate up").run.app, "from-dyno-metadata");
}

TEST(ReleaseContext, TheUrlComesFromTheFlagElseTheNamedVariableAndIsASecret) {
  ScopedEnv url("SLUGWRIGHT_TEST_URL", "postgres://app:env%40secret@db:5432/app");
  InMemoryDisk disk;
  SettingsFlags flags;
  flags.database_url_env = "SLUGWRIGHT_TEST_URL";
  ReleaseContext from_env = ResolveReleaseContext(flags, &disk, "migrate status");
  EXPECT_EQ(from_env.database_url_origin, "SLUGWRIGHT_TEST_URL");
  EXPECT_FALSE(from_env.url_from_flag());
  // The password is masked in every form it can be written.
  EXPECT_EQ(from_env.redactor.Scrub("said env@secret and env%40secret"),
            "said ******** and ********");

  flags.database_url = "postgres://app:flag-secret@db/app";
  ReleaseContext from_flag = ResolveReleaseContext(flags, &disk, "migrate status");
  EXPECT_TRUE(from_flag.url_from_flag());
  EXPECT_EQ(from_flag.database_url, "postgres://app:flag-secret@db/app");
  EXPECT_EQ(from_flag.redactor.Scrub("flag-secret"), "********");
}

TEST(ReleaseContext, ErrorsLeaveScrubbedWithTheirExitCode) {
  Redactor redactor;
  redactor.AddSecret("hunter22");
  try {
    RunScrubbed(redactor, []() -> int { throw UserError(kExitLockTimeout, "held by hunter22"); });
    FAIL() << "RunScrubbed swallowed the error";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitLockTimeout);
    EXPECT_STREQ(e.what(), "held by ********");
  }
  try {
    RunScrubbed(redactor, []() -> int { throw std::runtime_error("hunter22 broke"); });
    FAIL() << "RunScrubbed swallowed the error";
  } catch (const UserError& e) {
    EXPECT_EQ(e.code(), kExitFailed);
    EXPECT_STREQ(e.what(), "******** broke");
  }
  EXPECT_EQ(RunScrubbed(redactor, [] { return 7; }), 7);
}
