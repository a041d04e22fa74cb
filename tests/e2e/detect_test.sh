#!/usr/bin/env bash
# bin/detect accepts apps with something to select and declines the rest.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

for fixture in common-monorepo multi-procfile single-procfile broken-procfile procfile-escape; do
  run "$ROOT/bin/detect" "$FIXTURES/$fixture"
  expect_status 0 "detect $fixture"
  [[ "$output" == "slugwright" ]] || fail "detect $fixture printed [$output]"
done

run "$ROOT/bin/detect" "$FIXTURES/no-procfile"
expect_status 1 "detect no-procfile"
expect_output "no slugwright.yml, procfiles/ directory or Procfile"

app=$(mktemp -d "$WORK/only-procfiles-XXXXXX")
mkdir "$app/procfiles"
run "$ROOT/bin/detect" "$app"
expect_status 0 "detect an app with only procfiles/"

run "$ROOT/bin/detect" "$WORK/does-not-exist"
expect_status 1 "detect a missing directory"
finish
