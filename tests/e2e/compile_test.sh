#!/usr/bin/env bash
# bin/compile selects, validates and writes the Procfile as Heroku runs it.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

# The monorepo: slugwright.yml maps every app; the written Procfile is the
# app's own, and the runner is installed into the slug.
for app_name in commonwealth-beta discobot-listener-staging snapshot-listener; do
  app=$(app_copy common-monorepo)
  cache=$(mktemp -d "$WORK/cache-XXXXXX")
  run "$ROOT/bin/compile" "$app" "$cache" "$(env_dir HEROKU_APP_NAME=$app_name)"
  expect_status 0 "compile $app_name"
  expect_output "-----> slugwright"
  expect_output "       Rule 2, slugwright.yml mapping"
  expect_same_file "$app/Procfile" "$ROOT/procfiles/$app_name.Procfile"
  [[ -x "$app/.slugwright/bin/slugwright" ]] || fail "runner not installed for $app_name"
  grep -q '.slugwright/bin' "$app/.profile.d/slugwright.sh" || fail ".profile.d script missing"
  grep -q "\"app\": \"$app_name\"" "$app/.slugwright/release.json" || fail "release.json lacks the app"
  "$app/.slugwright/bin/slugwright" --version >/dev/null || fail "installed runner does not run"

  # A second build with the same cache reports what changed.
  run "$ROOT/bin/compile" "$app" "$cache" "$(env_dir HEROKU_APP_NAME=$app_name)"
  expect_status 0 "recompile $app_name"
  expect_output "Process types unchanged since the last build"
done

# Release settings from slugwright.yml reach the slug.
app=$(app_copy common-monorepo)
run "$ROOT/bin/compile" "$app" "$WORK/c1" "$(env_dir SLUGWRIGHT_APP=commonwealth-frack-eu)"
expect_status 0 "compile commonwealth-frack-eu"
grep -q '"lock_wait_seconds": 1200' "$app/.slugwright/release.json" || fail "lock_wait of frack-eu not stored"

# The slug carries the migrations manifest of the app's migrations, as
# `migrate manifest` in the slug writes it (same files, same times).
manifest="$app/.slugwright/migrations.manifest"
[[ -f "$manifest" ]] || fail "compile wrote no migrations manifest"
grep -qx '# directory: packages/commonwealth/migrations' "$manifest" || fail "manifest of another directory:
$(cat "$manifest")"
[[ $(grep -c '^2024' "$manifest") -eq 7 ]] || fail "manifest lacks the 7 migrations:
$(cat "$manifest")"
grep -qP '^20240105090000_create_users\.sql\t\d+\t\d+\t\d+\t1\t.*\tsha256:[0-9a-f]{64}$' "$manifest" \
  || fail "manifest entry of 20240105090000_create_users.sql:
$(cat "$manifest")"
run bash -c "cd '$app' && .slugwright/bin/slugwright migrate manifest --out '$WORK/manifest-again'"
expect_status 0 "migrate manifest in the slug"
expect_output "Wrote $WORK/manifest-again: 7 migration files of packages/commonwealth/migrations"
expect_same_file "$WORK/manifest-again" "$manifest"

# heroku-buildpack-multi-procfile compatibility: PROCFILE, PROCFILE_APPEND, app.json.
app=$(app_copy multi-procfile)
run "$ROOT/bin/compile" "$app" "$WORK/c2" \
  "$(env_dir PROCFILE=web/Procfile PROCFILE_APPEND=workers/Procfile.workers,shared/Procfile.clock)"
expect_status 0 "compile multi-procfile"
expect_output "Rule 1, PROCFILE config var"
expect_output "Copying web/app.json to app.json"
expect_same_file "$app/app.json" "$FIXTURES/multi-procfile/web/app.json"
expected=$(printf '%s\n# Contents of workers/Procfile.workers appended below:\n%s\n# Contents of shared/Procfile.clock appended below:\n%s' \
  "$(cat "$FIXTURES/multi-procfile/web/Procfile")" \
  "$(cat "$FIXTURES/multi-procfile/workers/Procfile.workers")" \
  "$(cat "$FIXTURES/multi-procfile/shared/Procfile.clock")")
