#ifndef SLUGWRIGHT_MIGRATE_FOREIGN_HISTORY_GUARD_H_
#define SLUGWRIGHT_MIGRATE_FOREIGN_HISTORY_GUARD_H_

// How the runner asks, without knowing other tools, whether a database it
// would start a history on was migrated by another tool (dbmate, Flyway,
// sequelize...): tools/foreign_history.h implements it.

#include <string>
#include <vector>

#include "migrate/database_driver.h"
#include "migrate/migration.h"

class ForeignHistoryGuard {
 public:
  virtual ~ForeignHistoryGuard() = default;
  /// Before creating the history tables: throws UserError when another
  /// tool's history table is there, or when `files` would create tables
  /// that already exist (never re-apply what another tool applied).
  virtual void RefuseToStartOver(DatabaseDriver* driver, const std::vector<Migration>& files) = 0;
  /// For `migrate status` without a history: the problem that says which
  /// tool migrated the database and how to adopt it; "" when none did.
  virtual std::string Found(DatabaseDriver* driver) = 0;
};

#endif  // SLUGWRIGHT_MIGRATE_FOREIGN_HISTORY_GUARD_H_
