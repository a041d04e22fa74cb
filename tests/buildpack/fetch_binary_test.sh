#!/usr/bin/env bash
# A git checkout used as the buildpack (no binary in the tree): bin/compile,
# bin/release, bin/detect and bin/build download the binary pinned in
# buildpack/binary.env from a loopback HTTP server this test starts
# (python3 -m http.server on 127.0.0.1), check its SHA-256 and keep it in
# CACHE_DIR / the CNB cache layer. Cases: good checksum (installed, cached),
# the cache on the next build (no request), bad checksum (refused, nothing
# installed, exit 2), unreachable server (clear error, exit 2), the
# SLUGWRIGHT_BINARY_URL mirror override (and its refusal without a
# checksum), python3 instead of a missing curl, and no pin and no sources
# (a clear error, no build attempted).
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"
binary=$SLUGWRIGHT_BIN
unset SLUGWRIGHT_BIN
PYTHON=/usr/bin/python3
version=$("$binary" --version | sed -n 's/^slugwright \([^ ]*\) .*/\1/p')
arch=amd64
[[ $(uname -m) == aarch64 ]] && arch=arm64

# The release asset, as tools/make-dist writes it.
www=$WORK/www
name=slugwright-$version-linux-$arch
mkdir -p "$www/v$version" "$WORK/asset/$name"
install -m 755 "$binary" "$WORK/asset/$name/slugwright"
tar -C "$WORK/asset" -czf "$www/v$version/$name.tar.gz" "$name"
good_sha=$(sha256sum "$www/v$version/$name.tar.gz" | cut -d' ' -f1)
bad_sha=$(printf '%064d' 0)

# The loopback server, its request log, stopped at exit.
serve_directory "$www"
port=$HTTP_PORT
trap 'kill "$HTTP_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
requests() { grep -c "GET /v$version/$name.tar.gz" "$WORK/http.log"; }
base_url="http://127.0.0.1:$port/v{version}/slugwright-{version}-linux-{arch}.tar.gz"

# checkout SHA [URL_TEMPLATE]: a fresh copy of the buildpack as git checks
# it out (bin/, lib/, buildpack/, buildpack.toml; no dist/, no sources), pinned to SHA.
checkout() {
  CHECKOUT=$(mktemp -d "$WORK/checkout-XXXXXX")
  cp -a "$ROOT/bin" "$ROOT/lib" "$ROOT/buildpack" "$ROOT/buildpack.toml" "$CHECKOUT/"
  rm -rf "$CHECKOUT/lib/.slugwright-binary" "$CHECKOUT/.slugwright-binary"
  {
    echo "SLUGWRIGHT_BINARY_VERSION=$version"
    echo "SLUGWRIGHT_BINARY_URL_TEMPLATE=${2:-$base_url}"
    [[ -n "$1" ]] && echo "SLUGWRIGHT_BINARY_SHA256_$arch=$1"
  } >"$CHECKOUT/buildpack/binary.env"
}
clean_env=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$WORK")

# ---- Good checksum: downloaded once, checked, kept ----
checkout "$good_sha"
app=$(app_copy single-procfile)
cache=$WORK/cache
envdir=$(env_dir)
run "${clean_env[@]}" "$CHECKOUT/bin/compile" "$app" "$cache" "$envdir"
expect_status 0 "bin/compile from a checkout"
expect_output "Downloading the slugwright binary for linux/$arch: http://127.0.0.1:$port/v$version/$name.tar.gz"
expect_same_file "$cache/slugwright-binary/$good_sha/slugwright" "$binary"
expect_same_file "$CHECKOUT/.slugwright-binary/$good_sha/slugwright" "$binary"
checks=$((checks + 1))
[[ $(requests) -eq 1 ]] || fail "expected one download, the server saw $(requests)"
# bin/release and bin/detect of the same build use the checkout's copy.
run "${clean_env[@]}" "$CHECKOUT/bin/release" "$app"
expect_status 0 "bin/release after the download"
run "${clean_env[@]}" "$CHECKOUT/bin/detect" "$app"
expect_status 0 "bin/detect after the download"
checks=$((checks + 1))
[[ $(requests) -eq 1 ]] || fail "release/detect downloaded again: $(requests) requests"

# ---- The next build: a fresh checkout, the same CACHE_DIR, no request ----
checkout "$good_sha"
run "${clean_env[@]}" "$CHECKOUT/bin/compile" "$(app_copy single-procfile)" "$cache" "$envdir"
expect_status 0 "bin/compile with the binary in CACHE_DIR"
expect_output "Using the cached slugwright binary for linux/$arch"
expect_no_output "Downloading"
checks=$((checks + 1))
[[ $(requests) -eq 1 ]] || fail "the cached build downloaded: $(requests) requests"

# ---- Bad checksum: refused, nothing installed ----
checkout "$bad_sha"
app=$(app_copy single-procfile)
before=$(snapshot "$app")
run "${clean_env[@]}" "$CHECKOUT/bin/compile" "$app" "$WORK/cache-bad" "$envdir"
expect_status 2 "bin/compile with a wrong pinned SHA-256"
expect_output " !     slugwright: http://127.0.0.1:$port/v$version/$name.tar.gz has SHA-256 $good_sha, expected $bad_sha: refused, nothing installed"
checks=$((checks + 1))
[[ -z "$(find "$WORK/cache-bad" "$CHECKOUT/.slugwright-binary" -type f 2>/dev/null)" ]] ||
  fail "a refused binary was kept: $(find "$WORK/cache-bad" "$CHECKOUT/.slugwright-binary" -type f)"
