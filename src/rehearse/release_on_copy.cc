#include "rehearse/release_on_copy.h"

#include <unistd.h>

#include <algorithm>
#include <random>

#include "base/clock.h"
#include "base/exit_codes.h"
#include "base/redactor.h"
#include "migrate/directory_source.h"
#include "migrate/hook_runner.h"
#include "rehearse/rehearsal_observer.h"
#include "rehearse/scratch_database.h"

PostgresReleaseOnCopy::PostgresReleaseOnCopy(std::string migrations_dir, HistoryTableName table,
                                             DiskInterface* disk, Clock* clock, Console* console,
                                             const Redactor* redactor, Interrupt* interrupt)
    : migrations_dir_(std::move(migrations_dir)), table_(std::move(table)), disk_(disk),
      clock_(clock), console_(console), redactor_(redactor), interrupt_(interrupt),
      application_name_("slugwright rehearse pid " + std::to_string(::getpid())) {}

std::vector<HistoryRow> PostgresReleaseOnCopy::ReadHistory(const ScratchDatabase& scratch) {
  std::vector<HistoryRow> rows;
  PostgresDriver probe(scratch.Target(), table_, application_name_, redactor_);
  try {
    probe.Connect();
    probe.ReadHistory(&rows);
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
  return rows;
}

ReleaseOnCopyResult PostgresReleaseOnCopy::Apply(const ScratchDatabase& scratch,
                                                 const std::vector<const Migration*>& pending,
                                                 MigratorOptions options) {
  DatabaseTarget target = scratch.Target();
  PostgresDriver driver(target, table_, application_name_, redactor_);
  RehearsalObserver::Options observer_options;
  observer_options.batch =
      options.settings.transaction == ReleaseSettings::TransactionMode::kAll;
  observer_options.own_tables = {"\"" + table_.schema + "\".\"" + table_.table + "\"",
                                 table_.schema + "." + table_.table,
                                 table_.schema + "." + table_.table + "_events"};
  RehearsalObserver observer(
      &driver, target.Conninfo({{"application_name", application_name_ + " (observer)"}}),
      pending, observer_options, clock_);

  options.seed = std::random_device()();
  options.observer = &observer;
  DirectorySource source(disk_, migrations_dir_);
  ShellCommandRunner runner(console_, interrupt_);
  Migrator migrator(&source, &driver, &runner, console_, clock_, interrupt_, options);

  ReleaseOnCopyResult result;
  double start = clock_->Now();
  try {
    result.exit_code = migrator.Up(false);
  } catch (const UserError& e) {
    result.exit_code = e.code();
    result.failure = redactor_->Scrub(e.what());
  }
  result.release_seconds = std::max(0.0, clock_->Now() - start - observer.overhead_seconds());
  result.migrations = observer.Results();
  return result;
}
