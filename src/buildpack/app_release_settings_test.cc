#include "buildpack/app_release_settings.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"

namespace {

const char kYml[] =
    "release:\n"
    "  lock_wait: 10m\n"
    "apps:\n"
    "  - match: web-beta\n"
    "    procfile: procfiles/web.Procfile\n"
    "    release:\n"
    "      on_failure: rollback-release\n"
    "      migrations: packages/web/migrations\n"
    "  - match: web-frick\n"
    "    procfile: procfiles/web.Procfile\n"
    "    release:\n"
    "      lock_wait: 20m\n"
    "      migrations: packages/web/migrations\n"
    "  - match: bot\n"
    "    procfile: procfiles/bot.Procfile\n";

// What bin/compile writes for web-beta.
std::string BuiltForBeta() {
  ReleaseSettings beta;
  beta.migrations_dir = "packages/web/migrations";
  beta.on_failure = ReleaseSettings::OnFailure::kRollbackRelease;
  nlohmann::json j = {{"app", "web-beta"}, {"procfile", "procfiles/web.Procfile"}, {"release", beta}};
  return j.dump();
}

AppReleaseSettings Resolve(const ScopedTempDir& /*slug: keeps it alive*/, const std::string& cwd,
                           const std::string& app, const std::string& explicit_path = "",
                           PromotedProcfilePolicy policy = PromotedProcfilePolicy::kWarn) {
  RealDiskInterface disk;
  return ResolveAppReleaseSettings(&disk, explicit_path, cwd, "", app, "SLUGWRIGHT_APP", policy);
}

}  // namespace

TEST(AppReleaseSettings, TheAppTheSlugWasBuiltForUsesItsReleaseJson) {
  ScopedTempDir slug;
  slug.Write("slugwright.yml", kYml);
  slug.Write(".slugwright/release.json", BuiltForBeta());
  AppReleaseSettings r = Resolve(slug, slug.path(), "web-beta");
  EXPECT_FALSE(r.promoted);
  EXPECT_EQ(ReleaseSettings::OnFailure::kRollbackRelease, r.loaded.settings.on_failure);
  EXPECT_NE(std::string::npos, r.origin.find("built for web-beta")) << r.origin;
  EXPECT_TRUE(r.warnings.empty());
}

// Pipeline promotion: Heroku releases beta's slug on frick without a
// build; frick's entry in the slug's own slugwright.yml decides.
TEST(AppReleaseSettings, APromotedSlugReleasesWithTheRunningAppsSettings) {
  ScopedTempDir slug;
  slug.Write("slugwright.yml", kYml);
  slug.Write(".slugwright/release.json", BuiltForBeta());
  AppReleaseSettings r = Resolve(slug, slug.path(), "web-frick");
  EXPECT_TRUE(r.promoted);
  EXPECT_EQ(ReleaseSettings::OnFailure::kStop, r.loaded.settings.on_failure);
  EXPECT_EQ(1200, r.loaded.settings.lock_wait_seconds);
  EXPECT_NE(std::string::npos, r.origin.find("entry `web-frick`")) << r.origin;
  EXPECT_NE(std::string::npos, r.origin.find("pipeline promotion")) << r.origin;
  EXPECT_TRUE(r.warnings.empty());  // same Procfile
}

TEST(AppReleaseSettings, APromotedSlugWhoseProcfileTheRunningAppWouldNotChooseWarnsOrRefuses) {
  ScopedTempDir slug;
  slug.Write("slugwright.yml", kYml);
  slug.Write(".slugwright/release.json", BuiltForBeta());
  AppReleaseSettings r = Resolve(slug, slug.path(), "bot");
  ASSERT_EQ(1u, r.warnings.size());
  EXPECT_NE(std::string::npos,
            r.warnings[0].find("bot's entry maps it to procfiles/bot.Procfile, but this slug "
                               "runs procfiles/web.Procfile"))
      << r.warnings[0];
  try {
    Resolve(slug, slug.path(), "bot", "", PromotedProcfilePolicy::kRefuse);
    FAIL() << "expected a refusal";
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("SLUGWRIGHT_PROMOTED_PROCFILE=refuse"));
  }
}

// Outside a slug (a container, CI, a laptop): slugwright.yml from the
// working directory upward, paths relative to where it was found.
TEST(AppReleaseSettings, OutsideASlugTheNearestSlugwrightYmlDecides) {
  ScopedTempDir repo;
  repo.Write("slugwright.yml", kYml);
  repo.Write("packages/web/migrations/.keep", "");
  AppReleaseSettings r = Resolve(repo, repo.path() + "/packages/web", "web-beta");
  EXPECT_EQ(repo.path(), r.loaded.app_root);
  EXPECT_EQ("packages/web/migrations", r.loaded.settings.migrations_dir);
  EXPECT_EQ(ReleaseSettings::OnFailure::kRollbackRelease, r.loaded.settings.on_failure);
  r = Resolve(repo, repo.path(), "");
  ASSERT_EQ(1u, r.warnings.size());
  EXPECT_NE(std::string::npos, r.warnings[0].find("no app name")) << r.warnings[0];
  EXPECT_EQ(600, r.loaded.settings.lock_wait_seconds);
}

TEST(AppReleaseSettings, SettingsFlagAcceptsSlugwrightYml) {
  ScopedTempDir repo;
  std::string yml = repo.Write("slugwright.yml", kYml);
  AppReleaseSettings r = Resolve(repo, "/", "web-frick", yml);
  EXPECT_EQ(1200, r.loaded.settings.lock_wait_seconds);
  EXPECT_EQ(repo.path(), r.loaded.app_root);
  repo.Write("broken.yml", "apps: [\n");
  EXPECT_THROW(Resolve(repo, "/", "web-frick", repo.path() + "/broken.yml"), UserError);
}

TEST(AppReleaseSettings, NothingFoundSaysWhereItLooked) {
  ScopedTempDir empty;
  AppReleaseSettings r = Resolve(empty, empty.path(), "web-beta");
  EXPECT_NE(std::string::npos, r.origin.find("the defaults")) << r.origin;
  EXPECT_NE(std::string::npos, r.origin.find(empty.path() + "/slugwright.yml")) << r.origin;
  EXPECT_EQ("migrations", r.loaded.settings.migrations_dir);
}

TEST(AppReleaseSettings, PromotedProcfilePolicyValues) {
  EXPECT_EQ(PromotedProcfilePolicy::kWarn, ParsePromotedProcfilePolicy(""));
  EXPECT_EQ(PromotedProcfilePolicy::kWarn, ParsePromotedProcfilePolicy("warn"));
  EXPECT_EQ(PromotedProcfilePolicy::kRefuse, ParsePromotedProcfilePolicy("refuse"));
  EXPECT_THROW(ParsePromotedProcfilePolicy("yes"), UserError);
}

// Issue 23, item 15: `match: "*"` applies to every app, so an unnamed one
// is not told that no entry applies.
TEST(AppReleaseSettings, AStarEntryAppliesWithoutAnAppName) {
  ScopedTempDir repo;
  repo.Write("slugwright.yml",
             "apps:\n  - match: \"*\"\n    procfile: Procfile\n    release:\n"
             "      lock_wait: 20m\n");
  AppReleaseSettings r = Resolve(repo, repo.path(), "");
  EXPECT_TRUE(r.warnings.empty()) << r.warnings[0];
  EXPECT_EQ(1200, r.loaded.settings.lock_wait_seconds);
  EXPECT_NE(std::string::npos, r.origin.find("entry `*`")) << r.origin;
}
