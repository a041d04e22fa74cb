#ifndef SLUGWRIGHT_TESTING_FAKE_SCHEMA_INSPECTION_H_
#define SLUGWRIGHT_TESTING_FAKE_SCHEMA_INSPECTION_H_

#include <string>
#include <vector>

#include "migrate/schema_inspection.h"
#include "testing/fake_database.h"

/// A schema with no invalid index; Inspect() is not supported (the
/// interface's default refuses it). It passes SchemaInspectionContract
/// (testing/driver_contract.h).
class FakeSchemaInspection : public virtual SchemaInspection, public virtual FakeDatabase {
 public:
  std::vector<std::string> InvalidIndexes() override {
    ++queries_;
    return {};
  }
  /// Sessions said to hold locks, each on its `relation` ("schema.name" or
  /// "name").
  std::vector<LockHolder> relation_lock_holders;
  std::vector<LockHolder> RelationLockHolders(const std::vector<SqlName>& relations) override {
    ++queries_;
    std::vector<LockHolder> holders;
    for (const LockHolder& h : relation_lock_holders)
      for (const SqlName& r : relations)
        if (h.relation == r.Display() || h.relation == r.name) {
          holders.push_back(h);
          break;
        }
    return holders;
  }
};

#endif  // SLUGWRIGHT_TESTING_FAKE_SCHEMA_INSPECTION_H_
