#!/usr/bin/env bash
# The CTest fixture buildpack.cross_build: cross-compiles the linux/arm64
# binary and its unit tests with tools/build-arm64 into
# $SLUGWRIGHT_ARM64_BUILD, for tests/cross/arm64_test.sh and the packaged
# buildpack (buildpack.package). Without the cross toolchain it leaves
# $SLUGWRIGHT_ARM64_BUILD/.skipped saying why and exits 77 (skipped), except
# in CI (CI=true), where tools/install-deps test has installed it and its
# absence is a failure.
set -uo pipefail
root=${SLUGWRIGHT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
build=${SLUGWRIGHT_ARM64_BUILD:?run from CTest, which sets SLUGWRIGHT_ARM64_BUILD}
mkdir -p "$build"
rm -f "$build/.skipped"
if ! command -v aarch64-linux-gnu-g++ >/dev/null || ! command -v qemu-aarch64-static >/dev/null; then
  why="no aarch64-linux-gnu-g++ or qemu-aarch64-static (tools/install-deps cross installs them)"
  if [[ "${CI:-}" == true ]]; then
    echo "FAIL: $why" >&2
    exit 1
  fi
  echo "$why" >"$build/.skipped"
  echo "SKIPPED: $why"
  exit 77
fi
started=$(date +%s)
"$root/tools/build-arm64" --build-dir "$build" || exit 1
echo "arm64 cross build: $(( $(date +%s) - started ))s"
