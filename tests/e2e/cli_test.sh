#!/usr/bin/env bash
# The read-only commands: select and procfile check.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

run "$SLUGWRIGHT_BIN" procfile check --json "$FIXTURES/single-procfile/Procfile"
expect_status 0 "procfile check --json"
[[ "$output" == '{"platform":"cedar","processes":[{"command":"bundle exec puma -C config/puma.rb","type":"web"},{"command":"bundle exec sidekiq -q default -q \"mailers: urgent\"","type":"worker"}],"warnings":[]}' ]] \
  || fail "procfile check --json printed $output"

run "$SLUGWRIGHT_BIN" procfile check "$FIXTURES/broken-procfile/Procfile"
expect_status 2 "procfile check of a broken Procfile"
expect_output "broken-procfile/Procfile:3: \`worker npm run worker\`"

run "$SLUGWRIGHT_BIN" procfile check "$WORK/missing"
expect_status 2 "procfile check of a missing file"

env=$(env_dir PROCFILE=web/Procfile)
before=$(snapshot "$FIXTURES/multi-procfile")
run "$SLUGWRIGHT_BIN" select "$FIXTURES/multi-procfile" --env-dir "$env"
expect_status 0 "select with --env-dir"
expect_output "procfile: web/Procfile"
expect_output "rule:     1 (PROCFILE config var)"
[[ "$(snapshot "$FIXTURES/multi-procfile")" == "$before" ]] || fail "select changed the app"

run "$SLUGWRIGHT_BIN" select "$FIXTURES/no-procfile"
expect_status 2 "select with nothing to select"

run "$SLUGWRIGHT_BIN" select
expect_status 2 "select without arguments"
run "$SLUGWRIGHT_BIN" no-such-command
expect_status 2 "an unknown command"
# Issue 23 item 14: parse errors in the ` !     ` style naming the command's
# --help, usage lines that say `slugwright`, and --help listing only the
# options a command reads.
run "$SLUGWRIGHT_BIN" rehearse --bogus
expect_status 2 "rehearse --bogus"
expect_output ' !     `slugwright rehearse` does not take `--bogus` (`slugwright rehearse --help` lists its options)'
run "$SLUGWRIGHT_BIN" release --json
expect_status 2 "release --json"
expect_output '"exit_code":2'
expect_output '--log-format json'
run "$SLUGWRIGHT_BIN" migrate new --help
expect_status 0 "migrate new --help"
expect_output "Usage: slugwright migrate new"
for ignored in --lock-wait --transaction --on-failure --database-url; do
  [[ "$output" != *"$ignored"* ]] || fail "migrate new --help lists $ignored, which it ignores"
done
run "$SLUGWRIGHT_BIN" migrate status --help
for ignored in --lock-wait --transaction --on-failure; do
  [[ "$output" != *"$ignored"* ]] || fail "migrate status --help lists $ignored, which it ignores"
done
run "$SLUGWRIGHT_BIN" migrate wait --help
[[ "$output" != *"--lock-wait"* ]] || fail "migrate wait --help lists --lock-wait"
run "$SLUGWRIGHT_BIN" migrate --help
expect_output "golang-migrate"
run "$SLUGWRIGHT_BIN" --version
expect_status 0 "--version"
expect_output "slugwright 0."
expect_output "(commit "
finish
