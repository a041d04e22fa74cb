#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_CHECKS_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_CHECKS_H_

// The checks `up`, `down` and `validate` share before touching the
// database: can each migration's SQL run the way it is marked, and does the
// history allow the run. The runnable refusals are RunErrors with their
// facts (run_error.h), worded by the command line; a file that does not
// split is the splitter's UserError, and the history's problems are one
// UserError (ThrowIfProblems).

#include <string>
#include <vector>

#include "migrate/migration.h"
#include "migrate/migration_plan.h"

/// "20240101120000_add_users": how messages name a migration.
std::string Label(const Migration& m);

/// Splits and checks the up (or `down`) SQL of `migrations`: throws
/// RunError kBlankUpSection (up only), kTransactionControl for a
/// transaction-control statement in a transactional section, or (with
/// `all_in_one_transaction`, up only) kTransactionFalseInTransactionAll;
/// UserError (exit 2) for a file that does not split.
void CheckRunnable(const std::vector<const Migration*>& migrations, bool down,
                   bool all_in_one_transaction);

/// Whether `m`'s up section runs no statement (blank, or comments only), so
/// reverting it needs no down section: like golang-migrate's missing down
/// file, its revert only forgets its history row. A migration whose up does
/// something has objects a no-op down would leave behind.
bool UpDoesNothing(const Migration& m);

/// RunError kBlankUpSection naming the first migration of `migrations`
/// whose up section is blank (Migration::up_blank), before anything
/// connects or is applied.
void RefuseBlankUpSections(const std::vector<Migration>& migrations);

/// Throws UserError(kExitIntegrity) with `heading` and one line per
/// problem, unless `problems` is empty.
void ThrowIfProblems(const std::vector<std::string>& problems, const std::string& heading);

/// Whether `m` is one of the plan's out-of-order pending migrations.
bool IsOutOfOrder(const MigrationPlan& plan, const Migration* m);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_CHECKS_H_
