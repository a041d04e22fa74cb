#!/usr/bin/env bash
# bin/simulate runs detect, compile and release as Heroku would.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

before=$(snapshot "$FIXTURES/common-monorepo")
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta
expect_status 0 "simulate commonwealth-beta"
expect_output "-----> slugwright app detected"
expect_output "Procfile declares types -> web, consumer, scheduler, release"
expect_output "Procfile: procfiles/commonwealth-beta.Procfile"
expect_output "Why:      rule 2"
expect_output "Slug:     removed"
[[ "$(snapshot "$FIXTURES/common-monorepo")" == "$before" ]] || fail "simulate changed the fixture"

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
