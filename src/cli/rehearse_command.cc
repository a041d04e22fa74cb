// `slugwright rehearse`: the command line of the release rehearsal
// (rehearsal.h). Settings come from .slugwright/release.json as for
// `slugwright release`, with the same flags overriding them.

#include <unistd.h>

extern char** environ;

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "base/console.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "base/self_exe.h"
#include "base/text.h"
#include "base/version.h"
#include "cli/commands.h"
#include "cli/output/command_output.h"
#include "cli/output/migrate_output.h"
#include "cli/output/rehearsal_report_output.h"
#include "cli/output/rehearsal_steps_output.h"
#include "cli/release_context.h"
#include "cli/settings_flags.h"
#include "migrate/release_file.h"
#include "postgres/database_url.h"
#include "rehearse/rehearsal.h"
#include "rehearse/rehearsal_report.h"

namespace {

struct RehearseFlags {
  SettingsFlags settings;
  std::string from_dump;
  std::string into;
  bool schema_only = false;
  std::vector<std::string> exclude_table_data;
  int jobs = 0;
  bool json = false;
  bool keep = false;
  bool hooks = false;
  bool probe = false;
  std::string pg_bin_dir;
};

/// Words a rehearsal's outcome: its steps and report as text, and with
/// --json the report on stdout. Returns the exit status.
int Render(const RehearsalOutcome& outcome, bool json, Console* console) {
  switch (outcome.kind) {
    case RehearsalOutcome::Kind::kSourceUpToDate:
      console->Step(outcome.source + " is up to date (" + Plural(outcome.applied, "migration") +
                    " applied): nothing to rehearse, nothing was copied");
      break;
    case RehearsalOutcome::Kind::kCopyUpToDate:
      console->Step("The copy is up to date (" + Plural(outcome.applied, "migration") +
                    " applied): nothing to rehearse");
      break;
    case RehearsalOutcome::Kind::kRehearsed:
      for (const ReportLine& line : FormatReport(outcome.report)) {
        switch (line.kind) {
          case ReportLine::Kind::kStep: console->Step(line.text); break;
          case ReportLine::Kind::kDetail: console->Detail(line.text); break;
          case ReportLine::Kind::kWarning: console->Warning(line.text); break;
          case ReportLine::Kind::kError: console->Error(line.text); break;
        }
      }
      break;
  }
  if (json) console->Data(ReportJson(outcome.report).dump(2) + "\n");
  return outcome.exit_code();
}

int Run(const RehearseFlags& f) {
  RealDiskInterface disk;
  ReleaseContext context = ResolveReleaseContext(f.settings, &disk, "rehearse", "rehearsal");
  const ReleaseSettings& s = context.settings;

  RehearsalOptions o;
  o.migrations_dir = context.migrations_dir;
  o.from_dump = f.from_dump;
  o.release_url = context.database_url;
  if (o.from_dump.empty()) {
    o.source_url = context.database_url;
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
  o.probe = f.probe;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq != std::string::npos) o.environment[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  o.pg_bin_dir = f.pg_bin_dir;
  o.settings = s;
  o.run = context.run;

  context.AddDatabaseUrl(o.into_url);
  Redactor& redactor = context.redactor;
  Console console(std::cout, std::cerr, &redactor);
  if (f.json) console.set_data_mode(true);
  CopyReleaseObservers events(&console);
  o.run_events = &events.run;
  o.command_events = &events.command;
  o.command_output = &events.output;
  // Progress goes where the steps go: stderr when stdout carries JSON.
  o.progress_out = f.json ? &std::cerr : &std::cout;
  o.progress_terminal = ::isatty(f.json ? STDERR_FILENO : STDOUT_FILENO) == 1;
  Interrupt interrupt;
  interrupt.Install();
  return RunScrubbed(redactor, [&] {
    const std::string& settings_file = context.resolved.loaded.file;
    if (!settings_file.empty()) console.Detail("Release settings: " + settings_file);
    ConsoleRehearsalSteps steps(&console);
    return Render(Rehearse(o, &disk, &steps, &redactor, &interrupt), o.json, &console);
  });
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
      "source is never written to; the scratch database is removed afterwards. With "
      "release.command, that command runs on the copy instead (DATABASE_URL pointing "
      "there, never at the source), watched from the server: DDL, locks, rewrites, and "
      "with --probe how long reads and writes were blocked. Before the copy, the pending "
      "files are checked with `migrate lint`'s rules (with release.command: the statements "
      "the server saw the tool run, after it) and the findings are in the report.\n"
      "Exit: 0 every pending migration applied on the copy, 1 one failed (named) or the "
      "copy failed, 2 usage/input, 4 the release would refuse (integrity), 130/143 "
      "interrupted. Risks and lint findings are warnings: they do not change it.");
  AddSettingsFlags(cmd, &f->settings, kAllSettingsFlags & ~kLockWaitFlag);
  cmd->get_option("--database-url")
      ->description("The database the release would migrate, read only (default: the "
                    "variable named by --database-url-env, DATABASE_URL)");
  cmd->get_option("--lock-timeout")
      ->description("lock_timeout for migration statements, as in the release (default: "
                    "5s); ACCESS EXCLUSIVE held longer than this is flagged");
  auto* dump = cmd->add_option("--from-dump", f->from_dump,
                               "Restore this pg_dump -Fc archive instead of dumping a "
                               "database (e.g. latest.dump from `heroku pg:backups:download`)");
  cmd->get_option("--database-url")->excludes(dump);
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
                  "Parallel pg_restore jobs and ANALYZE sessions (default: the number of "
                  "cores, at most 8)")
      ->check(CLI::Range(1, 64));
  cmd->add_flag("--json", f->json, "Print the report as JSON on stdout");
  cmd->add_flag("--keep", f->keep,
                             "Keep the --into scratch database and print its name");
  cmd->add_flag("--hooks", f->hooks,
                "Run the release hooks too, with DATABASE_URL pointing at the copy");
  cmd->add_flag("--probe", f->probe,
                "With release.command: read and write each table the tool locks every "
                "100 ms during the run, and report how long reads and writes were blocked");
  cmd->add_option("--pg-bin-dir", f->pg_bin_dir,
                  "Directory holding the pg_dump and pg_restore to use (default: the newest "
                  "/usr/lib/postgresql/*/bin, or PATH)");
  cmd->callback([status, f] { *status = Run(*f); });
}
