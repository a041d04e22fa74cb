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
};

#endif  // SLUGWRIGHT_TESTING_FAKE_SCHEMA_INSPECTION_H_
