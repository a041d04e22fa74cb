// The DatabaseDriver contract suite (testing/driver_contract.h) on
// PostgresDriver, each check on a fresh database of the shared test
// cluster; migrate/fake_driver_contract_test.cc runs the same checks on the
// fake.

#include <memory>

#include "base/redactor.h"
#include "postgres/database_url.h"
#include "postgres/local_postgres.h"
#include "postgres/postgres_driver.h"
#include "postgres/sql_session.h"
#include "testing/driver_contract.h"
#include "testing/pg_fixture.h"

namespace {

class PostgresDriverUnderContract : public DriverUnderContract {
 public:
  PostgresDriverUnderContract() {
    redactor_.AddSecret(TestCluster().password());
    driver_ = std::make_unique<PostgresDriver>(DatabaseTarget::Parse(db_.url()),
                                               HistoryTableName(), "slugwright contract",
                                               &redactor_);
  }
  DatabaseDriver& driver() override { return *driver_; }
  /// A session of its own takes the lock, and unlocks it before closing
  /// (so the lock is free when the handle is gone, not once the server
  /// has noticed the closed session).
  std::shared_ptr<void> HoldLockElsewhere() override {
    std::unique_ptr<SqlSession> other = db_.Connect();
    other->Query("SELECT pg_advisory_lock(" + MigrationLockArguments() + ")");
    return std::shared_ptr<SqlSession>(other.release(), [](SqlSession* session) {
      session->Query("SELECT pg_advisory_unlock(" + MigrationLockArguments() + ")");
      delete session;
    });
  }
  std::string secret() const override { return TestCluster().password(); }

 private:
  PgDatabase db_;
  Redactor redactor_;
  std::unique_ptr<PostgresDriver> driver_;
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Postgres, DatabaseDriverContract,
                         ::testing::Values(DriverContractTarget{
                             "Postgres", [] {
                               return std::unique_ptr<DriverUnderContract>(
                                   new PostgresDriverUnderContract);
                             }}),
                         [](const auto& info) { return info.param.name; });
