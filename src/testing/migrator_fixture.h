#ifndef SLUGWRIGHT_TESTING_MIGRATOR_FIXTURE_H_
#define SLUGWRIGHT_TESTING_MIGRATOR_FIXTURE_H_

// The Migrator's collaborators as in-memory doubles, for the unit tests of
// its decisions: a source, the fake driver, a recording command runner, a
// fake clock, a redactor with no secret, a Console writing to strings with the command line's words
// for the run's events (cli/output/migrate_output.h) whose facts are kept
// too (recording_run_observer.h), and the real guard
// against other tools' histories.

#include <gtest/gtest.h>
#include <sstream>

#include "base/console.h"
#include "base/exit_codes.h"
#include "base/redactor.h"
#include "cli/output/command_output.h"
#include "migrate/migrator.h"
#include "testing/fake_database_driver.h"
#include "testing/recording_run_observer.h"
#include "tools/foreign_history.h"

/// The doubles themselves, for tests that need more than one set (the
/// golden tests run each scenario once per output format).
struct MigratorDoubles {
  FakeSource source;
  FakeDatabaseDriver driver;
  RecordingRunner runner;
  FakeClock clock;
  Redactor redactor;
  std::ostringstream out, err;
  Console console{out, err, nullptr};
  RecordingRunObserver events{&console};
  ConsoleCommandObserver command_events{&console};
  ConsoleAdoptObserver adopt_events{&console};
  KnownToolsHistoryGuard foreign_history;
  MigratorOptions options;

  MigratorDoubles() {
    options.run.run_id = "run1";
    options.seed = 1;
    options.events = &events;
    options.foreign_history = &foreign_history;
  }
  MigratorDoubles(const MigratorDoubles&) = delete;
  MigratorDoubles& operator=(const MigratorDoubles&) = delete;
  Migrator Make() {
    return Migrator(&source, &driver, &runner, &redactor, &clock, nullptr, options);
  }
  int Up() { return Make().Up(false); }
  /// What the parts outside the Migrator (`command:`, adopt, repair) take;
  /// `command:` and adopt also take command_events and adopt_events.
  MigratorContext Context() {
    return {&source, &driver, &runner, &redactor, &clock, nullptr, &options};
  }
};

struct MigratorFixture : public ::testing::Test, public MigratorDoubles {};

#endif  // SLUGWRIGHT_TESTING_MIGRATOR_FIXTURE_H_
