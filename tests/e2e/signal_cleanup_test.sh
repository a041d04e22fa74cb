#!/usr/bin/env bash
# No throwaway cluster outlives the command that started it, however the
# command ends: its output piped into a reader that stops early (SIGPIPE:
# `bin/simulate --release | head -1`, `slugwright rehearse | head -1`),
# SIGHUP, SIGTERM or SIGKILL. The cluster's guard process stops the server
# and removes its directory (src/postgres/local_postgres_guard.h).
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/throwaway_postgres.sh
source "$(dirname "$0")/throwaway_postgres.sh"

# The clusters go into a directory of their own (TMPDIR), which the
# postgres user must be able to reach.
chmod 755 "$WORK"
SCRATCH=$WORK/scratch
mkdir -m 755 "$SCRATCH"

# A left cluster is stopped here by its own pid, so a failure leaks nothing.
stop_left_clusters() {
  local pidfile pid
  for pidfile in "$SCRATCH"/slugwright-pg-*/data/postmaster.pid; do
    [[ -r "$pidfile" ]] && read -r pid <"$pidfile" && kill -QUIT "$pid" 2>/dev/null
  done
  return 0
}

# expect_no_cluster_left WHAT: within 20 s, no cluster directory is left in
# $SCRATCH and no server runs from one.
expect_no_cluster_left() {
  local _
  checks=$((checks + 1))
  for _ in $(seq 200); do
    if ! compgen -G "$SCRATCH/slugwright-pg-*" >/dev/null &&
       ! pgrep -f "$SCRATCH/slugwright-pg-" >/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  fail "$1: a throwaway cluster was left: $(ls "$SCRATCH") $(pgrep -af "$SCRATCH/slugwright-pg-")"
  stop_left_clusters
  sleep 1
  rm -rf "${SCRATCH:?}"/slugwright-pg-*
}

# wait_for_output FILE TEXT: polls up to 60 s for TEXT in FILE.
wait_for_output() {
  local _
  for _ in $(seq 600); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "no [$2] in $1: $(cat "$1")"
  return 1
}

simulate=("$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --release)

# SIGPIPE: the reader stops once the cluster is up.
TMPDIR=$SCRATCH "${simulate[@]}" 2>&1 | grep -m1 -q "PostgreSQL on 127.0.0.1"
expect_no_cluster_left "bin/simulate --release | grep -m1"

# SIGHUP, SIGTERM, SIGKILL while the cluster runs.
for signal in HUP TERM KILL; do
  TMPDIR=$SCRATCH "${simulate[@]}" >"$WORK/simulate-$signal.log" 2>&1 &
  pid=$!
  if wait_for_output "$WORK/simulate-$signal.log" "PostgreSQL on 127.0.0.1"; then
    kill -"$signal" "$pid"
  fi
  wait "$pid"
  expect_no_cluster_left "bin/simulate --release killed by SIG$signal"
done

# rehearse copies a database into a throwaway cluster.
start_postgres || { finish; exit 1; }
trap 'stop_left_clusters; stop_postgres; rm -rf "$WORK"' EXIT
TMPDIR=$SCRATCH "$SLUGWRIGHT_BIN" rehearse --database-url "$DATABASE_URL" \
  -d "$FIXTURES/common-monorepo/packages/commonwealth/migrations" 2>&1 | grep -m1 -q "Copying "
expect_no_cluster_left "slugwright rehearse | grep -m1"
TMPDIR=$SCRATCH "$SLUGWRIGHT_BIN" rehearse --database-url "$DATABASE_URL" \
  -d "$FIXTURES/common-monorepo/packages/commonwealth/migrations" 2>&1 | head -1 >/dev/null
expect_no_cluster_left "slugwright rehearse | head -1"
finish
