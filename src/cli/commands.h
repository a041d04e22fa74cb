#ifndef SLUGWRIGHT_CLI_COMMANDS_H_
#define SLUGWRIGHT_CLI_COMMANDS_H_

namespace CLI {
class App;
}

/// Each Register* function adds one family of subcommands to the command
/// line. The chosen subcommand's callback runs the command and stores its
/// exit status in *status; it reports user errors by throwing UserError.

/// `buildpack detect|compile|release`: the classic buildpack API behind bin/.
void RegisterBuildpackCommands(CLI::App* app, int* status);
/// `select` and `procfile check`: the selector and validator, read only.
void RegisterProcfileCommands(CLI::App* app, int* status);
/// `simulate`: detect, compile and release on a copy of an app, as Heroku.
void RegisterSimulateCommand(CLI::App* app, int* status);
/// `release` and `migrate ...`: the release-phase migration executor.
void RegisterMigrateCommands(CLI::App* app, int* status);
/// `releases`: the release ledger, one release per commit across services.
void RegisterReleasesCommand(CLI::App* app, int* status);
/// `rehearse`: the release's pending migrations on a scratch copy of the
/// database, with their locks, rewrites and durations.
void RegisterRehearseCommand(CLI::App* app, int* status);

#endif  // SLUGWRIGHT_CLI_COMMANDS_H_
