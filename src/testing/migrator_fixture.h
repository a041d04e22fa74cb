#ifndef SLUGWRIGHT_TESTING_MIGRATOR_FIXTURE_H_
#define SLUGWRIGHT_TESTING_MIGRATOR_FIXTURE_H_

// The Migrator's collaborators as in-memory doubles, for the unit tests of
// its decisions: a source, the fake driver, a recording command runner, a
// fake clock and a Console writing to strings.

#include <gtest/gtest.h>

#include <sstream>

#include "base/console.h"
#include "base/exit_codes.h"
#include "migrate/migrator.h"
#include "testing/fake_database_driver.h"

/// The doubles themselves, for tests that need more than one set (the
/// golden tests run each scenario once per output format).
struct MigratorDoubles {
  FakeSource source;
  FakeDatabaseDriver driver;
  RecordingRunner runner;
  FakeClock clock;
  std::ostringstream out, err;
  Console console{out, err, nullptr};
  MigratorOptions options;

  MigratorDoubles() {
    options.run.run_id = "run1";
    options.seed = 1;
  }
  MigratorDoubles(const MigratorDoubles&) = delete;
  MigratorDoubles& operator=(const MigratorDoubles&) = delete;
  Migrator Make() { return Migrator(&source, &driver, &runner, &console, &clock, nullptr, options); }
  int Up() { return Make().Up(false); }
};

struct MigratorFixture : public ::testing::Test, public MigratorDoubles {};

#endif  // SLUGWRIGHT_TESTING_MIGRATOR_FIXTURE_H_
