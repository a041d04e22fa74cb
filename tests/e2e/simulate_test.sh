#!/usr/bin/env bash
# bin/simulate runs detect, compile and release as Heroku would.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

before=$(snapshot "$FIXTURES/common-monorepo")
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta \
  --env SLUGWRIGHT_APP=commonwealth-beta
expect_status 0 "simulate commonwealth-beta"
expect_output "App: commonwealth-beta (from SLUGWRIGHT_APP)"
expect_output "-----> slugwright app detected"
expect_output "Procfile declares types -> web, consumer, scheduler, release"
expect_output "Procfile: procfiles/commonwealth-beta.Procfile"
expect_output "Why:      rule 2"
expect_output "Slug:     removed"
[[ "$(snapshot "$FIXTURES/common-monorepo")" == "$before" ]] || fail "simulate changed the fixture"

# Issue 23, item 6: HEROKU_APP_NAME is dyno metadata, which a build is not
# documented to see: --app alone puts nothing in ENV_DIR, so the build
# fails as a real one without SLUGWRIGHT_APP would, and says what to set.
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta
expect_status 2 "simulate --app without SLUGWRIGHT_APP"
expect_output "ENV_DIR   "
expect_output "(0 config vars)"
expect_output "select with --env SLUGWRIGHT_APP=commonwealth-beta"
expect_output "Name the app with: heroku config:set SLUGWRIGHT_APP="
# --dyno-metadata gives it, and the build warns that Heroku may not.
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --dyno-metadata
expect_status 0 "simulate --app --dyno-metadata"
expect_output "HEROKU_APP_NAME=commonwealth-beta (--dyno-metadata"
expect_output "Why:      rule 2"
expect_output " !     the app name comes from HEROKU_APP_NAME, which Heroku documents only inside running dynos"
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --dyno-metadata
expect_status 2 "simulate --dyno-metadata without --app"
expect_output "--dyno-metadata needs --app NAME"

run "$ROOT/bin/simulate" "$FIXTURES/multi-procfile" --env PROCFILE=web/Procfile --keep
expect_status 0 "simulate multi-procfile --keep"
slug=$(sed -n 's/^       Slug:     \(.*\) (kept)$/\1/p' <<<"$output")
[[ -f "$slug/Procfile" ]] || fail "--keep did not keep the slug ($slug)"
rm -rf "$(dirname "$slug")"

printf '# config\nexport PROCFILE="web/Procfile"\nPROCFILE_APPEND=shared/Procfile.clock\n' >"$WORK/app.env"
run "$ROOT/bin/simulate" "$FIXTURES/multi-procfile" --env-file "$WORK/app.env"
expect_status 0 "simulate --env-file"
expect_output "Procfile declares types -> web, release, clock"

run "$ROOT/bin/simulate" "$FIXTURES/broken-procfile"
expect_status 2 "simulate broken-procfile"
expect_output "bin/compile failed (exit 2)"

run "$ROOT/bin/simulate" "$FIXTURES/no-procfile"
expect_status 1 "simulate no-procfile"
expect_output "bin/detect declined the app"

run "$ROOT/bin/simulate" "$WORK/nope"
expect_status 2 "simulate a missing directory"
expect_output "is not a directory"
run "$ROOT/bin/simulate" "$FIXTURES/single-procfile" --env NOEQUALS
expect_status 2 "simulate --env without ="
expect_output "expected KEY=VALUE"
run "$ROOT/bin/simulate" "$FIXTURES/single-procfile" --frobnicate
expect_status 2 "simulate with an unknown option"
printf 'GOOD=1\nbad line\n' >"$WORK/bad.env"
run "$ROOT/bin/simulate" "$FIXTURES/single-procfile" --env-file "$WORK/bad.env"
expect_status 2 "simulate with a bad env file"
expect_output "bad.env:2: \`bad line\`"
finish
