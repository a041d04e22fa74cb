// `slugwright rehearse`: the command line of the release rehearsal
// (rehearsal.h). Settings come from .slugwright/release.json as for
// `slugwright release`, with the same flags overriding them.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <thread>

#include "commands.h"
#include "console.h"
#include "database_url.h"
#include "disk_interface.h"
#include "duration.h"
#include "exit_codes.h"
#include "interrupt.h"
#include "rehearsal.h"
#include "release_file.h"
#include "self_exe.h"
#include "version.h"

namespace {

struct RehearseFlags {
  std::string settings_file;
  std::string dir;
  std::string database_url;
  std::string database_url_env;
  std::string from_dump;
  std::string into;
  bool schema_only = false;
  std::vector<std::string> exclude_table_data;
  int jobs = 0;
  bool json = false;
  bool keep = false;
  bool hooks = false;
  std::string pg_bin_dir;
  std::string table;
  std::string lock_timeout;
  std::string statement_timeout;
  int lock_retries = -1;
  std::string transaction;
  std::string on_failure;
  bool allow_out_of_order = false;
};

double DurationFlag(const std::string& flag, const std::string& text) {
  double seconds = 0;
  std::string err;
  if (!ParseDuration(text, &seconds, &err))
    throw UserError(kExitUsage, flag + " " + text + ": " + err);
  return seconds;
}

std::string Getenv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? value : "";
}

std::string CurrentDirectory() {
  char buffer[4096];
  return ::getcwd(buffer, sizeof buffer) ? buffer : ".";
}

std::string RandomHex(size_t digits) {
  std::random_device device;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < digits; ++i) out += kHex[device() % 16];
  return out;
}

int Run(const RehearseFlags& f) {
  RealDiskInterface disk;
  std::string cwd = CurrentDirectory();
  LoadedReleaseSettings loaded =
      LoadReleaseSettings(&disk, f.settings_file, cwd, SelfExecutablePath());
  ReleaseSettings s = loaded.settings;
  if (!f.database_url_env.empty()) s.database_url_env = f.database_url_env;
  if (!f.table.empty()) s.table = f.table;
  if (!f.lock_timeout.empty())
    s.lock_timeout_seconds = DurationFlag("--lock-timeout", f.lock_timeout);
  if (!f.statement_timeout.empty())
    s.statement_timeout_seconds = DurationFlag("--statement-timeout", f.statement_timeout);
  if (f.lock_retries >= 0) s.lock_retries = f.lock_retries;
  if (!f.transaction.empty())
    s.transaction = f.transaction == "all" ? ReleaseSettings::TransactionMode::kAll
                                           : ReleaseSettings::TransactionMode::kPerMigration;
  if (!f.on_failure.empty())
    s.on_failure = f.on_failure == "rollback-release"
                       ? ReleaseSettings::OnFailure::kRollbackRelease
                       : ReleaseSettings::OnFailure::kStop;
  if (f.allow_out_of_order) s.allow_out_of_order = true;

  RehearsalOptions o;
  std::string root = loaded.app_root == cwd ? "" : loaded.app_root;
  o.migrations_dir = !f.dir.empty() ? f.dir : JoinAppPath(root, s.migrations_dir);
  o.from_dump = f.from_dump;
  if (o.from_dump.empty()) {
    o.source_url = !f.database_url.empty() ? f.database_url : Getenv(s.database_url_env);
    if (o.source_url.empty())
      throw UserError(kExitUsage,
                      s.database_url_env + " is not set: nothing to copy. Pass the database "
                      "the release would migrate with --database-url (or set " +
                          s.database_url_env + "), or an archive with --from-dump FILE.");
  }
  o.into_url = f.into;
  o.schema_only = f.schema_only;
  o.exclude_table_data = f.exclude_table_data;
  unsigned cores = std::thread::hardware_concurrency();
  o.jobs = f.jobs > 0 ? f.jobs : static_cast<int>(std::min(8u, std::max(1u, cores)));
  o.json = f.json;
  o.keep = f.keep;
  o.hooks = f.hooks;
  o.pg_bin_dir = f.pg_bin_dir;
  o.settings = s;
  o.run.run_id = RandomHex(12);
  o.run.release = "rehearsal";
  o.run.app = Getenv("HEROKU_APP_NAME");
  if (o.run.app.empty()) o.run.app = loaded.app;
  o.run.runner = std::string("slugwright ") + SLUGWRIGHT_VERSION + " rehearse";

  Redactor redactor;
  redactor.AddSecret(o.source_url);
  redactor.AddSecret(o.into_url);
  Console console(std::cout, std::cerr, &redactor);
  if (f.json) console.set_data_mode(true);
  // Progress goes where the steps go: stderr when stdout carries JSON.
  o.progress_out = f.json ? &std::cerr : &std::cout;
  o.progress_terminal = ::isatty(f.json ? STDERR_FILENO : STDOUT_FILENO) == 1;
  Interrupt interrupt;
  interrupt.Install();
  try {
    if (!loaded.file.empty()) console.Detail("Release settings: " + loaded.file);
    return Rehearse(o, &disk, &console, &redactor, &interrupt);
  } catch (const UserError& e) {
    throw UserError(e.code(), redactor.Scrub(e.what()));
  } catch (const std::exception& e) {
    throw UserError(kExitFailed, redactor.Scrub(e.what()));
  }
}

}  // namespace

