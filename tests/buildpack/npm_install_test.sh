#!/usr/bin/env bash
# The npm packages of tools/make-dist (OUT/npm/: slugwright and
# @slugwright/linux-{x64,arm64}), published to a real registry, a local
# verdaccio 6.8.0 on loopback, and installed from it as Node teams do:
#   - before publishing, `npm install` of the two tarballs from disk (the
#     README's line until the packages are on npmjs.com);
#   - `npm install slugwright` in a fresh project, and with --ignore-scripts
#     (the package has no install script either way):
#     node_modules/.bin/slugwright is the shell launcher, which execs the
#     platform package's binary, so exit codes and signals are the binary's;
#   - pnpm in a workspace shaped like fixtures/common-monorepo
#     (`pnpm add -w slugwright`), then `pnpm exec slugwright release` from
#     packages/api, applying a SQL migration to a throwaway PostgreSQL, and a
#     `command:` release running its command under the lock;
#   - `npm install --os=linux --cpu=arm64` resolves @slugwright/linux-arm64
#     (and not linux-x64), whose binary runs under qemu-aarch64-static
#     (that part skipped, saying so, without qemu).
# verdaccio and pnpm come from the npm registry, installed once per machine
# under $SLUGWRIGHT_NPM_CACHE (default /var/tmp/slugwright-npm) as
# src/testing/npm_tools.cc does. Exit 77 (skipped) with the reason when
# verdaccio cannot be installed or started, or the packaged buildpack has no
# arm64 binary. Run by CTest after buildpack.package, which sets
# SLUGWRIGHT_BUILDPACK_TGZ.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"
# shellcheck source=tests/e2e/throwaway_postgres.sh
source "$(dirname "$0")/../e2e/throwaway_postgres.sh"
# shellcheck source=tests/buildpack/verdaccio.sh
source "$(dirname "$0")/verdaccio.sh"
unset SLUGWRIGHT_BIN
tgz=${SLUGWRIGHT_BUILDPACK_TGZ:?run from CTest, which sets SLUGWRIGHT_BUILDPACK_TGZ}
command -v npm >/dev/null || { echo "SKIPPED: npm is not installed"; exit 77; }

# expect_shell_launcher DIR WHAT: DIR/node_modules/slugwright/bin/slugwright
# is the package's shell launcher (packaging/npm/slugwright/bin/slugwright).
expect_shell_launcher() {
  checks=$((checks + 1))
  [[ $(head -c 9 "$1/node_modules/slugwright/bin/slugwright") == "#!/bin/sh" ]] ||
    fail "$2, bin/slugwright should be the shell launcher"
}

packaged=$WORK/packaged
mkdir -p "$packaged"
tar -xzf "$tgz" -C "$packaged"
if [[ ! -f "$packaged/dist/linux-arm64/slugwright" ]]; then
  echo "SKIPPED: the packaged buildpack has no linux/arm64 binary (buildpack.cross_build was skipped)"
  exit 77
fi
pnpm_prefix=$(npm_tool pnpm@10.34.9) ||
  { echo "SKIPPED: pnpm@10.34.9 could not be installed from the npm registry"; exit 77; }

run "$ROOT/tools/make-dist" --binary "$packaged/dist/slugwright" \
  --arm64-binary "$packaged/dist/linux-arm64/slugwright" --out "$WORK/dist"
