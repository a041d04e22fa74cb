#include "buildpack/env_dir.h"

#include <gtest/gtest.h>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "testing/test_util.h"

TEST(EnvDirTest, ReadsValuesAsData) {
  ScopedTempDir dir;
  dir.Write("PROCFILE", "packages/web/Procfile\n");
  dir.Write("DANGER", "$(touch /tmp/slugwright-pwned); `id`");
  dir.Write("EMPTY", "");
  dir.Write(".hidden", "x");
  RealDiskInterface disk;
  ConfigVars vars = ReadEnvDir(&disk, dir.path());
  EXPECT_EQ(3u, vars.size());
  EXPECT_EQ("$(touch /tmp/slugwright-pwned); `id`", vars["DANGER"]);
  EXPECT_EQ("packages/web/Procfile", ConfigWord(vars, "PROCFILE"));
  EXPECT_EQ("", ConfigWord(vars, "EMPTY"));
  EXPECT_EQ("", ConfigWord(vars, "UNSET"));
}

TEST(EnvDirTest, MissingDirectoryIsAUsageError) {
  RealDiskInterface disk;
  try {
    ReadEnvDir(&disk, "/nonexistent/env");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code());
    EXPECT_NE(std::string::npos, std::string(e.what()).find("/nonexistent/env"));
  }
}
