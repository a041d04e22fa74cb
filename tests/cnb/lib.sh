# shellcheck shell=bash
# tests/cnb/lib.sh: the Cloud Native Buildpack harness for the *_test.sh
# beside it. The lifecycle itself (layout, detect, build, restore, launch,
# every TOML file checked) is tests/cnb/lifecycle.sh, which `bin/simulate
# --cnb` runs too; this file wraps it in the e2e helpers ($status, $output,
# expect_*) and packages the buildpack under test.
#   SLUGWRIGHT_CNB_ARCH=arm64   play the lifecycle for linux/arm64 ($CNB_ARCH;
#       default: this machine's): the package then carries the cross-built
#       binary from $SLUGWRIGHT_ARM64_BUILD (CTest fixture slugwright_arm64)
#       as dist/linux-arm64/slugwright, and on an amd64 machine every step
#       runs in tests/cnb/with_arm64_binfmt.sh (qemu). Exit 77 (skipped),
#       saying why, when there is no arm64 binary or it cannot run here.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
# shellcheck source=tests/e2e/throwaway_postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/throwaway_postgres.sh"

# Debian's python3: tomllib (3.11) and python3-yaml.
PYTHON=/usr/bin/python3
CNB_FILES=$ROOT/tests/cnb/cnb_files.py
LIFECYCLE=$ROOT/tests/cnb/lifecycle.sh
# shellcheck disable=SC2034  # read by the tests that source this file
BASE_PATH=/usr/local/bin:/usr/bin:/bin

machine_arch() {
  case "$(uname -m)" in
    aarch64|arm64) echo arm64 ;;
    *) echo amd64 ;;
  esac
}
CNB_ARCH=${SLUGWRIGHT_CNB_ARCH:-$(machine_arch)}

skip() {
  echo "SKIPPED: $*"
  exit 77
}

# cnb_arm64_binary: sets ARM64_BIN to the cross-built linux/arm64 binary,
# checked to run here (natively or in the binfmt namespace); skips the test
# when it cannot.
cnb_arm64_binary() {
  local build=${SLUGWRIGHT_ARM64_BUILD:-} why
  [[ -n "$build" ]] || skip "SLUGWRIGHT_ARM64_BUILD is not set (CTest sets it to BUILD_DIR/arm64)"
  [[ -f "$build/.skipped" ]] && skip "no arm64 binary, buildpack.cross_build was skipped: $(cat "$build/.skipped")"
  [[ -x "$build/slugwright" ]] || skip "no arm64 binary $build/slugwright (buildpack.cross_build makes it)"
  if [[ $(machine_arch) != arm64 ]]; then
    why=$("$ROOT/tests/cnb/with_arm64_binfmt.sh" env -i "$build/slugwright" --version 2>&1) ||
      skip "$build/slugwright does not run here under qemu (exit $?): ${why:-no output}"
  fi
  ARM64_BIN=$build/slugwright
}

# The buildpack as packaged (tools/package-buildpack's layout), with the
# binary under test as dist/slugwright, and for an arm64 run the arm64 one
# as dist/linux-arm64/slugwright.
BP=$WORK/buildpack
ARM64_BIN=
[[ "$CNB_ARCH" == arm64 ]] && cnb_arm64_binary
"$LIFECYCLE" package "$BP" "$ROOT" "$(machine_arch)=$SLUGWRIGHT_BIN" ${ARM64_BIN:+"arm64=$ARM64_BIN"} ||
  { echo "FAIL: packaging the buildpack" >&2; exit 1; }
# shellcheck disable=SC2034  # BP_VERSION is read by the tests that source this file
read -r BP_ID BP_VERSION BP_CLEAR_ENV < <("$PYTHON" "$CNB_FILES" buildpack "$BP") ||
  { echo "FAIL: buildpack.toml is invalid" >&2; exit 1; }
# The buildpack's layers directory: its id with '/' replaced by '_'.
LAYER_DIR_NAME=${BP_ID//\//_}

# cnb_layout FIXTURE [NAME=VALUE...]: a fresh lifecycle layout in $T: app/
# (a copy of the fixture), platform/env/ (one file per config var),
# layers/<id>/ (empty), detect-plan.toml and bp-plan.toml (empty).
cnb_layout() {
  local pair
  T=$(mktemp -d "$WORK/cnb-XXXXXX")
  mkdir -p "$T/app" "$T/platform/env"
  cp -a "$FIXTURES/$1/." "$T/app/"
  shift
  for pair in "$@"; do
    printf '%s' "${pair#*=}" >"$T/platform/env/${pair%%=*}"
  done
  "$LIFECYCLE" layout "$T" "$BP" || fail "lifecycle.sh layout"
  # shellcheck disable=SC2034  # read by the tests that source this file
  LAYERS=$T/layers/$LAYER_DIR_NAME
}

# cnb_detect [ARCH]: bin/detect as the lifecycle calls it; $status, $output.
# A pass must leave a valid plan (else exit 70).
cnb_detect() {
  run "$LIFECYCLE" detect "$T" "${1:-$CNB_ARCH}"
}

# cnb_build [ARCH]: bin/build as the lifecycle calls it; $status, $output.
# Every TOML file in the layers directory must then follow the spec (else
# exit 70).
cnb_build() {
  run "$LIFECYCLE" build "$T" "${1:-$CNB_ARCH}"
}

# cnb_restore: what the lifecycle does between two builds.
cnb_restore() {
  "$LIFECYCLE" restore "$T" || fail "restoring the cache layers"
}

# cnb_launch TYPE [NAME=VALUE...]: runs a launch.toml process for $CNB_ARCH
# in the app dir as the launcher would: launch layers' bin/ first on PATH,
# the config vars (and the given extras) in the environment; $status,
# $output.
cnb_launch() {
  run "$LIFECYCLE" launch "$T" "$CNB_ARCH" "$@"
}
