// The driver contract suites (testing/driver_contract.h) on the fakes the
// unit tests use, so they behave as PostgresDriver does
// (postgres/postgres_driver_contract_pg_test.cc runs the same checks
// there): each role's fake alone (on a FakeSession, which every suite
// connects through), and FakeDatabaseDriver, which plays every role.

#include <memory>
#include <type_traits>

#include "testing/driver_contract.h"
#include "testing/fake_database_driver.h"

namespace {

/// The role fakes `Fakes...` composed on one in-memory database, under
/// contract for the roles they play.
template <class... Fakes>
class FakesUnderContract : public DriverUnderContract {
 public:
  FakesUnderContract() {
    // The fake runs no SQL: it refuses the missing table as the server would.
    fake_.fail_sql[kContractMissingTable] = {"42P01"};
    // ... and a COPY waiting for data, as PostgresDriver reports it.
    fake_.fail_sql["FROM STDIN"] = {"0A000"};
  }
  Session& session() override { return fake_; }
  LockBackend* lock() override { return Role<LockBackend>(); }
  HistoryStore* history() override { return Role<HistoryStore>(); }
  HistoryRepair* repair() override { return Role<HistoryRepair>(); }
  ForeignTables* foreign_tables() override { return Role<ForeignTables>(); }
  SchemaInspection* inspection() override { return Role<SchemaInspection>(); }

  std::shared_ptr<void> HoldLockElsewhere() override {
    if constexpr (std::is_base_of_v<FakeLockBackend, Fake>) {
      fake_.lock_free = false;
      return std::shared_ptr<void>(nullptr, [this](void*) { fake_.lock_free = true; });
    }
    return nullptr;
  }
  void CreateForeignTable(const std::string& table, const std::vector<std::string>& columns,
                          const std::vector<std::vector<std::string>>& rows) override {
    if constexpr (std::is_base_of_v<FakeForeignTables, Fake>)
      fake_.foreign_tables[table] = {columns, rows};
  }

 private:
  struct Fake : Fakes... {};
  template <class R>
  R* Role() {
    if constexpr (std::is_base_of_v<R, Fake>)
      return &fake_;
    else
      return nullptr;
  }
  Fake fake_;
};

template <class... Fakes>
DriverContractTarget Target(const char* name) {
  return {name, [] {
            return std::unique_ptr<DriverUnderContract>(new FakesUnderContract<Fakes...>);
          }};
}

const DriverContractTarget kWholeFake = Target<FakeDatabaseDriver>("FakeDatabaseDriver");

}  // namespace

INSTANTIATE_TEST_SUITE_P(Fake, SessionContract,
                         ::testing::Values(Target<FakeSession>("FakeSession"), kWholeFake),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Fake, LockBackendContract,
                         ::testing::Values(Target<FakeSession, FakeLockBackend>(
                                               "FakeLockBackend"),
                                           kWholeFake),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Fake, HistoryStoreContract,
                         ::testing::Values(Target<FakeSession, FakeHistoryStore>(
                                               "FakeHistoryStore"),
                                           kWholeFake),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Fake, HistoryRepairContract,
                         ::testing::Values(Target<FakeSession, FakeHistoryStore,
                                                  FakeHistoryRepair>("FakeHistoryRepair"),
                                           kWholeFake),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Fake, ForeignTablesContract,
                         ::testing::Values(Target<FakeSession, FakeHistoryStore,
                                                  FakeForeignTables>("FakeForeignTables"),
                                           kWholeFake),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Fake, SchemaInspectionContract,
                         ::testing::Values(Target<FakeSession, FakeSchemaInspection>(
                                               "FakeSchemaInspection"),
                                           kWholeFake),
                         DriverContractName);
