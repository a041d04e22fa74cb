// `slugwright migrate lint [FILE...]`: reads migration files (no database),
// lints them as one batch in version order and prints the findings. Exit 0
// none, 1 findings, 2 usage or input errors (UserError).

#include "cli/lint_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <memory>
#include <set>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/text.h"
#include "cli/release_context.h"
#include "cli/settings_flags.h"
#include "migrate/directory_source.h"
#include "migrate/release_file.h"

namespace {

struct LintFlags {
  SettingsFlags settings;
  std::vector<std::string> files;
  int64_t since = -1;
  int postgres_version = 11;
  bool require_lock_timeout = false;
  bool json = false;
};

/// The migrations of the files named on the command line (a .down.sql has
/// nothing to lint), in version order.
std::vector<Migration> ReadFiles(DiskInterface* disk, const std::vector<std::string>& files) {
  std::vector<Migration> migrations;
  for (const std::string& path : files) {
    std::string lower = path;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (EndsWith(lower, ".down.sql")) continue;
    std::string contents, err;
    if (!disk->ReadFile(path, kMaxMigrationFileBytes, &contents, &err))
      throw UserError(kExitUsage, path + ": " + err);
    migrations.push_back(ParseMigrationFile(path, contents));
  }
  std::stable_sort(migrations.begin(), migrations.end(),
                   [](const Migration& a, const Migration& b) { return a.version < b.version; });
  return migrations;
}

/// The migrations directory as `migrate up` finds it: --dir, else the
/// release settings' `migrations` relative to the app root.
std::string MigrationsDir(const SettingsFlags& flags, DiskInterface* disk) {
  if (!flags.dir.empty()) return flags.dir;
  return ResolveReleaseContext(flags, disk, "migrate lint").migrations_dir;
}

int Run(const LintFlags& f) {
  if (f.postgres_version < 11)
    throw UserError(kExitUsage, "--postgres-version " + std::to_string(f.postgres_version) +
                                    ": the lint rules are for PostgreSQL 11 and later");
  RealDiskInterface disk;
  std::vector<Migration> migrations =
      f.files.empty() ? DirectorySource(&disk, MigrationsDir(f.settings, &disk)).ReadAll()
                      : ReadFiles(&disk, f.files);
  migrations.erase(std::remove_if(migrations.begin(), migrations.end(),
                                  [&](const Migration& m) { return m.version <= f.since; }),
                   migrations.end());
  LintOptions options;
  options.postgres_major = f.postgres_version;
  options.require_lock_timeout = f.require_lock_timeout;
  std::vector<LintFinding> findings = LintMigrations(migrations, options);
  if (f.json)
    std::cout << LintReportJson(findings, migrations.size(), f.postgres_version).dump(2) << "\n";
  else
    std::cout << LintReportText(findings, migrations.size());
  return findings.empty() ? kExitOk : kExitFailed;
}

}  // namespace

std::string LintReportText(const std::vector<LintFinding>& findings, size_t migrations) {
  std::string out;
  std::set<std::string> files;
  for (const LintFinding& f : findings) {
    out += LintFindingText(f) + "\n";
    files.insert(f.file);
  }
  if (findings.empty())
    return "No findings in " + Plural(static_cast<int64_t>(migrations), "migration") + "\n";
  return out + Plural(static_cast<int64_t>(findings.size()), "finding") + " in " +
         std::to_string(files.size()) + " of " +
         Plural(static_cast<int64_t>(migrations), "migration") +
         " (docs/lint.md; silence one with `-- slugwright-lint-ignore RULE`)\n";
}

nlohmann::json LintReportJson(const std::vector<LintFinding>& findings, size_t migrations,
                              int postgres_version) {
  nlohmann::json list = nlohmann::json::array();
  for (const LintFinding& f : findings) list.push_back(f);
  return {{"migrations", migrations}, {"postgres_version", postgres_version}, {"findings", list}};
}

void RegisterMigrateLintCommand(CLI::App* migrate, int* status) {
  auto f = std::make_shared<LintFlags>();
  CLI::App* cmd = migrate->add_subcommand(
      "lint",
      "Check migration files, without a database, for statements that lock or rewrite "
      "tables on PostgreSQL 11+ or break the running release (docs/lint.md)");
  cmd->footer(
      "Lints the up sections of the migrations in the directory (or the FILEs) as one "
      "batch, in version order: a table created earlier in the batch is new and left alone. "
      "Silence a finding with `-- slugwright-lint-ignore RULE` on or above its statement.\n"
      "Exit: 0 no findings, 1 findings, 2 usage/input.");
  cmd->add_option("files", f->files, "Lint these migration files instead of the directory");
  cmd->add_option("--settings", f->settings.settings_file,
                  "Release settings, for the migrations directory (as `migrate up`)");
  cmd->add_option("--app", f->settings.app, "The app, for its slugwright.yml entry");
  cmd->add_option("--dir,-d", f->settings.dir,
                  "Directory of migration files (default: the settings' `migrations`)");
  cmd->add_option("--since", f->since, "Only migrations with a later version than this");
  cmd->add_option("--postgres-version", f->postgres_version,
                  "The server's major version (default 11, the oldest the rules are for)");
  cmd->add_flag("--require-lock-timeout", f->require_lock_timeout,
                "Also flag migrations that take a strong lock before setting lock_timeout "
                "(for SQL another tool runs; slugwright's runner sets one)");
  cmd->add_flag("--json", f->json, "Print the findings as JSON on stdout");
  cmd->callback([status, f] { *status = Run(*f); });
}
