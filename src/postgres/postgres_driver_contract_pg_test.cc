// The driver contract suites (testing/driver_contract.h) on
// PostgresDriver, which plays every role, each check on a fresh database of
// the shared test cluster; migrate/fake_driver_contract_test.cc runs the
// same checks on the fakes.

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
  Session& session() override { return *driver_; }
  LockBackend* lock() override { return driver_.get(); }
  HistoryStore* history() override { return driver_.get(); }
  HistoryRepair* repair() override { return driver_.get(); }
  ForeignTables* foreign_tables() override { return driver_.get(); }
  SchemaInspection* inspection() override { return driver_.get(); }

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
  /// On a session of its own, in the public schema the driver's session
  /// sees as current.
  void CreateForeignTable(const std::string& table, const std::vector<std::string>& columns,
                          const std::vector<std::vector<std::string>>& rows) override {
    std::unique_ptr<SqlSession> other = db_.Connect();
    std::string definition;
    for (const std::string& column : columns)
      definition += (definition.empty() ? "" : ", ") + other->QuoteName(column) + " text";
    std::string sql = "CREATE TABLE " + other->QuoteName(table) + " (" + definition + ");";
    for (const auto& row : rows) {
      std::string values;
      for (const std::string& value : row)
        values += (values.empty() ? "" : ", ") + other->Quote(value);
      sql += " INSERT INTO " + other->QuoteName(table) + " VALUES (" + values + ");";
    }
    other->Query(sql);
  }
  std::string secret() const override { return TestCluster().password(); }

 private:
  PgDatabase db_;
  Redactor redactor_;
  std::unique_ptr<PostgresDriver> driver_;
};

const DriverContractTarget kPostgres{"Postgres", [] {
                                       return std::unique_ptr<DriverUnderContract>(
                                           new PostgresDriverUnderContract);
                                     }};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Postgres, SessionContract, ::testing::Values(kPostgres),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Postgres, LockBackendContract, ::testing::Values(kPostgres),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Postgres, HistoryStoreContract, ::testing::Values(kPostgres),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Postgres, HistoryRepairContract, ::testing::Values(kPostgres),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Postgres, ForeignTablesContract, ::testing::Values(kPostgres),
                         DriverContractName);
INSTANTIATE_TEST_SUITE_P(Postgres, SchemaInspectionContract, ::testing::Values(kPostgres),
                         DriverContractName);
