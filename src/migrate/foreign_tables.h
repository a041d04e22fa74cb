#ifndef SLUGWRIGHT_MIGRATE_FOREIGN_TABLES_H_
#define SLUGWRIGHT_MIGRATE_FOREIGN_TABLES_H_

// The foreign-tables role of a database driver (database_driver.h): read
// access to history tables this runner does not own, i.e. other tools'
// (dbmate, Flyway, sequelize, ...; tools/foreign_history.h,
// tools/tool_history.h, where ForeignHistory is what one of them says) and
// other slugwright tables configured with another `table:`. Its own role
// because tools/ reads them and nothing else, and because these reads
// take table names from outside slugwright's own schema knowledge.

#include <map>
#include <string>
#include <vector>

#include "migrate/database_error.h"

/// Reads of other history tables, on the driver's Session. Every method
/// throws DatabaseError for a database failure.
class ForeignTables {
 public:
  virtual ~ForeignTables() = default;

  /// Of `tables`, those that exist in the session's current schema, each
  /// with its column names in order. Table names are exact
  /// (case-sensitive).
  virtual std::map<std::string, std::vector<std::string>> ForeignTableColumns(
      const std::vector<std::string>& tables) = 0;
  /// Every row of `columns` of the current schema's `table`, each value as
  /// text (booleans "true"/"false", NULL as "").
  virtual std::vector<std::vector<std::string>> ReadForeignTable(
      const std::string& table, const std::vector<std::string>& columns) = 0;
  /// Other slugwright history tables on this database (qualified names):
  /// a second runner configured with another `table:` would apply every
  /// migration again.
  virtual std::vector<std::string> OtherHistoryTables() = 0;
};

#endif  // SLUGWRIGHT_MIGRATE_FOREIGN_TABLES_H_
