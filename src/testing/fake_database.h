#ifndef SLUGWRIGHT_TESTING_FAKE_DATABASE_H_
#define SLUGWRIGHT_TESTING_FAKE_DATABASE_H_

// What the role fakes (fake_session.h, fake_lock_backend.h,
// fake_history_store.h, fake_foreign_tables.h, fake_schema_inspection.h)
// share: injected failures and a record of what happened. Each role fake
// has it as a virtual base, so a fake used alone has one of its own, and a
// fake made of several roles (FakeDatabaseDriver, or a test's `struct :
// FakeSession, FakeLockBackend {}`) has one that all its roles share, as
// the roles of a real driver share one session.

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "migrate/database_error.h"

/// Migration SQL is "run" by logging it; `fail_sql` entries make a
/// statement containing the key fail with the given SQLSTATE (a count
/// limits how often).
class FakeDatabase {
 public:
  struct Failure {
    std::string sqlstate;
    int times = 1000000;
    /// The connection is lost instead (connection_lost errors).
    bool lost = false;
    /// With `lost`: the server committed an own-transaction ApplyUp before
    /// the connection went (the reply never arrived).
    bool committed = false;
  };

  FakeDatabase() = default;
  virtual ~FakeDatabase() = default;
  /// Not assignable: with the roles as virtual bases, an assignment would
  /// copy the shared state once per role.
  FakeDatabase& operator=(const FakeDatabase&) = delete;

  std::map<std::string, Failure> fail_sql;
  /// Everything that happened, in order: "up 1", "down 2", "stmt ...",
  /// "begin", "commit", "rollback", "event run_started", ...
  std::vector<std::string> log;
  std::map<std::string, int> calls;

  bool Logged(const std::string& entry) const {
    return std::find(log.begin(), log.end(), entry) != log.end();
  }
  /// Index of the first log entry, or -1.
  int IndexOf(const std::string& entry) const {
    auto it = std::find(log.begin(), log.end(), entry);
    return it == log.end() ? -1 : static_cast<int>(it - log.begin());
  }

 protected:
  /// Throws the DatabaseError `fail_sql` says `sql` fails with, if any.
  /// Before a lost connection whose failure says `committed`, calls
  /// `commit` (what the server committed), when given.
  void MaybeFail(const std::string& sql, bool own_transaction,
                 const std::function<void()>& commit = nullptr) {
    for (auto& [key, failure] : fail_sql) {
      if (sql.find(key) == std::string::npos || failure.times <= 0) continue;
      --failure.times;
      if (failure.lost) {
        log.push_back("lost " + key);
        if (failure.committed && commit) commit();
        throw DatabaseError("simulated lost connection at " + key, "08006", true);
      }
      log.push_back("error " + failure.sqlstate + " " + key);
      if (own_transaction) log.push_back("rollback");
      throw DatabaseError("simulated error " + failure.sqlstate + " at " + key,
                          failure.sqlstate, false);
    }
  }

  /// Queries sent by every role (Session::queries_sent).
  int queries_ = 0;
};

#endif  // SLUGWRIGHT_TESTING_FAKE_DATABASE_H_
