// Which slugwright rules flag what each squawk rule flags
// (lint/migration_lint.h: SquawkRules). docs/lint.md has the same table
// with the reasons for the rules mapped to none; the squawk parity test
// (cli/lint_squawk_parity_pg_test.cc) checks both against squawk itself.

#include "lint/migration_lint.h"

const std::vector<SquawkRule>& SquawkRules() {
  static const std::vector<SquawkRule> kRules = {
      {"adding-required-field", {"add-column-not-null-without-default"}},
      {"adding-not-nullable-field", {"set-not-null-scans"}},
      {"adding-field-with-default", {"add-column-rewrites-table"}},
      {"changing-column-type", {"alter-column-type"}},
      {"require-concurrent-index-creation", {"create-index-locks-writes"}},
      {"require-concurrent-index-deletion", {"drop-index-locks-table"}},
      {"adding-foreign-key-constraint", {"add-foreign-key-validates"}},
      {"constraint-missing-not-valid",
       {"add-check-validates", "add-foreign-key-validates", "add-constraint-builds-index",
        "validate-in-same-transaction"}},
      {"disallowed-unique-constraint", {"add-constraint-builds-index"}},
      {"adding-serial-primary-key-field",
       {"add-constraint-builds-index", "add-column-rewrites-table"}},
      {"renaming-column", {"rename-column"}},
      {"renaming-table", {"rename-table"}},
      {"ban-drop-column", {"drop-column"}},
      {"ban-drop-table", {"drop-table"}},
      {"ban-drop-database", {"cannot-run-in-transaction"}},
      {"ban-truncate-cascade", {"truncate-cascade"}},
      {"ban-concurrent-index-creation-in-transaction", {"cannot-run-in-transaction"}},
      {"transaction-nesting", {"transaction-control-in-migration"}},
      {"require-concurrent-reindex", {"reindex-locks-table"}},
      {"require-concurrent-partition-detach", {"detach-partition-locks-table"}},
      {"require-lock-timeout", {"missing-lock-timeout"}},
      // Mapped to none: docs/lint.md says why for each.
      {"ban-alter-domain-with-add-constraint", {}},
      {"ban-create-domain-with-constraint", {}},
      {"require-enum-value-ordering", {}},
      {"require-statement-timeout", {}},
      {"prefer-robust-stmts", {}},
      {"prefer-bigint-over-int", {}},
      {"prefer-bigint-over-smallint", {}},
      {"prefer-identity", {}},
      {"prefer-text-field", {}},
      {"prefer-timestamptz", {}},
      {"ban-char-field", {}},
  };
  return kRules;
}