void RegisterRehearseCommand(CLI::App* app, int* status) {
  auto f = std::make_shared<RehearseFlags>();
  CLI::App* cmd = app->add_subcommand(
      "rehearse",
      "Apply the pending migrations to a scratch copy of the database and report what "
      "each one locks, rewrites and how long it takes");
  cmd->footer(
      "Copies the database (pg_dump, read only; or --from-dump) into a scratch database, "
      "applies the pending migrations there as the release phase would (same settings, "
      "transactions and timeouts; hooks only with --hooks), and reports for each one its "
      "duration, the locks it held at commit that block reads or writes, the tables and "
      "indexes it rewrote, the rows of the tables it touched, and why it is risky. The "
      "source is never written to; the scratch database is removed afterwards.\n"
      "Exit: 0 every pending migration applied on the copy, 1 one failed (named) or the "
      "copy failed, 2 usage/input, 4 the release would refuse (integrity), 130/143 "
      "interrupted.");
  cmd->add_option("--settings", f->settings_file,
                  "Release settings file (default: .slugwright/release.json in the current "
                  "directory, or beside the binary)");
  cmd->add_option("--dir", f->dir,
                  "Directory of migration files (default: the settings' `migrations`)");
  auto* url = cmd->add_option("--database-url", f->database_url,
                              "The database the release would migrate, read only (default: "
                              "the variable named by --database-url-env, DATABASE_URL)");
  cmd->add_option("--database-url-env", f->database_url_env,
                  "Variable holding the source database URL (default: database_url_env, "
                  "DATABASE_URL)");
  auto* dump = cmd->add_option("--from-dump", f->from_dump,
                               "Restore this pg_dump -Fc archive instead of dumping a "
                               "database (e.g. latest.dump from `heroku pg:backups:download`)");
  url->excludes(dump);
  cmd->add_option("--into", f->into,
                  "Restore into a new, uniquely named database on this server (dropped "
                  "afterwards unless --keep) instead of a throwaway local cluster");
  cmd->add_flag("--schema-only", f->schema_only,
                "Copy the schema and the migration history only, no rows (fast, but "
                "failures that depend on data cannot show)");
  cmd->add_option("--exclude-table-data", f->exclude_table_data,
                  "Copy this table's definition but not its rows (a pg_dump pattern, e.g. "
                  "public.audit_log or 'events_*'); repeatable")
      ->allow_extra_args(false);
  cmd->add_option("--jobs", f->jobs,
                  "Parallel pg_restore jobs (default: the number of cores, at most 8)")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--json", f->json, "Print the report as JSON on stdout");
  auto* keep = cmd->add_flag("--keep", f->keep,
                             "Keep the --into scratch database and print its name");
  cmd->add_flag("--hooks", f->hooks,
                "Run the release hooks too, with DATABASE_URL pointing at the copy");
  cmd->add_option("--pg-bin-dir", f->pg_bin_dir,
                  "Directory holding the pg_dump and pg_restore to use (default: the newest "
                  "/usr/lib/postgresql/*/bin, or PATH)");
  cmd->add_option("--table", f->table,
                  "History table, schema-qualified (default: public.slugwright_migrations)");
  cmd->add_option("--lock-timeout", f->lock_timeout,
                  "lock_timeout for migration statements, as in the release (default: 5s); "
                  "ACCESS EXCLUSIVE held longer than this is flagged");
  cmd->add_option("--statement-timeout", f->statement_timeout,
                  "statement_timeout for migration statements; 0 is none (default: 0)");
  cmd->add_option("--lock-retries", f->lock_retries,
                  "Retries of a migration that hit lock_timeout (default: 3)");
  cmd->add_option("--transaction", f->transaction,
                  "per-migration (default) or all (one transaction for the whole batch)")
      ->check(CLI::IsMember({"per-migration", "all"}));
  cmd->add_option("--on-failure", f->on_failure,
                  "stop (default) or rollback-release (revert, on the copy, what the run "
                  "applied)")
      ->check(CLI::IsMember({"stop", "rollback-release"}));
  cmd->add_flag("--allow-out-of-order", f->allow_out_of_order,
                "Apply pending migrations older than the newest applied one");
  (void)keep;
  cmd->callback([status, f] { *status = Run(*f); });
}
