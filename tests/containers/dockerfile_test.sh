#!/usr/bin/env bash
# The install docs' Dockerfiles, built and run for real with podman (no
# Docker, no registry on this machine; docs/install.md "Containers"):
#   1. the release tarball's Dockerfile, taken from README.md and
#      docs/install.md (the two must be the same lines), with only its URL
#      (the release's, not published yet) pointed at a loopback HTTP server
#      serving tools/make-dist's artifacts and `SHA256` replaced by the
#      .sha256 file's hash; built, and built again with a wrong hash, which
#      must fail; then `slugwright release` in a container applies a real
#      migration to a throwaway PostgreSQL on the host, once;
#   2. the npm Dockerfile of docs/install.md ("npm and pnpm"): `npm ci` of
#      an app whose lockfile resolves slugwright from a local verdaccio
#      (make-dist's npm tarballs published to it), then `npx slugwright
#      release` from that image;
#   3. N containers, one commit: six containers of image 1 started at once,
#      each as its own Railway service (RAILWAY_SERVICE_NAME=svc-N, the same
#      RAILWAY_GIT_COMMIT_SHA), each running `slugwright release` with the
#      same migrations (two applied before, eight pending, an after hook)
#      against one database: every container exits 0, each migration is
#      applied once (history and a side-effect table), the after hook runs
#      once, and the ledger (`slugwright releases --commit SHA --json` on the
#      host) names one executor and five waiters;
#   4. the same with a failing migration: every container exits 1 naming it,
#      and the ledger says failed.
# The FROM images cannot be pulled here: each Dockerfile's FROM name is
# tagged, in the test's own podman storage, on a local stand-in built from
# the bare bookworm root of tests/buildpack/bare_root.sh (debian:bookworm-
# slim's distribution; for node:22-slim, that root plus this machine's
# node and npm in /usr/local, where the official image has them).
# podman runs with vfs storage, runc, cgroupfs, --network=host and explicit
# ulimits (what works on this machine: /work/shared/reference/containers.md),
# with --root/--runroot in $WORK, so nothing is left in the machine's podman
# storage and every image and container goes at exit.
# Exit 77 (skipped) with the reason when not root, podman or runc is
# missing, podman cannot start a container, npm or verdaccio is missing, or
# the packaged buildpack has no arm64 binary (tools/make-dist needs it).
# Run by CTest (label `containers`) after buildpack.package, which sets
# SLUGWRIGHT_BUILDPACK_TGZ.

skip() {
  echo "SKIPPED: $*"
  exit 77
}
[[ $(id -u) -eq 0 ]] || skip "needs root (podman with vfs storage and runc, the bare root)"
command -v podman >/dev/null || skip "podman is not installed (tools/install-deps test installs it)"
command -v runc >/dev/null || skip "runc is not installed (tools/install-deps test installs it)"
command -v npm >/dev/null || skip "npm is not installed"

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"
# shellcheck source=tests/e2e/throwaway_postgres.sh
source "$ROOT/tests/e2e/throwaway_postgres.sh"
# shellcheck source=tests/buildpack/bare_root.sh
source "$ROOT/tests/buildpack/bare_root.sh"
# shellcheck source=tests/buildpack/verdaccio.sh
source "$ROOT/tests/buildpack/verdaccio.sh"
unset SLUGWRIGHT_BIN
tgz=${SLUGWRIGHT_BUILDPACK_TGZ:?run from CTest, which sets SLUGWRIGHT_BUILDPACK_TGZ}
[[ -f "$tgz" ]] || { echo "FAIL: no packaged buildpack at $tgz" >&2; exit 1; }
packaged=$WORK/packaged
mkdir -p "$packaged"
tar -xzf "$tgz" -C "$packaged"
[[ -f "$packaged/dist/linux-arm64/slugwright" ]] ||
  skip "the packaged buildpack has no linux/arm64 binary (tools/make-dist needs it)"
