// The text of the lint rules (lint/migration_lint.h): what each flags, why it
// hurts and the safe rewrite. docs/lint.md says the same for users; keep
// them in step (migration_lint_test checks every id is documented).

#include "lint/migration_lint.h"

const std::vector<LintRule>& LintRules() {
  static const std::vector<LintRule> kRules = {
      {"add-column-not-null-without-default",
       "`ADD COLUMN ... NOT NULL` without a `DEFAULT` on an existing table",
       "the existing rows would hold NULL in the new column, so on a table with rows the "
       "statement fails (SQLSTATE 23502) and the release with it; it works on the empty "
       "tables of development and CI",
       "add it with a constant default (`ADD COLUMN c integer NOT NULL DEFAULT 0`: since "
       "PostgreSQL 11 the default is kept in the catalog, no rewrite), or add it nullable, "
       "backfill it in batches and then make it NOT NULL (see set-not-null-scans)"},
      {"add-column-rewrites-table",
       "`ADD COLUMN` whose value is computed row by row: a volatile default "
       "(`clock_timestamp()`, `random()`, `gen_random_uuid()`, `nextval(...)`, or a function "
       "slugwright does not know to be stable), a `serial` type, `GENERATED ... AS IDENTITY` "
       "or a stored generated column",
       "PostgreSQL rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE: no "
       "read or write of the table until the rewrite ends, which takes as long as the table "
       "is big. A constant or stable default (`0`, `'new'`, `now()`) is not rewritten since "
       "PostgreSQL 11",
       "add the column without a default (or with a constant one), give new rows their value "
       "with `ALTER COLUMN c SET DEFAULT ...` (no rewrite), and fill the existing rows in "
       "batches afterwards"},
      {"alter-column-type",
       "`ALTER COLUMN ... TYPE` on an existing table",
       "most type changes rewrite the table and rebuild its indexes under ACCESS EXCLUSIVE: "
       "no read or write of the table until it ends. Binary-coercible changes (`varchar(n)` "
       "to a longer `varchar` or to `text`, `numeric(p,s)` to a larger precision with the "
       "same scale) rewrite nothing but still take ACCESS EXCLUSIVE; one statement does not "
       "say the old type, so every change is flagged",
       "add a column of the new type, write both from the application, backfill in batches, "
       "switch reads, and drop the old column in a later release; for a change known to be "
       "binary-coercible, keep it and add `-- slugwright-lint-ignore alter-column-type`"},
      {"add-foreign-key-validates",
       "`ADD FOREIGN KEY` (or `ADD COLUMN ... REFERENCES`) without `NOT VALID`",
       "checking every existing row holds SHARE ROW EXCLUSIVE on the table and the "
       "referenced table for the whole scan: writes to both wait",
       "`ADD CONSTRAINT name FOREIGN KEY (...) REFERENCES ... NOT VALID` (a short lock; new "
       "rows are checked from then on), then `ALTER TABLE ... VALIDATE CONSTRAINT name` in a "
       "later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on)"},
      {"add-check-validates",
       "`ADD CHECK` without `NOT VALID`",
       "checking every existing row holds ACCESS EXCLUSIVE for the whole scan: no read or "
       "write of the table until it ends",
       "`ADD CONSTRAINT name CHECK (...) NOT VALID`, then `ALTER TABLE ... VALIDATE "
       "CONSTRAINT name` in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go "
       "on)"},
      {"add-constraint-builds-index",
       "`ADD UNIQUE`, `ADD PRIMARY KEY` (also inline in `ADD COLUMN`) or `ADD EXCLUDE`, "
       "not `USING INDEX`",
       "the index is built under ACCESS EXCLUSIVE: no read or write of the table for the "
       "whole build (a primary key also scans for NULLs)",
       "`CREATE UNIQUE INDEX CONCURRENTLY name ON t (c)` in a migration of its own with "
       "`{annotation}`, then `ALTER TABLE t ADD CONSTRAINT name UNIQUE USING INDEX name` (or "
       "`PRIMARY KEY USING INDEX`): a short lock. EXCLUDE has no USING INDEX: plan for the "
       "lock"},
      {"create-index-locks-writes",
       "`CREATE INDEX` without `CONCURRENTLY` on a table its own migration did not create",
       "the build holds SHARE on the table: reads go on, every write waits until the index "
       "is built",
       "`CREATE INDEX CONCURRENTLY` in a migration of its own with `{annotation}` (it cannot "
       "run in a transaction); a failed build leaves an INVALID index, so start with `DROP "
       "INDEX CONCURRENTLY IF EXISTS`"},
      {"drop-index-locks-table",
       "`DROP INDEX` without `CONCURRENTLY`, of an index its own migration did not create",
       "it takes ACCESS EXCLUSIVE on the index's table: quick once granted, but it waits "
       "for every query on the table to end and every query after it waits behind it",
       "`DROP INDEX CONCURRENTLY IF EXISTS name` in a migration of its own with "
       "`{annotation}` (one index per statement)"},
      {"rename-column",
       "`RENAME COLUMN` of an existing table",
       "the release phase runs before the new code starts: until its dynos are replaced the "
       "running release reads and writes the old name, and its queries fail",
       "add the new column, write both from the code, backfill, switch reads, and drop the "
       "old column in a later release (or keep the column and rename it only in the code)"},
      {"rename-table",
       "`ALTER TABLE ... RENAME TO` of an existing table",
       "the running release queries the old name until its dynos are replaced, and fails",
       "rename it and, in the same migration, `CREATE VIEW old_name AS SELECT * FROM "
       "new_name` (a simple view is updatable) for the old code; drop the view in a later "
       "release"},
      {"drop-column",
       "`DROP COLUMN` of an existing table",
       "the running release still reads the column until its dynos are replaced (ORMs name "
       "every column of a model), and fails; it also takes ACCESS EXCLUSIVE briefly",
       "first release code that no longer uses the column (Rails `ignored_columns`, remove it "
       "from the sequelize model), then drop it in a later release"},
      {"drop-table",
       "`DROP TABLE` of a table its own migration did not create",
       "the running release may still read the table until its dynos are replaced, and "
       "fails; the data is gone with no way back but a backup",
       "first release code that no longer uses the table, then drop it in a later release"},
      {"validate-in-same-transaction",
       "`VALIDATE CONSTRAINT` of a constraint that the same migration, run in one "
       "transaction, added `NOT VALID`",
       "the lock the ADD CONSTRAINT took (ACCESS EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE "
       "on both tables for a foreign key) is held until the transaction commits, so the "
       "validation's scan of every row runs under it: NOT VALID saved nothing",
       "validate it in a later migration (VALIDATE takes SHARE UPDATE EXCLUSIVE: reads and "
       "writes go on), or in this one with `{annotation}`"},
      {"reindex-locks-table",
       "`REINDEX` without `CONCURRENTLY`",
       "the rebuild holds ACCESS EXCLUSIVE on the index (queries that would use it wait) and "
       "SHARE on its table (writes wait); REINDEX TABLE, SCHEMA or DATABASE does so for "
       "every index",
       "`REINDEX INDEX CONCURRENTLY name` (PostgreSQL 12 and later) in a migration of its "
       "own with `{annotation}`; on 11, `CREATE INDEX CONCURRENTLY` a copy and `DROP INDEX "
       "CONCURRENTLY` the old one"},
      {"detach-partition-locks-table",
       "`ALTER TABLE ... DETACH PARTITION` without `CONCURRENTLY`",
       "it takes ACCESS EXCLUSIVE on the partitioned table: no read or write of any "
       "partition until it is done, and it waits behind every running query",
       "`DETACH PARTITION ... CONCURRENTLY` (PostgreSQL 14 and later) in a migration of its "
       "own with `{annotation}` (it cannot run in a transaction block)"},
      {"truncate-cascade",
       "`TRUNCATE ... CASCADE`",
       "it also empties every table with a foreign key to the named ones, and theirs in "
       "turn, under ACCESS EXCLUSIVE: rows of tables the migration does not name are gone",
       "name every table to empty (`TRUNCATE a, b`), so the statement says what it deletes"},
      {"enum-add-value-in-transaction",
       "`ALTER TYPE ... ADD VALUE` in a migration that runs in a transaction, on "
       "PostgreSQL older than 12",
       "PostgreSQL 11 refuses it inside a transaction block: the migration fails",
       "put it in a migration of its own with `{annotation}`"},
      {"set-not-null-scans",
       "`ALTER COLUMN ... SET NOT NULL` on an existing table, unless the batch validated a "
       "`CHECK (c IS NOT NULL)` first (PostgreSQL 12 and later)",
       "it reads the whole table under ACCESS EXCLUSIVE to look for NULLs: no read or write "
       "of the table until the scan ends",
       "`ADD CONSTRAINT c_not_null CHECK (c IS NOT NULL) NOT VALID`, then `VALIDATE "
       "CONSTRAINT c_not_null` (in a later migration), then `SET NOT NULL`, which on "
       "PostgreSQL 12 and later trusts the validated check and skips the scan, then `DROP "
       "CONSTRAINT c_not_null`; on 11 the scan cannot be avoided"},
      {"cannot-run-in-transaction",
       "a statement PostgreSQL refuses inside a transaction block (`CREATE INDEX "
       "CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX ... CONCURRENTLY`, `VACUUM`, "
       "`CREATE DATABASE`...) in a migration that runs in one",
       "the server refuses it (SQLSTATE 25001), so slugwright refuses the file before the "
       "release runs anything (exit 2 from `migrate up` and the build)",
       "put it in a migration of its own with `{annotation}`, so its statements are sent "
       "one by one"},
      {"transaction-control-in-migration",
       "`BEGIN`, `COMMIT`, `ROLLBACK`, `START TRANSACTION`, `END` or `ABORT` in a migration "
       "that runs in a transaction",
       "slugwright runs the migration and its history row in one transaction: a COMMIT "
       "inside would record part of it and leave the rest to fail, so `migrate up` refuses "
       "the migration (exit 2)",
       "remove the transaction control (slugwright opens and commits the transaction), or "
       "mark the migration `{annotation}` if its statements must run one by one"},
      {"statement-not-runnable",
       "a statement slugwright's runner cannot send as written: `COPY ... FROM STDIN` or "
       "`TO STDOUT`, `SET standard_conforming_strings = off` in a transaction, transaction "
       "control in a `transaction:false` migration",
       "slugwright refuses the file before the release runs anything (exit 2 from `migrate "
       "up` and the build)",
       "what the reason above says; `slugwright migrate validate --offline` shows the same "
       "refusal"},
      {"unbatched-backfill",
       "`UPDATE` or `DELETE` without a `WHERE` clause, `MERGE` that updates or deletes the "
       "rows matching a whole table (or a subquery without `WHERE` or `LIMIT`), or `INSERT "
       "... SELECT ... ON CONFLICT DO UPDATE` from a `SELECT` without `WHERE` or `LIMIT`, of "
       "a table its own migration did not create",
       "all in one transaction: each row stays locked "
       "until the commit, so every concurrent write to any of them waits as long as the "
       "whole table takes, and every changed row leaves a dead copy behind (the table and "
       "its indexes bloat until vacuum catches up); on a big table it can also outlast "
       "statement_timeout and fail the release",
       "backfill in batches by primary-key range (`UPDATE t SET c = ... WHERE id >= $1 AND "
       "id < $1 + 10000`, or `DELETE` likewise), each batch committed on its own: in a "
       "migration with `{annotation}`, whose statements commit one by one, or in a script "
       "run outside the release; a backfill the new code does not need before it starts "
       "belongs after the release"},
      {"missing-lock-timeout",
       "with `--require-lock-timeout`: a statement taking a strong lock on an existing "
       "table before the migration sets `lock_timeout`",
       "a statement waiting for its lock behind a long query makes every later query on "
       "the table wait behind it: a short lock becomes an outage. slugwright's own runner "
       "sets lock_timeout; another tool may not",
       "start the migration with `SET lock_timeout = '5s';` (`SET LOCAL` in a transaction) "
       "and retry the release when it times out"},
  };
  return kRules;
}

LintTableWork RuleTableWork(const std::string& rule) {
  if (rule == "alter-column-type" || rule == "add-column-rewrites-table")
    return LintTableWork::kRewrite;
  if (rule == "add-foreign-key-validates" || rule == "add-check-validates" ||
      rule == "set-not-null-scans" || rule == "validate-in-same-transaction")
    return LintTableWork::kScan;
  return LintTableWork::kNone;
}
