#ifndef SLUGWRIGHT_CLI_LINT_COMMAND_H_
#define SLUGWRIGHT_CLI_LINT_COMMAND_H_

// `slugwright migrate lint`: the static check of migrations' SQL
// (lint/migration_lint.h) on the command line: which migrations, for which
// PostgreSQL version, and the report (cli/output/lint_output.h).
// docs/lint.md is the user's side.

namespace CLI {
class App;
}

/// Adds `lint` under `migrate` (the `migrate` subcommand itself).
void RegisterMigrateLintCommand(CLI::App* migrate, int* status);

#endif  // SLUGWRIGHT_CLI_LINT_COMMAND_H_
