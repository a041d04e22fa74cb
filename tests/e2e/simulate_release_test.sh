#!/usr/bin/env bash
# bin/simulate --release runs the release phase against a throwaway
# PostgreSQL cluster, as Heroku would after a build.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --dyno-metadata --release
expect_status 0 "simulate --release commonwealth-beta"
expect_output "Starting a throwaway PostgreSQL cluster"
expect_output "[before] environment ok for commonwealth-beta (release v1)"
expect_output "20240201083000_index_comments_concurrently"
expect_output "Applied 7 migrations"
expect_output "Release phase succeeded"

# A migration that fails: the release phase fails, so Heroku would not ship.
app=$(app_copy common-monorepo)
cat >"$app/packages/commonwealth/migrations/20240301000000_broken.sql" <<'SQL'
-- migrate:up
ALTER TABLE users ADD COLUMN karma integer NOT NULL DEFAULT 0;
SELECT 1 / 0;
-- migrate:down
ALTER TABLE users DROP COLUMN karma;
SQL
run "$ROOT/bin/simulate" "$app" --app commonwealth-frick --dyno-metadata --release
expect_status 1 "simulate --release with a failing migration"
expect_output "20240301000000_broken"
expect_output "division by zero"
expect_output "Heroku would not deploy this release"

# An app with no release process type has nothing to run.
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app snapshot-listener --dyno-metadata --release
expect_status 0 "simulate --release snapshot-listener"
expect_output "no \`release\` process type; nothing to run"

# An unreachable database: exit 1, and the password never shown.
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-demo --dyno-metadata --release \
  --database-url "postgres://app:s3cr3t-pw@127.0.0.1:1/db"
expect_status 1 "simulate --release with an unreachable database"
expect_no_output "s3cr3t-pw"
finish