checks=$((checks + 1))
[[ "$(snapshot "$app")" == "$before" ]] || fail "the refused build changed the app"

# ---- Unreachable: a clear error ----
closed=$(free_loopback_port)
checkout "$good_sha" "http://127.0.0.1:$closed/v{version}/slugwright-{version}-linux-{arch}.tar.gz"
run "${clean_env[@]}" "$CHECKOUT/bin/compile" "$(app_copy single-procfile)" "$WORK/cache-down" "$envdir"
expect_status 2 "bin/compile with the server unreachable"
expect_output " !     slugwright: could not download http://127.0.0.1:$closed/v$version/$name.tar.gz"
expect_output "set SLUGWRIGHT_BINARY_URL (and SLUGWRIGHT_BINARY_SHA256) for a mirror"

# ---- A mirror: SLUGWRIGHT_BINARY_URL with its checksum ----
run "${clean_env[@]}" SLUGWRIGHT_BINARY_URL="http://127.0.0.1:$port/v$version/slugwright-$version-linux-{arch}.tar.gz" \
  SLUGWRIGHT_BINARY_SHA256="$good_sha" \
  "$CHECKOUT/bin/compile" "$(app_copy single-procfile)" "$WORK/cache-mirror" "$envdir"
expect_status 0 "bin/compile from a mirror"
expect_same_file "$WORK/cache-mirror/slugwright-binary/$good_sha/slugwright" "$binary"
# The same as config vars in ENV_DIR.
mirror_env=$(env_dir "SLUGWRIGHT_BINARY_URL=http://127.0.0.1:$port/v$version/$name.tar.gz" \
  "SLUGWRIGHT_BINARY_SHA256=$good_sha")
run "${clean_env[@]}" "$CHECKOUT/bin/compile" "$(app_copy single-procfile)" "$WORK/cache-mirror-env" "$mirror_env"
expect_status 0 "bin/compile from a mirror given as config vars"
expect_same_file "$WORK/cache-mirror-env/slugwright-binary/$good_sha/slugwright" "$binary"
run "${clean_env[@]}" SLUGWRIGHT_BINARY_URL="http://127.0.0.1:$port/v$version/$name.tar.gz" \
  "$CHECKOUT/bin/compile" "$(app_copy single-procfile)" "$WORK/cache-nosum" "$envdir"
expect_status 2 "a mirror without a checksum"
expect_output "SLUGWRIGHT_BINARY_URL is set but SLUGWRIGHT_BINARY_SHA256 is not"

# ---- No curl: python3 downloads ----
nocurl=$WORK/nocurl-bin
mkdir -p "$nocurl"
for tool in bash env dirname uname grep mktemp sha256sum cut tar gzip find head chmod \
            mkdir cp mv rm tail nproc cat sed ls; do
  ln -s "$(command -v "$tool")" "$nocurl/$tool"
done
ln -s "$PYTHON" "$nocurl/python3"
checkout "$good_sha"
run env -i PATH="$nocurl" HOME="$WORK" \
  "$CHECKOUT/bin/compile" "$(app_copy single-procfile)" "$WORK/cache-python" "$envdir"
expect_status 0 "bin/compile without curl"
expect_same_file "$WORK/cache-python/slugwright-binary/$good_sha/slugwright" "$binary"

# ---- CNB: bin/build downloads into the cache layer, then reuses it ----
checkout "$good_sha"
T=$WORK/cnb
mkdir -p "$T/platform/env" "$T/layers/slugwright_monorepo" "$T/home"
cp -a "$FIXTURES/single-procfile" "$T/app"
: >"$T/plan.toml"
layers=$T/layers/slugwright_monorepo
cnb_build() {
  run env -C "$T/app" -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$T/home" \
    CNB_LAYERS_DIR="$layers" CNB_PLATFORM_DIR="$T/platform" CNB_BP_PLAN_PATH="$T/plan.toml" \
    CNB_BUILDPACK_DIR="$CHECKOUT" CNB_TARGET_OS=linux CNB_TARGET_ARCH="$arch" \
    "$CHECKOUT/bin/build" "$layers" "$T/platform" "$T/plan.toml"
}
before=$(requests)
cnb_build
expect_status 0 "CNB bin/build from a checkout"
expect_same_file "$layers/slugwright-binary/$good_sha/slugwright" "$binary"
run "$PYTHON" "$ROOT/tests/cnb/cnb_files.py" layers "$layers"
expect_status 0 "the layers' TOML files"
checks=$((checks + 1))
grep -qx 'cache = true' "$layers/slugwright-binary.toml" || fail "slugwright-binary.toml is not a cache layer"
"$PYTHON" "$ROOT/tests/cnb/cnb_files.py" restore "$layers" || fail "restoring the cache layers"
checkout "$good_sha"
cnb_build
expect_status 0 "CNB rebuild from the cache layer"
expect_output "Using the cached slugwright binary for linux/$arch"
checks=$((checks + 1))
[[ $(requests) -eq $((before + 1)) ]] || fail "CNB builds made $(( $(requests) - before )) requests, expected 1"
checks=$((checks + 1))
grep -qx 'cache = true' "$layers/slugwright-binary.toml" || fail "slugwright-binary.toml [types] not set again"

# ---- Nothing pinned and no sources: a clear error, no build attempted ----
checkout ""
run "${clean_env[@]}" "$CHECKOUT/bin/compile" "$(app_copy single-procfile)" "$WORK/cache-none" "$envdir"
expect_status 2 "bin/compile with nothing pinned"
expect_output " !     slugwright: no binary for linux/$arch in $CHECKOUT/dist and no sources to build one"
finish
