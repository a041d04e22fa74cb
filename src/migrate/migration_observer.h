#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_OBSERVER_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_OBSERVER_H_

#include "migrate/database_error.h"
#include "migrate/migration.h"

/// Told by the Migrator about each pending migration as `up` applies it:
/// instrumentation for `slugwright rehearse` (rehearsal_observer.h). It is
/// null in the release phase and `migrate up`, which then run exactly as
/// without it.
///
/// With an observer, a transactional migration in `transaction:
/// per-migration` mode is sent as BEGIN, its SQL with its history row, and
/// COMMIT in three round trips instead of one, so that BeforeCommit can
/// look inside the open transaction; the transaction is the same.
///
/// The calls must not throw: an observer records its own failures.
class MigrationObserver {
 public:
  virtual ~MigrationObserver() = default;

  /// Before the migration starts (before its BEGIN, or before its first
  /// statement for a transaction:false migration). Not timed.
  virtual void BeforeApply(const Migration& migration) noexcept = 0;
  /// A transactional migration's SQL and history row succeeded and its
  /// transaction is still open on the driver's session (for `transaction:
  /// all`, the batch's transaction, holding the earlier migrations' work
  /// too). Not called for transaction:false migrations.
  virtual void BeforeCommit(const Migration& migration) noexcept = 0;
  /// The migration committed (transaction: all: the batch committed), in
  /// `seconds` as the Migrator measured it, which includes BeforeCommit.
  virtual void AfterApply(const Migration& migration, double seconds) noexcept = 0;
  /// The migration failed for good (after lock_timeout retries) with
  /// `error`; it was rolled back unless transaction:false.
  virtual void OnFailure(const Migration& migration, const DatabaseError& error) noexcept = 0;
};

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_OBSERVER_H_
