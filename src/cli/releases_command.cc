// `slugwright releases [--commit SHA] [--json]`: the release ledger of the
// database, newest first, as `heroku releases` lists an app's releases:
// each commit's attempts, the service that executed it, those that shared
// its outcome, and how it ended (cli/output/release_ledger_output.h).

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "base/console.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "cli/commands.h"
#include "cli/output/release_ledger_output.h"
#include "cli/release_context.h"
#include "cli/settings_flags.h"
#include "ledger/release_key.h"
#include "postgres/database_url.h"
#include "postgres/history_table.h"
#include "postgres/postgres_release_ledger.h"

namespace {

struct ReleasesFlags {
  SettingsFlags settings;
  std::string commit;
  bool all = false;
  bool json = false;
  int limit = 20;
};

int ListReleases(const ReleasesFlags& f) {
  RealDiskInterface disk;
  ReleaseContext context = ResolveReleaseContext(f.settings, &disk, "releases");
  return RunScrubbed(context.redactor, [&] {
    if (context.database_url.empty())
      throw UserError(kExitUsage, context.settings.database_url_env +
                                      " is not set: no database to read the release ledger "
                                      "of. Set it, or pass --database-url.");
    // The commit this run would release, unless --all or --commit says.
    std::string commit = f.commit;
    if (commit.empty() && !f.all) {
      ReleaseKeyInputs inputs;
      inputs.build_commit = context.resolved.loaded.commit;
      inputs.coordinate = ReleaseSettings::Coordinate::kCommit;
      commit = ResolveReleaseIdentity(inputs, Getenv).key.commit;
    }
    Console console(std::cout, std::cerr, &context.redactor);
    console.set_terminal(::isatty(STDOUT_FILENO) == 1);
    PostgresReleaseLedger ledger(DatabaseTarget::Parse(context.database_url),
                                 HistoryTableName::Parse(context.settings.table),
                                 ApplicationName("releases", context.run), &context.redactor);
    std::vector<ReleaseRecord> records;
    if (ledger.OpenToRead()) records = ledger.List(commit, f.limit);
    if (f.json)
      console.Data(ReleasesJson(ledger.Describe(), records));
    else
      PrintReleases(&console, ledger.Describe() + (commit.empty() ? "" : " for " + commit),
                    records);
    return kExitOk;
  });
}

}  // namespace

void RegisterReleasesCommand(CLI::App* app, int* status) {
  auto flags = std::make_shared<ReleasesFlags>();
  CLI::App* cmd = app->add_subcommand(
      "releases",
      "List the release ledger: each commit's release, the service that ran it, the "
      "services that shared its outcome, and how it ended (newest first)");
  AddSettingsFlags(cmd, &flags->settings, kSettingsFileFlags | kDatabaseFlags | kTableFlag);
  cmd->add_option("--commit", flags->commit,
                  "Only this commit's attempts (default: the commit this run would release, "
                  "from SLUGWRIGHT_COMMIT or the platform's variable; every commit when "
                  "none is known)");
  cmd->add_flag("--all", flags->all, "Every commit, even where a commit is known");
  cmd->add_option("--limit", flags->limit, "At most this many rows (default 20)")
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--json", flags->json, "Print JSON on stdout");
  cmd->callback([status, flags] { *status = ListReleases(*flags); });
}
