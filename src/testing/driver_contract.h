#ifndef SLUGWRIGHT_TESTING_DRIVER_CONTRACT_H_
#define SLUGWRIGHT_TESTING_DRIVER_CONTRACT_H_

// The DatabaseDriver contract suite: one set of checks of what
// migrate/database_driver.h promises (history tables, history rows, the
// migration lock, transactions, non-transactional progress, repairs,
// statement errors with their SQLSTATE), run on every driver. The fake
// runs it in slugwright_tests (migrate/fake_driver_contract_test.cc),
// PostgresDriver in slugwright_pg_tests
// (postgres/postgres_driver_contract_pg_test.cc). To put a new driver
// under it:
//
//   class MyDriverUnderContract : public DriverUnderContract { ... };
//   INSTANTIATE_TEST_SUITE_P(MyDriver, DatabaseDriverContract,
//       ::testing::Values(DriverContractTarget{"MyDriver", [] {
//         return std::unique_ptr<DriverUnderContract>(new MyDriverUnderContract);
//       }}));

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <memory>
#include <string>

#include "migrate/database_driver.h"

/// A statement every driver must refuse with SQLSTATE 42P01
/// (undefined_table): it names a table that does not exist. A driver that
/// runs no SQL (the fake) is set up to fail on it.
extern const char kContractMissingTable[];

/// One driver on a fresh, empty database, and what the checks need to do
/// to that database from outside the driver.
class DriverUnderContract {
 public:
  virtual ~DriverUnderContract() = default;
  /// The driver, not yet connected.
  virtual DatabaseDriver& driver() = 0;
  /// Another session takes the migration lock, until the returned object
  /// goes away.
  virtual std::shared_ptr<void> HoldLockElsewhere() = 0;
  /// Text that Describe() and error messages must never contain (the
  /// password); "" for none.
  virtual std::string secret() const { return ""; }
};

/// A driver to run the suite on: its name and how to make one per check.
struct DriverContractTarget {
  std::string name;
  std::function<std::unique_ptr<DriverUnderContract>()> make;
};
/// GoogleTest prints a target by its name.
inline void PrintTo(const DriverContractTarget& target, std::ostream* out) {
  *out << target.name;
}

/// The suite; instantiate it with INSTANTIATE_TEST_SUITE_P.
class DatabaseDriverContract : public ::testing::TestWithParam<DriverContractTarget> {
 protected:
  void SetUp() override;

  DatabaseDriver& driver() { return subject_->driver(); }
  /// Connects and creates the history tables.
  void ConnectWithHistory();
  /// The history rows; fails the check when the tables do not exist.
  std::vector<HistoryRow> History();
  /// A transactional migration whose up SQL creates table contract_<version>.
  static Migration MigrationNumbered(int64_t version);
  /// One whose up SQL fails with 42P01.
  static Migration FailingMigration(int64_t version);

  RunInfo run_;
  std::unique_ptr<DriverUnderContract> subject_;
};

#endif  // SLUGWRIGHT_TESTING_DRIVER_CONTRACT_H_
