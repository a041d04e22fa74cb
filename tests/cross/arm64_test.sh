#!/usr/bin/env bash
# The cross-compiled linux/arm64 binary (tools/build-arm64): it passes the
# same portability rules as the amd64 one (tools/check-portable: glibc and
# libpq only, at most GLIBC_2.35, no shared libstdc++, stripped), and, run
# under qemu-aarch64-static on this amd64 machine, its unit tests pass and
# `slugwright release --app commonwealth-beta` from the root of a copy of
# fixtures/common-monorepo migrates a throwaway PostgreSQL on the host and
# runs the app's hooks, as the amd64 binary does; the amd64 binary then reads
# the same history.
#   SLUGWRIGHT_ARM64_BUILD=DIR   the cross build directory (set by CTest:
#                                BUILD_DIR/arm64, built by buildpack.cross_build)
# Exit 77 (skipped) when that build was skipped (no cross toolchain).
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"
# shellcheck source=tests/e2e/throwaway_postgres.sh
source "$(dirname "$0")/../e2e/throwaway_postgres.sh"

build=${SLUGWRIGHT_ARM64_BUILD:?run from CTest, which sets SLUGWRIGHT_ARM64_BUILD}
arm64=$build/slugwright
if [[ -f "$build/.skipped" ]]; then
  echo "SKIPPED: $(cat "$build/.skipped")"
  exit 77
fi
[[ -x "$arm64" && -x "$build/slugwright_tests" ]] ||
  { echo "FAIL: no arm64 build in $build (buildpack.cross_build makes it)" >&2; exit 1; }
qemu=$(command -v qemu-aarch64-static) ||
  { echo "FAIL: qemu-aarch64-static is missing (tools/install-deps cross)" >&2; exit 1; }

# ---- Portability, as for the amd64 binary ----
run "$ROOT/tools/check-portable" "$arm64"
echo "$output"
expect_status 0 "check-portable on the arm64 binary"
expect_output "Machine: AArch64"
needed=$(sed -n 's/^ *NEEDED: //p' <<<"$output")
for lib in libpq.so.5 ld-linux-aarch64.so.1; do
  checks=$((checks + 1))
  [[ " $needed " == *" $lib "* ]] || fail "the arm64 binary does not need $lib: $needed"
done
checks=$((checks + 1))
[[ " $needed " != *" libstdc++.so.6 "* ]] || fail "the arm64 binary needs a shared libstdc++"

# ---- It runs: version, unit tests ----
run env -i "$qemu" "$arm64" --version
expect_status 0 "slugwright --version under qemu"
checks=$((checks + 1))
[[ "$output" == "$("$SLUGWRIGHT_BIN" --version)" ]] ||
  fail "the arm64 binary says [$output], the amd64 one [$("$SLUGWRIGHT_BIN" --version)]"

started=$(date +%s)
run env SLUGWRIGHT_SOURCE_DIR="$ROOT" "$qemu" "$build/slugwright_tests" --gtest_brief=1
expect_status 0 "the arm64 unit tests under qemu"
[[ $status -eq 0 ]] || echo "$output" | tail -40
summary=$(grep -E '^\[  PASSED  \]|^\[  FAILED  \]' <<<"$output" | head -2)
echo "arm64 unit tests in $(( $(date +%s) - started ))s: $summary"

# ---- A release against PostgreSQL on the host ----
start_postgres || { finish; exit 1; }
app=$WORK/common-monorepo
cp -a "$FIXTURES/common-monorepo" "$app"
release_env=(DATABASE_URL="$DATABASE_URL" HEROKU_APP_NAME=commonwealth-beta HEROKU_RELEASE_VERSION=v1 PATH=/usr/bin:/bin HOME="$WORK")
run env -C "$app" -i "${release_env[@]}" "$qemu" "$arm64" release --app commonwealth-beta
echo "$output"
expect_status 0 "slugwright release (arm64) from the monorepo root"
expect_output "[before] environment ok for commonwealth-beta (release v1)"
expect_output "Applied 7 migrations"
expect_output "[after] migrated commonwealth-beta to"

run env -C "$app" -i "${release_env[@]}" "$qemu" "$arm64" release --app commonwealth-beta
expect_status 0 "the second arm64 release"
expect_output "7 migrations applied, none pending"

# The amd64 binary reads the history the arm64 one wrote.
run env -C "$app" -i "${release_env[@]}" "$SLUGWRIGHT_BIN" release --app commonwealth-beta
expect_status 0 "an amd64 release after the arm64 one"
expect_output "7 migrations applied, none pending"
finish
