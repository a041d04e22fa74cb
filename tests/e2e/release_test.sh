#!/usr/bin/env bash
# bin/release prints YAML whose commands survive a YAML parser.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

app=$(app_copy multi-procfile)
run "$ROOT/bin/compile" "$app" "$WORK/cache" \
  "$(env_dir PROCFILE=web/Procfile PROCFILE_APPEND=workers/Procfile.workers,shared/Procfile.clock)"
expect_status 0 "compile"
run "$ROOT/bin/release" "$app"
expect_status 0 "release"
expected='---
default_process_types:
  web: "node web/server.js --port $PORT"
  release: "node scripts/migrate.js && echo \"release: done # not a comment\""
  worker: "node workers/queue.js --concurrency=${WORKER_CONCURRENCY:-4}"
  mailer: "node workers/mailer.js"
  clock: "node shared/clock.js --cron '"'"'*/5 * * * *'"'"'"'
[[ "$output" == "$expected" ]] || fail "release YAML:
$output
expected:
$expected"

run "$ROOT/bin/release" "$FIXTURES/broken-procfile"
expect_status 2 "release of an invalid Procfile"
expect_output 'Procfile:3:'
finish