# Written canonically: the fixtures' CRLF line ends become LF.
expected=$(printf '%s' "$expected" | tr -d '\r')
[[ "$(cat "$app/Procfile")" == "$expected" ]] || fail "appended Procfile differs:
$(cat "$app/Procfile")"

# A single root Procfile is validated and left as it is.
app=$(app_copy single-procfile)
run "$ROOT/bin/compile" "$app" "$WORK/c3" "$(env_dir)"
expect_status 0 "compile single-procfile"
expect_output "Rule 4, root Procfile"
expect_output "left as is"
expect_same_file "$app/Procfile" "$FIXTURES/single-procfile/Procfile"

# Bad input: a clear error, exit 2, and the app exactly as it was.
check_rejected() {  # FIXTURE EXPECTED-MESSAGE NAME=VALUE...
  local fixture=$1 message=$2 before
  shift 2
  app=$(app_copy "$fixture")
  before=$(snapshot "$app")
  run "$ROOT/bin/compile" "$app" "$WORK/cache-bad" "$(env_dir "$@")"
  expect_status 2 "compile $fixture $*"
  expect_output "$message" "compile $fixture $*"
  expect_output "Build failed; the app's files were left unchanged."
  [[ "$(snapshot "$app")" == "$before" ]] || fail "compile $fixture $* changed the app"
}
check_rejected broken-procfile 'Procfile:3: `worker npm run worker`: no `:` after the process type: Cedar would run `worker` as `npm run worker`, Fir refuses the line'
check_rejected broken-procfile 'packages/api/Procfile:2: `web: node api.js --legacy`: process type `web` is already defined on line 1' \
  PROCFILE=packages/api/Procfile
check_rejected procfile-escape 'PROCFILE `Procfile.outside` is a symlink that leads outside the app' PROCFILE=Procfile.outside
check_rejected procfile-escape 'PROCFILE `../single-procfile/Procfile` points outside the app' PROCFILE=../single-procfile/Procfile
check_rejected procfile-escape 'PROCFILE `/etc/hostname` is an absolute path' PROCFILE=/etc/hostname
check_rejected procfile-escape 'PROCFILE `loop-a` is a symlink that leads nowhere' PROCFILE=loop-a
check_rejected procfile-escape 'PROCFILE `dir.Procfile` is a directory' PROCFILE=dir.Procfile
check_rejected procfile-escape 'PROCFILE `web/Procfile` does not exist' PROCFILE=web/Procfile
check_rejected procfile-escape 'PROCFILE_APPEND file `extra.Procfile` does not exist' PROCFILE=Procfile PROCFILE_APPEND=extra.Procfile
check_rejected no-procfile 'The app has no Procfile at all'
check_rejected single-procfile 'not a valid Heroku app name' 'SLUGWRIGHT_APP=$(id)'

# Config var values are data: shell metacharacters are never executed.
marker=$WORK/pwned
check_rejected single-procfile 'does not exist' "PROCFILE=\$(touch $marker)" "PROCFILE_APPEND=;touch $marker"
check_rejected single-procfile 'does not exist' "PROCFILE=\`touch $marker\`"
[[ ! -e "$marker" ]] || fail "a config var value was executed"

# No rule applies: the error lists the Procfiles and the exact config var.
app=$(app_copy common-monorepo)
rm "$app/slugwright.yml"
rm -r "$app/procfiles"
run "$ROOT/bin/compile" "$app" "$WORK/c4" "$(env_dir HEROKU_APP_NAME=new-app)"
expect_status 2 "compile with nothing to select"
expect_output "packages/commonwealth/Procfile"
expect_output "heroku config:set PROCFILE=packages/commonwealth/Procfile -a new-app"
finish