expect_status 0 "make-dist"
[[ $status -eq 0 ]] || { finish; exit 1; }
version=$(basename "$tgz" .tgz)
version=${version#slugwright-buildpack-}

# The registry (tests/buildpack/verdaccio.sh), and npm's settings for
# every command below.
start_postgres
trap 'stop_verdaccio; stop_postgres; rm -rf "$WORK"' EXIT
trap 'exit 143' TERM INT HUP
start_verdaccio
registry=$VERDACCIO_REGISTRY

# The README's line for before the packages are published: both tarballs
# from disk, while the registry has neither (as npmjs.com has not yet).
project=$WORK/npm-from-files
mkdir -p "$project" && (cd "$project" && npm init -y >/dev/null)
run bash -c "cd '$project' && npm install --save-dev '$WORK/dist/npm/slugwright-linux-x64-$version.tgz' '$WORK/dist/npm/slugwright-$version.tgz'"
expect_status 0 "npm install --save-dev of the two tarballs"
run bash -c "cd '$project' && npx slugwright --version"
expect_status 0 "npx slugwright --version (installed from the tarballs)"
expect_output "slugwright $version"

# A release whose publish stopped after the first package: tools/npm-publish
# (what release.yml runs) skips what the registry has and publishes the
# rest, the platform package before the launcher; once all are there it
# publishes nothing.
run npm publish --access public "$WORK/dist/npm/slugwright-linux-x64-$version.tgz"
expect_status 0 "npm publish of the x64 package alone"
run "$ROOT/tools/npm-publish" "$WORK/dist/npm"
expect_status 0 "tools/npm-publish after a half-done publish"
expect_output "@slugwright/linux-x64@$version is already on the registry; skipped"
expect_output "npm-publish: published @slugwright/linux-arm64@$version"
expect_output "npm-publish: published slugwright@$version"
checks=$((checks + 1))
[[ $output == *"published @slugwright/linux-arm64@$version"*"published slugwright@$version"* ]] ||
  fail "tools/npm-publish published the launcher before the arm64 package: $output"
run "$ROOT/tools/npm-publish" "$WORK/dist/npm"
expect_status 0 "tools/npm-publish once all three are published"
expect_output "npm-publish: slugwright@$version is already on the registry; skipped"
expect_no_output "npm-publish: published"
mkdir -p "$WORK/no-tarballs"
run "$ROOT/tools/npm-publish" "$WORK/no-tarballs"
expect_status 2 "tools/npm-publish of a directory without the tarballs"
expect_output "expected one slugwright-<version>.tgz in $WORK/no-tarballs, found 0"
run npm view slugwright@"$version" optionalDependencies --json
expect_output "\"@slugwright/linux-x64\": \"$version\""
expect_output "\"@slugwright/linux-arm64\": \"$version\""

# npm: node_modules/.bin/slugwright is the shell launcher, which runs the
# linux-x64 binary.
project=$WORK/npm-project
mkdir -p "$project" && (cd "$project" && npm init -y >/dev/null)
run bash -c "cd '$project' && npm install --save-dev slugwright"
expect_status 0 "npm install --save-dev slugwright"
run "$project/node_modules/.bin/slugwright" --version
expect_status 0 "node_modules/.bin/slugwright --version"
expect_output "slugwright $version"
checks=$((checks + 1))
cmp -s "$project/node_modules/@slugwright/linux-x64/bin/slugwright" "$packaged/dist/slugwright" ||
  fail "after npm install, @slugwright/linux-x64 does not hold the linux-x64 binary"
expect_shell_launcher "$project" "after npm install"
checks=$((checks + 1))
[[ ! -e "$project/node_modules/@slugwright/linux-arm64" ]] || fail "npm installed the arm64 package on x64"
run bash -c "cd '$project' && npx slugwright --version"
expect_status 0 "npx slugwright --version"
expect_output "slugwright $version"

# npm --ignore-scripts: the same launcher, exit codes passed through.
project=$WORK/npm-ignore-scripts
mkdir -p "$project" && (cd "$project" && npm init -y >/dev/null)
run bash -c "cd '$project' && npm install --ignore-scripts slugwright"
expect_status 0 "npm install --ignore-scripts slugwright"
expect_shell_launcher "$project" "with --ignore-scripts"
run bash -c "cd '$project' && npx slugwright --version"
expect_status 0 "npx slugwright --version (launcher)"
expect_output "slugwright $version"
run "$project/node_modules/.bin/slugwright" migrat status
expect_status 2 "a mistyped command through the launcher"
expect_output "migrate"

# The launcher's signals, with a stand-in for the binary in a copy of that
# install (what is tested is the launcher, not slugwright): it execs the
# binary, so a binary killed by a signal is the launcher killed by it, and a
# SIGTERM sent to the launcher's pid reaches the binary.
standin=$WORK/npm-signals
cp -a "$project" "$standin"
fake=$standin/node_modules/@slugwright/linux-x64/bin/slugwright
# shellcheck disable=SC2016  # the stand-in's own $1, $$ and $0
printf '#!/bin/sh\n[ "$1" = self ] && kill -TERM $$\necho $$ >"$0.pid"; exec sleep 60\n' >"$fake"
run "$standin/node_modules/slugwright/bin/slugwright" self
expect_status 143 "the launcher when its binary dies of SIGTERM"
"$standin/node_modules/slugwright/bin/slugwright" &
launcher_pid=$!
for _ in $(seq 100); do [[ -s $fake.pid ]] && break; sleep 0.1; done
kill -TERM "$launcher_pid"
wait "$launcher_pid"
status=$?
expect_status 143 "the launcher after a SIGTERM sent to it alone"
checks=$((checks + 1))
if [[ -s $fake.pid ]] && kill -0 "$(cat "$fake.pid")" 2>/dev/null; then
  fail "the binary still runs after the launcher's SIGTERM: $(ps -o pid,ppid,stat,args -p "$(cat "$fake.pid")" | tail -1)"
  kill "$(cat "$fake.pid")"
fi

# pnpm in a workspace shaped like fixtures/common-monorepo.
pnpm=$pnpm_prefix/node_modules/.bin/pnpm
workspace=$WORK/pnpm-workspace
mkdir -p "$workspace/packages/api/migrations"
printf 'packages:\n  - packages/*\n' >"$workspace/pnpm-workspace.yaml"
printf '{ "name": "monorepo", "private": true }\n' >"$workspace/package.json"
printf '{ "name": "api", "private": true, "version": "1.0.0" }\n' >"$workspace/packages/api/package.json"
printf 'registry=%s\nstore-dir=%s\n' "$registry" "$WORK/pnpm-store" >"$workspace/.npmrc"
printf -- '-- migrate:up\nCREATE TABLE npm_users (id bigint PRIMARY KEY, email text NOT NULL);\n' \
  >"$workspace/packages/api/migrations/20240105090000_create_npm_users.sql"
run bash -c "cd '$workspace' && '$pnpm' add -w slugwright@$version"
expect_status 0 "pnpm add -w slugwright"
expect_shell_launcher "$workspace" "under pnpm"
run bash -c "cd '$workspace/packages/api' && '$pnpm' exec slugwright --version"
expect_status 0 "pnpm exec slugwright --version, from a package of the workspace"
expect_output "slugwright $version"
export DATABASE_URL
run bash -c "cd '$workspace/packages/api' && '$pnpm' exec slugwright release"
expect_status 0 "pnpm exec slugwright release"
expect_output "20240105090000"
run psql "$DATABASE_URL" -tAc "SELECT count(*) FROM npm_users"
expect_status 0 "the migration's table exists"
run psql "$DATABASE_URL" -tAc "SELECT version FROM slugwright_migrations"
expect_output "20240105090000"
# command: mode, its command run under the lock: it records itself and
# whether it saw the lock held (pg_locks has an advisory lock then).
cat >"$workspace/packages/api/slugwright.yml" <<'EOF'
release:
  command: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -c "CREATE TABLE command_ran AS SELECT count(*) AS advisory_locks FROM pg_locks WHERE locktype = 'advisory'"
EOF
run bash -c "cd '$workspace/packages/api' && '$pnpm' exec slugwright release"
expect_status 0 "pnpm exec slugwright release (command: mode)"
run psql "$DATABASE_URL" -tAc "SELECT advisory_locks > 0 FROM command_ran"
expect_status 0 "the command ran"
expect_output "t"

# arm64: npm resolves the arm64 package for --cpu=arm64.
project=$WORK/npm-arm64
mkdir -p "$project" && (cd "$project" && npm init -y >/dev/null)
run bash -c "cd '$project' && npm install --os=linux --cpu=arm64 slugwright"
expect_status 0 "npm install --os=linux --cpu=arm64 slugwright"
checks=$((checks + 1))
cmp -s "$project/node_modules/@slugwright/linux-arm64/bin/slugwright" "$packaged/dist/linux-arm64/slugwright" ||
  fail "--cpu=arm64 did not install @slugwright/linux-arm64's binary"
checks=$((checks + 1))
[[ ! -e "$project/node_modules/@slugwright/linux-x64" ]] || fail "--cpu=arm64 installed the x64 package too"
# On this x64 machine that install has no binary for the launcher to run.
run "$project/node_modules/.bin/slugwright" --version
expect_status 1 "the launcher without a package for this machine"
expect_output "@slugwright/linux-x64 is not installed"
if command -v qemu-aarch64-static >/dev/null; then
  run qemu-aarch64-static "$project/node_modules/@slugwright/linux-arm64/bin/slugwright" --version
  expect_status 0 "the arm64 binary under qemu-aarch64-static"
  expect_output "slugwright $version"
else
  echo "note: no qemu-aarch64-static; the arm64 binary was installed but not run"
fi
finish
