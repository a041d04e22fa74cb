#ifndef SLUGWRIGHT_MIGRATE_SCHEMA_INSPECTION_H_
#define SLUGWRIGHT_MIGRATE_SCHEMA_INSPECTION_H_

// The inspection role of a database driver (database_driver.h): catalog
// reads about the schema and the session's locks, which write nothing and
// decide nothing about the history. Its own role because its two callers
// need only it: `up` warns of indexes a failed CREATE INDEX CONCURRENTLY
// left INVALID, and `slugwright rehearse` (rehearse/rehearsal_observer.h)
// looks inside the Migrator's open transaction.

#include <string>
#include <vector>

#include "migrate/database_error.h"
#include "migrate/lock_backend.h"
#include "sql/token_cursor.h"

/// Read-only catalog queries on the driver's Session. Every method throws
/// DatabaseError for a database failure.
class SchemaInspection {
 public:
  virtual ~SchemaInspection() = default;

  /// Indexes left INVALID (e.g. by a failed CREATE INDEX CONCURRENTLY).
  virtual std::vector<std::string> InvalidIndexes() = 0;
  /// The other sessions holding a granted lock on any of `relations` (names
  /// as the SQL wrote them; a schema-less one is found on the search_path,
  /// one that does not exist is skipped), by pid: who a statement that hit
  /// lock_timeout was waiting for.
  virtual std::vector<LockHolder> RelationLockHolders(const std::vector<SqlName>& relations) = 0;
  /// Runs a read-only catalog query on this session, inside its open
  /// transaction if any, and returns the rows as text (NULL as ""). For
  /// instrumentation (`slugwright rehearse` looks at pg_locks before
  /// COMMIT); the release phase never calls it.
  virtual std::vector<std::vector<std::string>> Inspect(const std::string& sql) {
    (void)sql;
    throw DatabaseError("this database driver cannot run inspection queries", "", false);
  }
};

#endif  // SLUGWRIGHT_MIGRATE_SCHEMA_INSPECTION_H_
