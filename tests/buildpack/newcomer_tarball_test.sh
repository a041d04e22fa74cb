#!/usr/bin/env bash
# A newcomer's first minutes, from the downloaded tarball: the release
# artifacts (tools/make-dist on the packaged binaries) are served from a
# loopback HTTP server; the README's install lines fetch, check and unpack
# the binary into an empty directory with nothing else of slugwright's on
# PATH, and the first commands a dbmate user types work: --version, a typo
# answered with the closest command, `migrate new` (pending while blank, as
# dbmate shows it), `migrate up`, `migrate status --exit-code`, `release`
# (a no-op) against a throwaway PostgreSQL. Exit 77 (skipped) without the
# arm64 binary make-dist needs.
# Run by CTest after buildpack.package, which sets SLUGWRIGHT_BUILDPACK_TGZ.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"
# shellcheck source=tests/e2e/throwaway_postgres.sh
source "$ROOT/tests/e2e/throwaway_postgres.sh"
unset SLUGWRIGHT_BIN
tgz=${SLUGWRIGHT_BUILDPACK_TGZ:?run from CTest, which sets SLUGWRIGHT_BUILDPACK_TGZ}
packaged=$WORK/packaged
mkdir -p "$packaged"
tar -xzf "$tgz" -C "$packaged"
[[ -f "$packaged/dist/linux-arm64/slugwright" ]] ||
  { echo "SKIPPED: the packaged buildpack has no linux/arm64 binary"; exit 77; }
version=$(basename "$tgz" .tgz)
version=${version#slugwright-buildpack-}
started=$(date +%s)

run "$ROOT/tools/make-dist" --binary "$packaged/dist/slugwright" \
  --arm64-binary "$packaged/dist/linux-arm64/slugwright" --out "$WORK/release"
expect_status 0 "make-dist"
serve_directory "$WORK/release"
port=$HTTP_PORT
start_postgres
trap 'kill "$HTTP_PID" 2>/dev/null; stop_postgres; rm -rf "$WORK"' EXIT

# The README's install lines (Install: Containers / Anywhere).
name=slugwright-$version-linux-amd64
home=$WORK/newcomer
mkdir -p "$home/bin" "$home/app"
run bash -c "cd '$home' && curl -fsSLO http://127.0.0.1:$port/$name.tar.gz &&
  curl -fsSLO http://127.0.0.1:$port/$name.tar.gz.sha256 && sha256sum -c $name.tar.gz.sha256 &&
  tar -xzf $name.tar.gz --strip-components=1 -C bin $name/slugwright"
expect_status 0 "download, sha256sum -c and unpack"
export PATH="$home/bin:/usr/bin:/bin"
cd "$home/app" || exit 1

run slugwright --version
expect_status 0 "slugwright --version"
expect_output "$version"
run slugwright migrat status
expect_status 2 "a mistyped command"
expect_output "migrate"

run slugwright migrate new create_users
expect_status 0 "migrate new"
file=$(ls migrations/*_create_users.sql)
export DATABASE_URL
run slugwright migrate status
expect_status 0 "status with a blank template"
expect_output "pending"
expect_output "empty"
# Write the SQL of the migration after its up marker.
sed -i 's/^-- migrate:up$/-- migrate:up\nCREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);/' "$file"
run slugwright migrate up
expect_status 0 "migrate up"
expect_output "Applied 1 migration"
run slugwright migrate status --exit-code
expect_status 0 "status --exit-code after up"
run slugwright release
expect_status 0 "release with nothing pending"
run psql "$DATABASE_URL" -tAc "SELECT count(*) FROM users"
expect_status 0 "the table exists"
echo "newcomer flow took $(($(date +%s) - started)) s (download to first release)"
finish
