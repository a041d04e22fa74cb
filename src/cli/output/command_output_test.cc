// The words of what hooks and commands print (command_output.h): each line
// live behind its prefix, scrubbed, and a shell that could not start.
#include "cli/output/command_output.h"

#include <gtest/gtest.h>
#include <sstream>

#include "base/console.h"
#include "base/redactor.h"
#include "migrate/hook_runner.h"

namespace {

struct CommandOutputTest : testing::Test {
  std::ostringstream out, err;
  Redactor redactor;
  Console console{out, err, &redactor};
  ConsoleCommandOutput output{&console};
};

}  // namespace

TEST_F(CommandOutputTest, ShowsEachLineBehindItsPrefixScrubbed) {
  redactor.AddSecret("hunter2secret");
  output.CommandOutputLine("[after] ", "postgres://u:hunter2secret@h/db");
  output.CommandOutputLine("[after] ", "done");
  EXPECT_EQ(out.str(), "       [after] postgres://u:********@h/db\n       [after] done\n");
  EXPECT_EQ(err.str(), "");
}

TEST_F(CommandOutputTest, SaysTheShellCouldNotStart) {
  output.CommandNotStarted("[before] ", "Resource temporarily unavailable");
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(),
            " !     [before] could not start /bin/sh: Resource temporarily unavailable\n");
}

// A hook that prints its environment shows no password (the README's
// promise), through the real runner.
TEST_F(CommandOutputTest, AHookPrintingItsEnvironmentShowsNoPassword) {
  redactor.AddSecret("hunter2secret");
  ShellCommandRunner runner(&output, nullptr);
  ProcessResult r =
      runner.Run("echo \"$DATABASE_URL\"; env",
                 {{"DATABASE_URL", "postgres://u:hunter2secret@h/db"}}, 10, "[after] ", true);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(out.str().find("hunter2secret"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("       [after] postgres://u:********@h/db\n"), std::string::npos)
      << out.str();
}