host_slugwright=$packaged/dist/slugwright
version=$(basename "$tgz" .tgz)
version=${version#slugwright-buildpack-}
started=$(date +%s)

# ---- Clean-up on every exit path ------------------------------------------------
# podman keeps its images and containers in $WORK/podman; the clean-up
# removes them with podman (which also unmounts what it mounted) before
# $WORK goes.
podman_dir=$WORK/podman
P=(podman --root "$podman_dir/root" --runroot "$podman_dir/run" --tmpdir "$podman_dir/tmp"
  --storage-driver=vfs --runtime runc --cgroup-manager=cgroupfs --events-backend=file)
# Every `build` and `run` needs these (the default ulimits are refused here).
R=(--network=host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
http_pid=
cleanup() {
  if [[ -d $podman_dir/root ]]; then
    "${P[@]}" rm -af -t 0 >/dev/null 2>&1
    "${P[@]}" rmi -af >/dev/null 2>&1
    "${P[@]}" system prune -af >/dev/null 2>&1
  fi
  [[ -n $http_pid ]] && kill "$http_pid" 2>/dev/null && wait "$http_pid" 2>/dev/null
  stop_verdaccio
  stop_postgres
  rm -rf "$WORK"
}
start_postgres
trap cleanup EXIT
trap 'exit 143' TERM INT HUP
mkdir -p "$podman_dir"
psql_db() { local db=$1; shift; psql -X -q -At "${DATABASE_URL%/postgres}/$db" "$@"; }

# ---- The base image: the bare bookworm root ---------------------------------------
ensure_bare_root
base=localhost/slugwright-test-bookworm:1
t0=$(date +%s)
tar -C "$BARE_ROOT" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' --exclude='./tmp/*' \
    --exclude=./.slugwright-bare-root -c . | "${P[@]}" import - "$base" >"$WORK/import.log" 2>&1 ||
  { cat "$WORK/import.log"; fail "podman import of $BARE_ROOT"; finish; exit 1; }
if ! "${P[@]}" run --rm "${R[@]}" "$base" true >"$WORK/smoke.log" 2>&1; then
  cat "$WORK/smoke.log"
  skip "podman cannot start a container here"
fi
echo "-----> Base image $base from $BARE_ROOT in $(( $(date +%s) - t0 ))s"

# ---- The release artifacts on a loopback HTTP server --------------------------------
run "$ROOT/tools/make-dist" --binary "$packaged/dist/slugwright" \
  --arm64-binary "$packaged/dist/linux-arm64/slugwright" --out "$WORK/release"
expect_status 0 "make-dist"
[[ $status -eq 0 ]] || { finish; exit 1; }
serve_directory "$WORK/release"
http_port=$HTTP_PORT
http_pid=$HTTP_PID
tarball=slugwright-$version-linux-amd64.tar.gz
sha256=$(cut -d' ' -f1 "$WORK/release/$tarball.sha256")

# ---- 1. The tarball's Dockerfile, as the docs write it --------------------------------
# dockerfile_block FILE HEADING: the first ```dockerfile block after the
# line HEADING (a fixed string) of FILE.
dockerfile_block() {
  awk -v heading="$2" '
    index($0, heading) == 1 { after = 1; next }
    after && /^ *```dockerfile$/ { inside = 1; next }
    inside && /^ *```$/ { exit }
    inside { sub(/^  /, ""); print }' "$1"
}
readme_dockerfile=$(dockerfile_block "$ROOT/README.md" "- **Containers**")
install_dockerfile=$(dockerfile_block "$ROOT/docs/install.md" "## Containers")
checks=$((checks + 1))
[[ -n $readme_dockerfile && -n $install_dockerfile ]] ||
  { fail "no \`\`\`dockerfile block under README.md's Containers bullet or docs/install.md's ## Containers"; finish; exit 1; }
checks=$((checks + 1))
[[ $readme_dockerfile == "$install_dockerfile" ]] ||
  fail "README.md's and docs/install.md's Dockerfiles differ:
$(diff <(echo "$readme_dockerfile") <(echo "$install_dockerfile"))"

# The URL and the hash are the only parts replaced; each must be there.
doc_url=$(grep -o "https://[^ ]*/$tarball" <<<"$install_dockerfile" | head -1)
checks=$((checks + 1))
[[ -n $doc_url ]] || { fail "docs/install.md's Dockerfile downloads no https://.../$tarball:
$install_dockerfile"; finish; exit 1; }
checks=$((checks + 1))
grep -q "\"SHA256  $tarball\"" <<<"$install_dockerfile" ||
  { fail "docs/install.md's Dockerfile has no \"SHA256  $tarball\" line to check the hash with"; finish; exit 1; }
doc_prefix=${doc_url%/"$tarball"}
from_image=$(awk 'toupper($1) == "FROM" { print $2; exit }' <<<"$install_dockerfile")
echo "-----> docs/install.md's Dockerfile: FROM $from_image, URL prefix $doc_prefix"

# tag_stand_in IMAGE NAME: NAME (a FROM of the docs) resolves to IMAGE in
# this test's storage; builds run with --pull=never, so nothing is pulled.
tag_stand_in() {
  "${P[@]}" tag "$1" "$2" || fail "podman tag $1 $2"
}
tag_stand_in "$base" "$from_image"

# build_dockerfile TAG HASH: docs/install.md's Dockerfile with the URL
# prefix on the loopback server and HASH for SHA256, built as TAG.
build_dockerfile() {
  local context=$WORK/context-$1
  mkdir -p "$context"
  sed -e "s#$doc_prefix/#http://127.0.0.1:$http_port/#g" -e "s#\"SHA256  #\"$2  #" \
    <<<"$install_dockerfile" >"$context/Dockerfile"
  run "${P[@]}" build "${R[@]}" --pull=never --layers=false -t "localhost/slugwright-test-$1:1" "$context"
}

t0=$(date +%s)
build_dockerfile tarball "$sha256"
expect_status 0 "podman build of docs/install.md's Dockerfile"
[[ $status -eq 0 ]] || { finish; exit 1; }
echo "-----> Built it in $(( $(date +%s) - t0 ))s"
image=localhost/slugwright-test-tarball:1
run "${P[@]}" run --rm "${R[@]}" "$image" slugwright --version
expect_status 0 "slugwright --version in the image"
expect_output "slugwright $version"

# A wrong hash: sha256sum -c fails the RUN step, so no image.
wrong=$(printf '0%.0s' $(seq 64))
build_dockerfile wrong-sha "$wrong"
checks=$((checks + 1))
[[ $status -ne 0 ]] || fail "podman build with a wrong SHA256 succeeded:
$output"
expect_output "$tarball: FAILED" "the build with a wrong SHA256"
checks=$((checks + 1))
! "${P[@]}" image exists localhost/slugwright-test-wrong-sha:1 || fail "the build with a wrong SHA256 left an image"

# An app's files: migrations that record each application in a
# side-effect table, and slugwright.yml with an after hook that appends the
# service's name to /shared/after.log (a volume every container mounts).
# write_app DIR FAILING: migrations 1..10; migration 3 sleeps 3 s so that
# every container is running before the executor finishes; with FAILING=1,
# migration 4 divides by zero.
write_app() {
  local dir=$1 n sql
  mkdir -p "$dir/migrations"
  printf 'release:\n  migrations: migrations\n  lock_wait: 120s\n  hooks:\n    after: %s\n' \
    "'echo \"\$RAILWAY_SERVICE_NAME\" >> /shared/after.log'" >"$dir/slugwright.yml"
  for n in $(seq 1 10); do
    sql="INSERT INTO release_effects VALUES ('m$n');"
    [[ $n -eq 1 ]] && sql="CREATE TABLE release_effects (migration text NOT NULL); $sql"
    [[ $n -eq 3 ]] && sql="SELECT pg_sleep(3); $sql"
    [[ $n -eq 4 && ${2:-0} -eq 1 ]] && sql="SELECT 1/0;"
    printf -- '-- migrate:up\n%s\n' "$sql" >"$dir/migrations/$(printf '2024010100%04d' "$n")_m$n.sql"
  done
}
# effects DB: each migration's rows in the side-effect table, "m1=1 m2=1 ...".
effects() {
  psql_db "$1" -c "SELECT string_agg(migration || '=' || n, ' ' ORDER BY length(migration), migration)
    FROM (SELECT migration, count(*) AS n FROM release_effects GROUP BY migration) e"
}
all_once="m1=1 m2=1 m3=1 m4=1 m5=1 m6=1 m7=1 m8=1 m9=1 m10=1"

# One release in a container: the app mounted at /app.
psql_db postgres -c "CREATE DATABASE c_tarball" -c "CREATE DATABASE c_npm" \
  -c "CREATE DATABASE c_many" -c "CREATE DATABASE c_fail"
app=$WORK/app
write_app "$app"
mkdir -p "$WORK/shared-one"
run "${P[@]}" run --rm "${R[@]}" -v "$app:/app:ro" -v "$WORK/shared-one:/shared" -w /app \
  -e DATABASE_URL="${DATABASE_URL%/postgres}/c_tarball" "$image" slugwright release
expect_status 0 "slugwright release in the tarball's image"
expect_output "Applied 10 migrations" "slugwright release in the tarball's image"
run effects c_tarball
expect_output "$all_once" "the side effects of the release in a container"
run psql_db c_tarball -c "SELECT count(*) FROM public.slugwright_migrations WHERE state = 'applied'"
checks=$((checks + 1))
[[ $output == 10 ]] || fail "the history should hold 10 applied migrations, holds [$output]"
run "${P[@]}" run --rm "${R[@]}" -v "$app:/app:ro" -v "$WORK/shared-one:/shared" -w /app \
  -e DATABASE_URL="${DATABASE_URL%/postgres}/c_tarball" "$image" slugwright release
expect_status 0 "a second slugwright release in a container"
run effects c_tarball
expect_output "$all_once" "the side effects after a second release (nothing applied twice)"

# ---- 2. The npm Dockerfile: slugwright from a registry ----------------------------------
npm_dockerfile=$(dockerfile_block "$ROOT/docs/install.md" "## npm and pnpm")
checks=$((checks + 1))
if [[ -z $npm_dockerfile ]]; then
  fail "no \`\`\`dockerfile block under docs/install.md's ## npm and pnpm"
else
  node_from=$(awk 'toupper($1) == "FROM" { print $2; exit }' <<<"$npm_dockerfile")
  # The stand-in for node:22-slim, which is bookworm-slim with Node.js's
  # own build in /usr/local: the bare root with this machine's node binary
  # (linked against glibc and libstdc++ only) and npm copied to the same
  # places. Seconds, and nothing fetched.
  node_bin=$(readlink -f "$(command -v node)")
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  node_context=$WORK/node-stand-in
  mkdir -p "$node_context"
  cp "$node_bin" "$node_context/node"
  cp -a "$npm_dir" "$node_context/npm"
  cat >"$node_context/Containerfile" <<CONTAINERFILE
FROM $base
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CONTAINERFILE
  "${P[@]}" build "${R[@]}" --pull=never -t localhost/slugwright-test-node:1 "$node_context" \
    >"$WORK/node-stand-in.log" 2>&1 ||
    fail "the node stand-in (this machine's $node_bin on the bare root): $(tail -5 "$WORK/node-stand-in.log")"
  rm -rf "$node_context"
  tag_stand_in localhost/slugwright-test-node:1 "$node_from"

  # The registry, and an app whose lockfile resolves slugwright from it
  # (as it would resolve from npmjs.com once the packages are published).
  start_verdaccio
  publish_npm_tarballs "$WORK/release" "$version"
  npm_app=$WORK/npm-app
  write_app "$npm_app"
  printf '{ "name": "app", "version": "1.0.0", "private": true, "devDependencies": { "slugwright": "%s" } }\n' \
    "$version" >"$npm_app/package.json"
  run bash -c "cd '$npm_app' && npm install --package-lock-only"
  expect_status 0 "npm install --package-lock-only (the app's lockfile)"
  printf '%s\n' "$npm_dockerfile" >"$npm_app/Dockerfile"
  t0=$(date +%s)
  run "${P[@]}" build "${R[@]}" --pull=never --layers=false -t localhost/slugwright-test-npm:1 "$npm_app"
  expect_status 0 "podman build of docs/install.md's npm Dockerfile"
  echo "-----> Built the npm image in $(( $(date +%s) - t0 ))s"
  run "${P[@]}" run --rm "${R[@]}" localhost/slugwright-test-npm:1 sh -c \
    'ls node_modules/@slugwright; head -c 9 node_modules/.bin/slugwright; echo; npx slugwright --version'
  expect_status 0 "npx slugwright --version in the npm image"
  expect_output "linux-x64"
  expect_no_output "linux-arm64" "node_modules/@slugwright in the npm image (x64 only)"
  expect_output "#!/bin/sh" "node_modules/.bin/slugwright (the shell launcher)"
  expect_output "slugwright $version"
  mkdir -p "$WORK/shared-npm"
  run "${P[@]}" run --rm "${R[@]}" -v "$WORK/shared-npm:/shared" \
    -e DATABASE_URL="${DATABASE_URL%/postgres}/c_npm" localhost/slugwright-test-npm:1 npx slugwright release
  expect_status 0 "npx slugwright release in the npm image"
  run effects c_npm
  expect_output "$all_once" "the side effects of the release from the npm image"
  stop_verdaccio
fi

# ---- 3. N containers, one commit ------------------------------------------------------
# release_services DB COMMIT N APP SHARED: creates N containers of the
# tarball's image, services svc-1..svc-N of COMMIT, then starts them all at
# once and waits for each; leaves each one's exit code in $WORK/exit-svc-I
# and its output in $WORK/log-svc-I.
release_services() {
  local db=$1 commit=$2 n=$3 app=$4 shared=$5 i
  mkdir -p "$shared"
  for i in $(seq 1 "$n"); do
    "${P[@]}" create "${R[@]}" --name "svc-$i" -v "$app:/app:ro" -v "$shared:/shared" -w /app \
      -e DATABASE_URL="${DATABASE_URL%/postgres}/$db" -e RAILWAY_GIT_COMMIT_SHA="$commit" \
      -e RAILWAY_SERVICE_NAME="svc-$i" "$image" slugwright release >/dev/null ||
      fail "podman create svc-$i"
  done
  local starts=()
  for i in $(seq 1 "$n"); do
    "${P[@]}" start "svc-$i" >/dev/null &
    starts+=($!)
  done
  wait "${starts[@]}"  # the starts only (the HTTP server runs in the background too)
  for i in $(seq 1 "$n"); do
    "${P[@]}" wait "svc-$i" >"$WORK/exit-svc-$i" 2>&1
    "${P[@]}" logs "svc-$i" >"$WORK/log-svc-$i" 2>&1
    "${P[@]}" rm "svc-$i" >/dev/null
  done
}
services=6
commit=$(printf 'c0ffee%.0s' 1 2 3 4 5 6 7)abcd
commit=${commit:0:40}
many_app=$WORK/many-app
write_app "$many_app"
# Migrations 1 and 2 are applied before; 3..10 are pending.
mkdir -p "$WORK/before/migrations"
cp "$many_app"/migrations/*_m1.sql "$many_app"/migrations/*_m2.sql "$WORK/before/migrations/"
run bash -c "cd '$WORK/before' && DATABASE_URL='${DATABASE_URL%/postgres}/c_many' '$host_slugwright' migrate up"
expect_status 0 "migrate up of migrations 1 and 2 on the host"
t0=$(date +%s)
release_services c_many "$commit" "$services" "$many_app" "$WORK/shared-many"
echo "-----> $services containers released commit $commit in $(( $(date +%s) - t0 ))s"
executed=0 shared=0
for i in $(seq 1 "$services"); do
  checks=$((checks + 1))
  [[ $(cat "$WORK/exit-svc-$i") == 0 ]] ||
    fail "container svc-$i exited $(cat "$WORK/exit-svc-$i"); its output:
$(cat "$WORK/log-svc-$i")"
  grep -q "Recorded in public.slugwright_migrations_releases" "$WORK/log-svc-$i" && executed=$((executed + 1))
  grep -q "nothing to run here" "$WORK/log-svc-$i" && shared=$((shared + 1))
done
checks=$((checks + 1))
[[ $executed -eq 1 && $shared -eq $((services - 1)) ]] ||
  fail "expected 1 container to execute the release and $((services - 1)) to share it, got $executed and $shared:
$(for i in $(seq 1 "$services"); do echo "== svc-$i"; cat "$WORK/log-svc-$i"; done)"
run effects c_many
expect_output "$all_once" "the side effects of $services containers' releases"
run psql_db c_many -c "SELECT count(*) FROM public.slugwright_migrations WHERE state = 'applied'"
checks=$((checks + 1))
[[ $output == 10 ]] || fail "the history should hold 10 applied migrations, holds [$output]"
checks=$((checks + 1))
[[ $(wc -l <"$WORK/shared-many/after.log") -eq 1 ]] ||
  fail "the after hook should have run once, ran in: $(cat "$WORK/shared-many/after.log")"
# The ledger, read on the host: one executor, the five others as waiters.
run env DATABASE_URL="${DATABASE_URL%/postgres}/c_many" "$host_slugwright" releases --commit "$commit" --json
expect_status 0 "slugwright releases --commit --json"
ledger=$output
run python3 -c '
import json, sys
releases = json.loads(sys.argv[1])["releases"]
assert len(releases) == 1, "%d releases of the commit" % len(releases)
r = releases[0]
names = sorted([r["service"]] + list(r["waiters"]))
print(r["state"], r["applied"], len(r["waiters"]), " ".join(names))' "$ledger"
expect_status 0 "reading the ledger"
expect_output "succeeded 8 $((services - 1)) $(seq -f 'svc-%g' -s ' ' 1 "$services")" "the ledger of commit $commit"

# ---- 4. A failing release, N containers --------------------------------------------------
fail_commit=${commit:0:39}f
fail_app=$WORK/fail-app
write_app "$fail_app" 1
release_services c_fail "$fail_commit" 4 "$fail_app" "$WORK/shared-fail"
for i in 1 2 3 4; do
  checks=$((checks + 1))
  [[ $(cat "$WORK/exit-svc-$i") == 1 ]] ||
    fail "container svc-$i of the failing release exited $(cat "$WORK/exit-svc-$i"), not 1; its output:
$(cat "$WORK/log-svc-$i")"
  checks=$((checks + 1))
  grep -q "20240101000004_m4.sql: division by zero" "$WORK/log-svc-$i" ||
    fail "container svc-$i does not name the failing migration; its output:
$(cat "$WORK/log-svc-$i")"
done
run env DATABASE_URL="${DATABASE_URL%/postgres}/c_fail" "$host_slugwright" releases --commit "$fail_commit" --json
expect_status 0 "slugwright releases --commit --json (the failing commit)"
run python3 -c '
import json, sys
releases = json.loads(sys.argv[1])["releases"]
assert len(releases) == 1, "%d releases of the commit" % len(releases)
print(releases[0]["state"], releases[0]["failed_migration"], len(releases[0]["waiters"]))' "$output"
expect_output "failed 20240101000004_m4.sql 3" "the ledger of the failing commit (state, migration, waiters)"
run effects c_fail
expect_output "m1=1 m2=1 m3=1" "the side effects of the failing release (migrations before the failure, once)"
expect_no_output "m4" "the side effects of the failing release"

echo "-----> Container test took $(( $(date +%s) - started ))s"
finish
