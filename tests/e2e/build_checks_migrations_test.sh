#!/usr/bin/env bash
# Issue 23, items 10 and 13: the checks of `slugwright migrate validate
# --offline` need no database, so bin/compile makes them when the release
# phase runs slugwright, and fails the build with the release's message; an
# app with migrations and no `release:` is warned; the release-phase line
# says what the Procfile runs. (bin/build: tests/cnb/procfile_names_test.sh.)
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

migrations=packages/commonwealth/migrations
broken=$migrations/20240301000000_index_without_transaction_false.sql

# A migration that builds green and passes validation.
app=$(app_copy common-monorepo)
run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir SLUGWRIGHT_APP=commonwealth-beta)"
expect_status 0 "bin/compile of commonwealth-beta"
expect_output "Checked 7 migrations in $migrations as the release phase reads them (no database)"
expect_output "Release phase: migrations in $migrations"

# CREATE INDEX CONCURRENTLY without transaction:false: the build fails.
app=$(app_copy common-monorepo)
printf -- '-- migrate:up\nCREATE INDEX CONCURRENTLY threads_title ON threads (title);\n' >"$app/$broken"
before=$(snapshot "$app")
run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir SLUGWRIGHT_APP=commonwealth-beta)"
expect_status 2 "bin/compile with a migration the release would refuse"
build_output=$output
expect_output " !     $broken:2:"
expect_output "the release phase would refuse these migrations; the app's files were left unchanged"
[[ "$(snapshot "$app")" == "$before" ]] || fail "a refused build changed the app"
# The same message the release phase's own check gives.
run env -C "$app" "$SLUGWRIGHT_BIN" migrate validate --offline --app commonwealth-beta
expect_status 2 "migrate validate --offline on that app"
validate_error=$(grep -m1 "$broken:2:" <<<"$output" | sed 's/^[ !]*//; s/^slugwright: //; s/^error: //')
[[ -n "$validate_error" ]] || fail "validate --offline printed no error naming $broken:2: $output"
[[ "$build_output" == *"$validate_error"* ]] ||
  fail "the build's message differs from the release's: [$validate_error] not in [$build_output]"

# A release that is not slugwright's: its migrations are not slugwright's
# to check, and the log says what runs.
app=$(app_copy multi-procfile)
mkdir -p "$app/migrations"
printf -- '-- migrate:up\nCREATE INDEX CONCURRENTLY i ON t (c);\n' >"$app/migrations/1_i.sql"
run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir PROCFILE=web/Procfile)"
expect_status 0 "bin/compile of an app whose release is its own"
expect_output "Release phase: \`node scripts/migrate.js && echo \"release: done # not a comment\"\` (the app's own; slugwright's release settings are not used)"
expect_no_output "migrations in migrations"

# Migrations and no release phase: a warning.
app=$(app_copy single-procfile)
mkdir -p "$app/migrations"
printf -- '-- migrate:up\nCREATE TABLE t (id int);\n' >"$app/migrations/1_t.sql"
run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir)"
expect_status 0 "bin/compile of an app with migrations and no release"
expect_output " !     migrations holds 1 .sql file, but Procfile has no \`release:\` process type"
expect_output "Release phase: none (the Procfile has no \`release:\` process type)"

finish
