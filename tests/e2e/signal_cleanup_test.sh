#!/usr/bin/env bash
# No throwaway cluster outlives the command that started it, however the
# command ends: its output piped into a reader that stops early (SIGPIPE:
# `bin/simulate --release | head -1`, `slugwright rehearse | head -1`),
# SIGHUP, SIGTERM or SIGKILL. Nothing at all is left: the cluster's guard
# process stops the server and removes its directory, the same guard
# removes the build and rehearsal directories
# (src/postgres/local_postgres_guard.h), and the kernel ends slugwright's
# children (PR_SET_PDEATHSIG, src/base/subprocess.cc).
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/throwaway_postgres.sh
source "$(dirname "$0")/throwaway_postgres.sh"

# The clusters go into a directory of their own (TMPDIR), which the
# postgres user must be able to reach.
chmod 755 "$WORK"
SCRATCH=$WORK/scratch
mkdir -m 755 "$SCRATCH"
# A hook's process, by its command line (unique to this run).
CHILD_MARK="sleep 86$$"

# A left cluster is stopped here by its own pid, so a failure leaks nothing.
stop_left_clusters() {
  local pidfile pid
  for pidfile in "$SCRATCH"/slugwright-pg-*/data/postmaster.pid; do
    [[ -r "$pidfile" ]] && read -r pid <"$pidfile" && kill -QUIT "$pid" 2>/dev/null
  done
  return 0
}

# expect_no_cluster_left WHAT: within 20 s, nothing is left in $SCRATCH
# (no cluster directory, no rehearsal directory, no other temporary
# directory) and no process runs from there or was started by the command
# (a server, pg_dump, pg_restore, psql, a hook).
expect_no_cluster_left() {
  local _
  checks=$((checks + 1))
  for _ in $(seq 200); do
    if [[ -z "$(ls -A "$SCRATCH")" ]] && ! pgrep -f "$SCRATCH/" >/dev/null &&
       ! pgrep -f "$CHILD_MARK" >/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  fail "$1: left behind: $(ls -A "$SCRATCH") $(pgrep -af "$SCRATCH/") $(pgrep -af "$CHILD_MARK")"
  stop_left_clusters
  pgrep -f "$CHILD_MARK" | xargs -r kill -KILL
  sleep 1
  rm -rf "${SCRATCH:?}"/*
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

simulate=("$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --dyno-metadata --release)

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

# A child of slugwright ends with it (PR_SET_PDEATHSIG): a release's
# `before` hook still running when slugwright is killed by SIGHUP (no
# handler) or SIGKILL (none possible).
app=$WORK/hook-app
mkdir -p "$app/migrations" "$app/.slugwright"
printf -- '-- migrate:up\nCREATE TABLE hooked (id int);\n' >"$app/migrations/20240101000000_hooked.sql"
cat >"$app/.slugwright/release.json" <<JSON
{"release": {"migrations": "migrations", "database_url_env": "DATABASE_URL",
  "table": "public.slugwright_migrations", "transaction": "per-migration",
  "on_failure": "stop", "lock_wait_seconds": 60, "lock_timeout_seconds": 5,
  "statement_timeout_seconds": 0, "lock_retries": 0, "allow_out_of_order": false,
  "command": "", "rollback_command": "",
  "hooks": {"before": ["exec $CHILD_MARK"], "after": [], "on_failure": [],
            "timeout_seconds": 600}}}
JSON
for signal in HUP KILL; do
  (cd "$app" && DATABASE_URL=$DATABASE_URL TMPDIR=$SCRATCH exec "$SLUGWRIGHT_BIN" release) >"$WORK/hook-$signal.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do
    pgrep -f "$CHILD_MARK" >/dev/null && break
    sleep 0.1
  done
  pgrep -f "$CHILD_MARK" >/dev/null || fail "the hook did not start: $(cat "$WORK/hook-$signal.log")"
  kill -"$signal" "$pid"
  wait "$pid"
  expect_no_cluster_left "slugwright release killed by SIG$signal during a hook"
done
finish
