#ifndef SLUGWRIGHT_TESTING_DRIVER_CONTRACT_H_
#define SLUGWRIGHT_TESTING_DRIVER_CONTRACT_H_

// The driver contract suites: one suite of checks per role of
// migrate/database_driver.h, each holding an implementation to what its
// role header promises, run on every implementation.
//   SessionContract           connect, describe, statements and their
//                             SQLSTATEs, timeouts, cancel (session.h)
//   LockBackendContract       the migration lock (lock_backend.h)
//   HistoryStoreContract      history tables and rows, transactions,
//                             non-transactional progress, lost commits
//                             (history_store.h)
//   HistoryRepairContract     repairs and adoptions (history_repair.h)
//   ForeignTablesContract     other tools' tables (foreign_tables.h)
//   SchemaInspectionContract  invalid indexes (schema_inspection.h)
// A suite touches its role and the roles it needs to set up and read back
// (every suite connects through the Session; repairs and foreign tables
// also need the HistoryStore), nothing else. The fakes run them in
// slugwright_tests (migrate/fake_driver_contract_test.cc), each role's fake
// alone and FakeDatabaseDriver as a whole; PostgresDriver in
// slugwright_pg_tests (postgres/postgres_driver_contract_pg_test.cc). To
// put a new driver under them:
//
//   class MyDriverUnderContract : public DriverUnderContract { ... };
//   const DriverContractTarget kMyDriver{"MyDriver", [] {
//     return std::unique_ptr<DriverUnderContract>(new MyDriverUnderContract);
//   }};
//   INSTANTIATE_TEST_SUITE_P(MyDriver, SessionContract, ::testing::Values(kMyDriver));
//   ... and the same for each role it plays.

#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "migrate/foreign_tables.h"
#include "migrate/history_repair.h"
#include "migrate/history_store.h"
#include "migrate/lock_backend.h"
#include "migrate/schema_inspection.h"
#include "migrate/session.h"

/// A statement every driver must refuse with SQLSTATE 42P01
/// (undefined_table): it names a table that does not exist. A driver that
/// runs no SQL (the fake) is set up to fail on it.
extern const char kContractMissingTable[];

/// One implementation on a fresh, empty database: the roles it plays, all
/// on one session, and what the checks need to do to that database from
/// outside it. A role it does not play is null; a suite instantiated on
/// such a target fails.
class DriverUnderContract {
 public:
  virtual ~DriverUnderContract() = default;
  /// The session every role below works on, not yet connected.
  virtual Session& session() = 0;
  virtual LockBackend* lock() { return nullptr; }
  virtual HistoryStore* history() { return nullptr; }
  virtual HistoryRepair* repair() { return nullptr; }
  virtual ForeignTables* foreign_tables() { return nullptr; }
  virtual SchemaInspection* inspection() { return nullptr; }

  /// Another session takes the migration lock, until the returned handle
  /// goes away (LockBackendContract; the handle may hold a null pointer).
  virtual std::shared_ptr<void> HoldLockElsewhere() { return nullptr; }
  /// Another tool creates its history table `table` in the current schema,
  /// with text `columns` and `rows` (ForeignTablesContract).
  virtual void CreateForeignTable(const std::string& table,
                                  const std::vector<std::string>& columns,
                                  const std::vector<std::vector<std::string>>& rows) {
    (void)table, (void)columns, (void)rows;
  }
  /// Text that Describe() and error messages must never contain (the
  /// password); "" for none.
  virtual std::string secret() const { return ""; }
};

/// An implementation to run the suites on: its name and how to make one
/// per check.
struct DriverContractTarget {
  std::string name;
  std::function<std::unique_ptr<DriverUnderContract>()> make;
};
/// GoogleTest prints a target by its name.
inline void PrintTo(const DriverContractTarget& target, std::ostream* out) {
  *out << target.name;
}
/// Names the instantiated checks after the target ("Fake", "Postgres").
inline std::string DriverContractName(
    const ::testing::TestParamInfo<DriverContractTarget>& info) {
  return info.param.name;
}

/// What every suite shares: a fresh subject per check, and the run its
/// history rows are written for.
class DriverContract : public ::testing::TestWithParam<DriverContractTarget> {
 protected:
  void SetUp() override;

  Session& session() { return subject_->session(); }
  /// The role a suite checks, or the check fails when the target lacks it.
  template <class Role>
  Role& Require(Role* role, const char* name) {
    if (!role) throw std::logic_error(GetParam().name + " does not play the role " + name);
    return *role;
  }

  RunInfo run_;
  std::unique_ptr<DriverUnderContract> subject_;
};

class SessionContract : public DriverContract {};

class LockBackendContract : public DriverContract {
 protected:
  LockBackend& lock() { return Require(subject_->lock(), "LockBackend"); }
};

/// The history suites' helpers.
class HistoryContract : public DriverContract {
 protected:
  HistoryStore& history() { return Require(subject_->history(), "HistoryStore"); }
  /// Connects and creates the history tables.
  void ConnectWithHistory();
  /// The history rows; fails the check when the tables do not exist.
  std::vector<HistoryRow> History();
  /// A transactional migration whose up SQL creates table contract_<version>.
  static Migration MigrationNumbered(int64_t version);
  /// One whose up SQL fails with 42P01.
  static Migration FailingMigration(int64_t version);
  /// ApplyUp in a transaction of its own.
  void Apply(const Migration& migration, bool out_of_order = false);
};

class HistoryStoreContract : public HistoryContract {};

class HistoryRepairContract : public HistoryContract {
 protected:
  HistoryRepair& repair() { return Require(subject_->repair(), "HistoryRepair"); }
};

class ForeignTablesContract : public HistoryContract {
 protected:
  ForeignTables& tables() { return Require(subject_->foreign_tables(), "ForeignTables"); }
};

class SchemaInspectionContract : public DriverContract {
 protected:
  SchemaInspection& inspection() {
    return Require(subject_->inspection(), "SchemaInspection");
  }
};

#endif  // SLUGWRIGHT_TESTING_DRIVER_CONTRACT_H_
