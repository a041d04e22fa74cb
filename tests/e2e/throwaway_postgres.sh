# shellcheck shell=bash
# tests/e2e/throwaway_postgres.sh: a throwaway PostgreSQL cluster for shell
# tests that need a server of their own (sourced after lib.sh, whose $WORK
# is removed at exit together with the cluster).

# start_postgres: a throwaway cluster (as the postgres user under root),
# stopped and removed at exit; sets DATABASE_URL (trust auth on 127.0.0.1).
start_postgres() {
  local bin_dir port as=()
  bin_dir=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1)
  [[ -x "$bin_dir/initdb" ]] || { echo "SKIP: no PostgreSQL server binaries" >&2; exit 77; }
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/slugwright-shell-pg-XXXXXX")
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$PG_DIR"
    as=(setpriv --reuid=postgres --regid=postgres --init-groups)
  fi
  port=$(free_loopback_port)
  trap 'stop_postgres; rm -rf "$WORK"' EXIT
  "${as[@]}" "$bin_dir/initdb" -D "$PG_DIR/data" -U slugwright -A trust >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; fail "initdb"; return 1; }
  PG_CTL=("${as[@]}" "$bin_dir/pg_ctl" -D "$PG_DIR/data")
  "${PG_CTL[@]}" -w -l "$PG_DIR/server.log" \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
    { cat "$PG_DIR/server.log" >&2; fail "pg_ctl start"; return 1; }
  # shellcheck disable=SC2034  # the result, read by the tests that source this file
  DATABASE_URL=postgres://slugwright@127.0.0.1:$port/postgres
}

stop_postgres() {
  [[ -n "${PG_DIR:-}" ]] || return 0
  "${PG_CTL[@]}" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PG_DIR"
}
