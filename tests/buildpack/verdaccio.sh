# shellcheck shell=bash
# tests/buildpack/verdaccio.sh: a real npm registry for the tests that
# install slugwright's npm packages (tests/buildpack/npm_install_test.sh,
# tests/containers/dockerfile_test.sh): verdaccio 6.8.0 on a free loopback
# port, storage in $WORK, one throwaway user, no uplink; and the publishing
# of the three tarballs tools/make-dist writes into OUT/npm/. Sourced after
# tests/e2e/lib.sh (for $WORK, run, expect_status, fail).

# npm_tool SPEC: installs the npm package SPEC (e.g. verdaccio@6.8.0) once
# per machine, under a lock, published by rename; prints its prefix.
# The cache is $SLUGWRIGHT_NPM_CACHE (default /var/tmp/slugwright-npm), as
# src/testing/npm_tools.cc keeps it.
npm_tool() {
  local cache=${SLUGWRIGHT_NPM_CACHE:-/var/tmp/slugwright-npm} name prefix
  name=$(tr -c 'A-Za-z0-9-\n' '_' <<<"$1")
  prefix=$cache/$name
  mkdir -p "$cache" || return 1
  (
    flock 9
    [[ -d $prefix/node_modules/.bin ]] && exit 0
    rm -rf "$prefix.partial" && mkdir -p "$prefix.partial" &&
      timeout 180 npm install --prefix "$prefix.partial" --no-audit --no-fund --loglevel=error "$1" >&2 &&
      mv "$prefix.partial" "$prefix" || { rm -rf "$prefix.partial"; exit 1; }
  ) 9>"$prefix.lock" || return 1
  echo "$prefix"
}

VERDACCIO_PID=
# stop_verdaccio: stops the registry start_verdaccio started (if any).
stop_verdaccio() {
  [[ -n $VERDACCIO_PID ]] || return 0
  kill "$VERDACCIO_PID" 2>/dev/null
  wait "$VERDACCIO_PID" 2>/dev/null
  VERDACCIO_PID=
}

# start_verdaccio: installs verdaccio (once per machine) and starts it on a
# free port of 127.0.0.1; sets VERDACCIO_REGISTRY (http://127.0.0.1:PORT/)
# and exports npm's settings for every later npm command: this registry, a
# cache of the test's own (so every install really fetches from it), and
# the token of a throwaway user (in $WORK/npmrc, never printed). Exits 77
# (skipped) when verdaccio cannot be installed or started. The caller's
# EXIT trap must call stop_verdaccio.
start_verdaccio() {
  local prefix port token
  prefix=$(npm_tool verdaccio@6.8.0) ||
    { echo "SKIPPED: verdaccio@6.8.0 could not be installed from the npm registry"; exit 77; }
  port=$(free_loopback_port)
  VERDACCIO_REGISTRY=http://127.0.0.1:$port/
  mkdir -p "$WORK/verdaccio"
  cat >"$WORK/verdaccio/config.yaml" <<YAML
storage: $WORK/verdaccio/storage
auth:
  htpasswd:
    file: $WORK/verdaccio/htpasswd
    max_users: 1
uplinks: {}
packages:
  '**':
    access: \$all
    publish: \$authenticated
log: { type: stdout, format: pretty, level: warn }
YAML
  "$prefix/node_modules/.bin/verdaccio" --config "$WORK/verdaccio/config.yaml" \
    --listen "127.0.0.1:$port" >"$WORK/verdaccio/log" 2>&1 &
  VERDACCIO_PID=$!
  for _ in $(seq 100); do
    curl -fs "${VERDACCIO_REGISTRY}-/ping" >/dev/null 2>&1 && break
    kill -0 "$VERDACCIO_PID" 2>/dev/null || break
    sleep 0.2
  done
  if ! curl -fs "${VERDACCIO_REGISTRY}-/ping" >/dev/null 2>&1; then
    echo "SKIPPED: verdaccio did not start on 127.0.0.1:$port:"
    tail -20 "$WORK/verdaccio/log"
    exit 77
  fi

  export npm_config_userconfig=$WORK/npmrc npm_config_cache=$WORK/npm-cache
  export npm_config_registry=$VERDACCIO_REGISTRY
  export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
  token=$(curl -fs -X PUT -H 'content-type: application/json' \
    -d '{"name":"slugwright-test","password":"throwaway-'"$RANDOM$RANDOM"'"}' \
    "${VERDACCIO_REGISTRY}-/user/org.couchdb.user:slugwright-test" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token||""))')
  checks=$((checks + 1))
  [[ -n $token ]] || fail "verdaccio created no user"
  echo "//127.0.0.1:$port/:_authToken=$token" >"$WORK/npmrc"
}

# publish_npm_tarballs DIR VERSION: publishes DIR/npm's three tarballs of
# VERSION to the registry with tools/npm-publish, as a release does (the
# platform packages first).
publish_npm_tarballs() {
  run "$ROOT/tools/npm-publish" "$1/npm"
  expect_status 0 "tools/npm-publish $1/npm"
  expect_output "published @slugwright/linux-x64@$2"
  expect_output "published slugwright@$2"
}
