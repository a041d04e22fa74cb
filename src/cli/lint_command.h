#ifndef SLUGWRIGHT_CLI_LINT_COMMAND_H_
#define SLUGWRIGHT_CLI_LINT_COMMAND_H_

// `slugwright migrate lint`: the static check of migrations' SQL
// (lint/migration_lint.h) on the command line, and its text and JSON
// reports. docs/lint.md is the user's side.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lint/migration_lint.h"

namespace CLI {
class App;
}

/// Adds `lint` under `migrate` (the `migrate` subcommand itself).
void RegisterMigrateLintCommand(CLI::App* migrate, int* status);

/// The findings as the command prints them, four lines each, and a summary
/// line; `migrations` is how many were linted.
std::string LintReportText(const std::vector<LintFinding>& findings, size_t migrations);

/// {"migrations", "postgres_version", "findings": [{file, line, version,
/// rule, statement, why, instead}]}.
nlohmann::json LintReportJson(const std::vector<LintFinding>& findings, size_t migrations,
                              int postgres_version);

#endif  // SLUGWRIGHT_CLI_LINT_COMMAND_H_
