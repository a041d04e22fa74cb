# shellcheck shell=bash
# Shared helpers for the end-to-end tests: each *_test.sh sources this file,
# runs bin/* as Heroku would, and calls `finish` at the end.
set -uo pipefail

ROOT=${SLUGWRIGHT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FIXTURES=$ROOT/fixtures
: "${SLUGWRIGHT_BIN:?run from CTest (tests/run), which sets SLUGWRIGHT_BIN}"
export SLUGWRIGHT_BIN
WORK=$(mktemp -d "${TMPDIR:-/tmp}/slugwright-e2e-XXXXXX")
export XDG_CACHE_HOME=$WORK/xdg-cache
trap 'rm -rf "$WORK"' EXIT
failures=0
checks=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# free_loopback_port: prints a TCP port on 127.0.0.1 that nothing listens on.
free_loopback_port() {
  /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve_directory DIR: serves DIR over HTTP on a free loopback port
# (python3 -m http.server; its request log in $WORK/http.log) and waits
# until it accepts connections. Sets HTTP_PORT and HTTP_PID; the caller's
# EXIT trap kills HTTP_PID.
serve_directory() {
  HTTP_PORT=$(free_loopback_port)
  /usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$1" "$HTTP_PORT" >"$WORK/http.log" 2>&1 &
  # shellcheck disable=SC2034  # for the caller's trap
  HTTP_PID=$!
  local attempt
  for attempt in $(seq 50); do
    /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $HTTP_PORT), 1)" 2>/dev/null &&
      return 0
    sleep 0.1
  done
  fail "python3 -m http.server on 127.0.0.1:$HTTP_PORT did not accept connections in 5 s (tries: $attempt): $(cat "$WORK/http.log")"
  return 1
}

# run CMD...: runs a command, keeping its exit status in $status and its
# stdout+stderr in $output.
run() {
  output=$("$@" 2>&1)
  status=$?
}

expect_status() {
  checks=$((checks + 1))
  [[ $status -eq $1 ]] || fail "${2:-command}: expected exit $1, got $status; output:
$output"
}

expect_output() {
  checks=$((checks + 1))
  [[ "$output" == *"$1"* ]] || fail "${2:-output} should contain [$1]; got:
$output"
}

expect_no_output() {
  checks=$((checks + 1))
  [[ "$output" != *"$1"* ]] || fail "${2:-output} must not contain [$1]; got:
$output"
}

expect_same_file() {
  checks=$((checks + 1))
  cmp -s "$1" "$2" || fail "$1 differs from $2: $(diff "$1" "$2" | head -5)"
}

# app_copy FIXTURE: a fresh copy of a fixture app (symlinks kept), printed.
app_copy() {
  local dest
  dest=$(mktemp -d "$WORK/app-XXXXXX")
  cp -a "$FIXTURES/$1/." "$dest/"
  echo "$dest"
}

# env_dir NAME=VALUE...: a Heroku ENV_DIR holding those config vars.
env_dir() {
  local dir pair
  dir=$(mktemp -d "$WORK/env-XXXXXX")
  for pair in "$@"; do
    printf '%s' "${pair#*=}" >"$dir/${pair%%=*}"
  done
  echo "$dir"
}

# snapshot DIR: every path, link target and file hash, to prove nothing changed.
snapshot() {
  (cd "$1" && find . -printf '%p %y %l\n' | sort && find . -type f -exec sha256sum {} + | sort)
}

finish() {
  echo "$(basename "$0"): $checks checks, $failures failed"
  [[ $failures -eq 0 ]]
}
