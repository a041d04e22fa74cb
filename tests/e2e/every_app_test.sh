#!/usr/bin/env bash
# Every Heroku app in procfiles/ is selected for its name, by the
# slugwright.yml mapping and, without it, by the procfiles/ convention.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

run diff -r "$ROOT/procfiles" "$FIXTURES/common-monorepo/procfiles"
expect_status 0 "fixtures/common-monorepo/procfiles mirrors procfiles/"

count=0
for procfile in "$ROOT"/procfiles/*.Procfile; do
  name=$(basename "$procfile" .Procfile)
  run "$SLUGWRIGHT_BIN" select "$FIXTURES/common-monorepo" --app "$name" --json
  expect_status 0 "select $name"
  expect_output "\"procfile\": \"procfiles/$name.Procfile\"" "select $name"
  expect_output '"rule": 2' "select $name"
  run "$SLUGWRIGHT_BIN" procfile check "$procfile"
  expect_status 0 "procfile check $name"
  count=$((count + 1))
done
[[ $count -eq 14 ]] || fail "expected 14 apps in procfiles/, found $count"

app=$(app_copy common-monorepo)
# A slugwright.yml with release settings only (issue 23, item 15): no app
# mapped, so the convention decides, and the build checks the migrations
# the release phase will apply.
printf 'release:\n  migrations: packages/commonwealth/migrations\n' >"$app/slugwright.yml"
for procfile in "$ROOT"/procfiles/*.Procfile; do
  name=$(basename "$procfile" .Procfile)
  run "$ROOT/bin/compile" "$app" "$WORK/cache-$name" "$(env_dir SLUGWRIGHT_APP="$name")"
  expect_status 0 "compile $name by convention"
  expect_output "Rule 3, procfiles/<app>.Procfile convention"
  expect_same_file "$app/Procfile" "$procfile"
done
finish
