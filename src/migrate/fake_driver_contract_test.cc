// The DatabaseDriver contract suite (testing/driver_contract.h) on the
// fake the Migrator's unit tests use, so the fake behaves as PostgresDriver
// does (postgres/postgres_driver_contract_pg_test.cc runs the same checks
// there).

#include <memory>

#include "testing/driver_contract.h"
#include "testing/fake_database_driver.h"

namespace {

class FakeDriverUnderContract : public DriverUnderContract {
 public:
  FakeDriverUnderContract() {
    // The fake runs no SQL: it refuses the missing table as the server would.
    fake_.fail_sql[kContractMissingTable] = {"42P01"};
    // ... and a COPY waiting for data, as PostgresDriver reports it.
    fake_.fail_sql["FROM STDIN"] = {"0A000"};
  }
  DatabaseDriver& driver() override { return fake_; }
  std::shared_ptr<void> HoldLockElsewhere() override {
    fake_.lock_free = false;
    return std::shared_ptr<void>(nullptr, [this](void*) { fake_.lock_free = true; });
  }

 private:
  FakeDatabaseDriver fake_;
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Fake, DatabaseDriverContract,
                         ::testing::Values(DriverContractTarget{
                             "Fake", [] {
                               return std::unique_ptr<DriverUnderContract>(
                                   new FakeDriverUnderContract);
                             }}),
                         [](const auto& info) { return info.param.name; });
