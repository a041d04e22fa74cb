#ifndef SLUGWRIGHT_TESTING_FAKE_SESSION_H_
#define SLUGWRIGHT_TESTING_FAKE_SESSION_H_

#include <string>

#include "migrate/session.h"
#include "testing/fake_database.h"

/// A Session that runs nothing (fake_database.h): connecting
/// always works, statements are logged ("stmt ...") or fail as `fail_sql`
/// says. It passes SessionContract (testing/driver_contract.h).
class FakeSession : public virtual Session, public virtual FakeDatabase {
 public:
  std::string Describe() const override { return "u@fake:5432/db"; }
  void Connect() override { ++calls["connect"]; }
  void CheckSessionIsDirect(bool) override { ++calls["check_direct"]; }
  void SetTimeouts(double, double) override {
    ++calls["set_timeouts"];
    ++queries_;
  }
  void ExecuteStatement(const std::string& sql) override {
    ++queries_;
    MaybeFail(sql, false);
    log.push_back("stmt " + sql);
  }
  void Cancel() noexcept override { ++calls["cancel"]; }
  int queries_sent() const override { return queries_; }
};

#endif  // SLUGWRIGHT_TESTING_FAKE_SESSION_H_
