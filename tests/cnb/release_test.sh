#!/usr/bin/env bash
# Fir's release phase runs the image's `release` process: after a CNB build
# of commonwealth-beta, the `release` process from launch.toml, with the
# runner from the launch layer on PATH, migrates a throwaway PostgreSQL and
# runs the app's hooks, as on Cedar; a second release has nothing to do,
# also after a rebuild from the cache layer. For linux/$CNB_ARCH
# (SLUGWRIGHT_CNB_ARCH=arm64: CTest's cnb.release_test_arm64, the
# cross-built runner under qemu).
# shellcheck source=tests/cnb/lib.sh
source "$(dirname "$0")/lib.sh"

start_postgres || { finish; exit 1; }

cnb_layout common-monorepo HEROKU_APP_NAME=commonwealth-beta
cnb_detect
expect_status 0 "CNB detect"
cnb_build
expect_status 0 "CNB build commonwealth-beta ($CNB_ARCH)"
runner=$SLUGWRIGHT_BIN
[[ "$CNB_ARCH" == arm64 ]] && runner=$ARM64_BIN
expect_same_file "$LAYERS/slugwright/bin/slugwright" "$runner"

# Config vars reach a Fir process as environment variables at run time.
release_env=(DATABASE_URL="$DATABASE_URL" HEROKU_RELEASE_VERSION=v1 DYNO=release.1)
cnb_launch release "${release_env[@]}"
expect_status 0 "the release process"
expect_output "[before] environment ok for commonwealth-beta (release v1)"
expect_output "Applied 7 migrations"
expect_output "[after] migrated commonwealth-beta to"

cnb_restore
cnb_build
expect_status 0 "CNB rebuild"
expect_output "Process types unchanged since the last build"
cnb_launch release "${release_env[@]}"
expect_status 0 "the release process again"
expect_output "7 migrations applied, none pending"
expect_no_output "Applied 7 migrations"

# A failing migration fails the release process (Fir would not release).
cat >"$T/app/packages/commonwealth/migrations/20240301000000_broken.sql" <<'SQL'
-- migrate:up
SELECT 1 / 0;
-- migrate:down
SELECT 1;
SQL
cnb_launch release "${release_env[@]}"
expect_status 1 "the release process with a failing migration"
expect_output "division by zero"
finish
