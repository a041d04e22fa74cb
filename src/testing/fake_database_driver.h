#ifndef SLUGWRIGHT_TESTING_FAKE_DATABASE_DRIVER_H_
#define SLUGWRIGHT_TESTING_FAKE_DATABASE_DRIVER_H_

// Test doubles for the Migrator's collaborators: an in-memory database
// playing every driver role, a clock that advances when slept, a source of
// prepared migrations and a command runner that records calls.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "migrate/database_driver.h"
#include "migrate/hook_runner.h"
#include "migrate/migration.h"
#include "testing/fake_clock.h"
#include "testing/fake_database.h"
#include "testing/fake_foreign_tables.h"
#include "testing/fake_history_store.h"
#include "testing/fake_lock_backend.h"
#include "testing/fake_schema_inspection.h"
#include "testing/fake_session.h"

/// A DatabaseDriver made of the role fakes, all sharing one record and one
/// history table (fake_database.h, fake_history_store.h), for tests of code
/// that takes the whole driver (the Migrator and the commands it hands its
/// context to). A test of one role's user takes that role's fake alone. It
/// passes every role's contract suite (testing/driver_contract.h) like
/// PostgresDriver: keep it so when changing either.
class FakeDatabaseDriver : public DatabaseDriver,
                           public FakeSession,
                           public FakeLockBackend,
                           public FakeHistoryStore,
                           public FakeHistoryRepair,
                           public FakeForeignTables,
                           public FakeSchemaInspection {};

/// A MigrationSource handing out prepared migrations.
class FakeSource : public MigrationSource {
 public:
  std::vector<Migration> migrations;
  std::vector<Migration> ReadAll() override { return migrations; }
  std::string Describe() const override { return "migrations/"; }

  Migration& Add(int64_t version, const std::string& up, const std::string& down = "",
                 bool in_transaction = true) {
    Migration m;
    m.version = version;
    m.name = "m" + std::to_string(version);
    m.up_path = m.down_path = "migrations/" + std::to_string(version) + "_" + m.name + ".sql";
    m.up_sql = up;
    m.down_sql = down;
    m.has_down = !down.empty();
    m.up_in_transaction = in_transaction;
    m.checksum = "sha256:" + up;
    migrations.push_back(m);
    return migrations.back();
  }
};

/// Records commands instead of running them; `exit_codes` says how each
/// command ends (0 by default), `outputs` what it printed last, `effects`
/// what it does meanwhile (e.g. a tool writing its history table).
class RecordingRunner : public CommandRunner {
 public:
  struct Call {
    std::string command;
    std::map<std::string, std::string> env;
  };
  std::vector<Call> calls;
  std::map<std::string, int> exit_codes;
  std::map<std::string, std::vector<std::string>> outputs;
  std::map<std::string, std::function<void()>> effects;

  ProcessResult Run(const std::string& command, const std::map<std::string, std::string>& env,
                    double, const std::string&, bool) override {
    calls.push_back({command, env});
    auto effect = effects.find(command);
    if (effect != effects.end()) effect->second();
    ProcessResult result;
    auto it = exit_codes.find(command);
    result.exit_code = it == exit_codes.end() ? 0 : it->second;
    auto said = outputs.find(command);
    if (said != outputs.end()) result.last_lines = said->second;
    return result;
  }
};

#endif  // SLUGWRIGHT_TESTING_FAKE_DATABASE_DRIVER_H_
