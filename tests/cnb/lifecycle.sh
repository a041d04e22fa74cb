#!/usr/bin/env bash
# tests/cnb/lifecycle.sh: a Cloud Native Buildpack lifecycle played without
# Docker or pack, one step per call, on a layout directory T. The one
# implementation behind the CNB harness (tests/cnb/lib.sh) and
# `bin/simulate --cnb` (src/buildpack/simulate_cnb.cc). Buildpack API 0.10,
# Platform API 0.15; every TOML file it reads is checked with
# tests/cnb/cnb_files.py (Python's tomllib).
#
#   lifecycle.sh package OUT SOURCE_DIR ARCH=BINARY...
#       the buildpack as tools/package-buildpack lays it out: bin/*, lib/,
#       buildpack.toml and the binaries: amd64=B as dist/slugwright,
#       arm64=B as dist/linux-arm64/slugwright
#   lifecycle.sh layout T BUILDPACK_DIR
#       completes T: app/ and platform/env/ (one file per config var) as the
#       caller filled them, layers/<buildpack id>/, empty plan files, home/
#   lifecycle.sh detect T ARCH      bin/detect with the spec's arguments and
#                                   CNB_* variables; exit = detect's (0, 100)
#   lifecycle.sh build T ARCH       bin/build likewise; exit = build's
#   lifecycle.sh restore T          between builds: cache layers kept with
#                                   [types] stripped, the rest dropped
#   lifecycle.sh processes T        the launch.toml processes, one per line:
#                                   `TYPE: COMMAND` (`(default)` appended)
#   lifecycle.sh launch T ARCH TYPE [NAME=VALUE | NAME]...
#       runs a launch process in T/app as the launcher would: the launch
#       layers' bin/ first on PATH, the config vars as environment, then the
#       extras (a bare NAME is taken from this process's environment)
#
# ARCH is the CNB target (amd64, arm64). A target other than this machine's
# runs inside tests/cnb/with_arm64_binfmt.sh (arm64 only), where arm64
# binaries run under qemu as if natively. Detect and build get a clean
# environment (env -i), as the lifecycle gives them.
# Exit 70 with `lifecycle: ...` on stderr when a file breaks the spec (the
# real lifecycle would fail the build there), 64 on a usage error.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PYTHON=/usr/bin/python3
CNB_FILES=$here/cnb_files.py
BASE_PATH=/usr/local/bin:/usr/bin:/bin
readonly SPEC_BROKEN=70 USAGE=64

die() {
  echo "lifecycle: $1" >&2
  exit "${2:-$SPEC_BROKEN}"
}

usage() {
  sed -n '2,/^set /p' "${BASH_SOURCE[0]}" | sed -n 's/^# \{0,1\}//p' >&2
  exit "$USAGE"
}

machine_arch() {
  case "$(uname -m)" in
    x86_64|amd64) echo amd64 ;;
    aarch64|arm64) echo arm64 ;;
    *) uname -m ;;
  esac
}

# on_target ARCH CMD...: runs CMD natively, or in the arm64 binfmt namespace.
on_target() {
  local arch=$1
  shift
  if [[ "$arch" == "$(machine_arch)" ]]; then
    "$@"
  elif [[ "$arch" == arm64 ]]; then
    "$here/with_arm64_binfmt.sh" "$@"
  else
    "$@"  # no emulator for it: bin/build refuses the target itself
  fi
}

# buildpack_of T: sets BP (the buildpack dir), BP_ID, BP_CLEAR_ENV
# and LAYERS (T/layers/<id with / as _>).
buildpack_of() {
  [[ -L "$1/buildpack" ]] || die "$1 is not a layout (run \`lifecycle.sh layout\` first)" "$USAGE"
  BP=$(readlink -f "$1/buildpack")
  read -r BP_ID _ BP_CLEAR_ENV < <("$PYTHON" "$CNB_FILES" buildpack "$BP") ||
    die "$BP/buildpack.toml is invalid"
  LAYERS=$1/layers/${BP_ID//\//_}
}

cmd_package() {
  local out=$1 source=$2 pair
  shift 2
  mkdir -p "$out/bin" "$out/lib" "$out/dist" || exit 1
  install -m 755 "$source/bin/detect" "$source/bin/build" "$source/bin/compile" \
    "$source/bin/release" "$out/bin/" &&
    install -m 644 "$source/lib/find-slugwright.sh" "$out/lib/" &&
    install -m 644 "$source/buildpack.toml" "$out/" || exit 1
  for pair in "$@"; do
    case "$pair" in
      amd64=?*) install -m 755 "${pair#*=}" "$out/dist/slugwright" || exit 1 ;;
      arm64=?*) install -D -m 755 "${pair#*=}" "$out/dist/linux-arm64/slugwright" || exit 1 ;;
      *) die "package: expected amd64=BINARY or arm64=BINARY, got \`$pair\`" "$USAGE" ;;
    esac
  done
}

cmd_layout() {
  local t=$1 bp
  bp=$(cd "$2" && pwd) || die "no buildpack directory $2" "$USAGE"
  mkdir -p "$t/app" "$t/platform/env" "$t/home" || exit 1
  ln -sfn "$bp" "$t/buildpack"
  buildpack_of "$t"
  mkdir -p "$LAYERS" || exit 1
  : >"$t/detect-plan.toml"
  : >"$t/bp-plan.toml"
}

# cnb_environment T ARCH: CNB_ENV, the environment the lifecycle gives detect
# and build: CNB_* settings, plus the config vars unless clear-env is set.
cnb_environment() {
  local t=$1 arch=$2 file
  CNB_ENV=(PATH="$BASE_PATH" HOME="$t/home" CNB_PLATFORM_DIR="$t/platform"
    CNB_BUILDPACK_DIR="$BP" CNB_TARGET_OS=linux CNB_TARGET_ARCH="$arch"
    CNB_TARGET_DISTRO_NAME=ubuntu CNB_TARGET_DISTRO_VERSION=24.04)
  if [[ "$BP_CLEAR_ENV" != true ]]; then
    for file in "$t/platform/env"/*; do
      [[ -f "$file" ]] && CNB_ENV+=("$(basename "$file")=$(cat "$file")")
    done
  fi
}

# A pass must leave a valid plan.
cmd_detect() {
  local t=$1 arch=$2 status
  buildpack_of "$t"
  cnb_environment "$t" "$arch"
  on_target "$arch" env -C "$t/app" -i "${CNB_ENV[@]}" CNB_BUILD_PLAN_PATH="$t/detect-plan.toml" \
    "$BP/bin/detect" "$t/platform" "$t/detect-plan.toml"
  status=$?
  if [[ $status -eq 0 ]]; then
    "$PYTHON" "$CNB_FILES" plan "$t/detect-plan.toml" || die "detect wrote an invalid plan"
  fi
  return "$status"
}

# Every TOML file in the layers directory must then follow the spec.
cmd_build() {
  local t=$1 arch=$2 status
  buildpack_of "$t"
  cnb_environment "$t" "$arch"
  on_target "$arch" env -C "$t/app" -i "${CNB_ENV[@]}" CNB_LAYERS_DIR="$LAYERS" \
    CNB_BP_PLAN_PATH="$t/bp-plan.toml" \
    "$BP/bin/build" "$LAYERS" "$t/platform" "$t/bp-plan.toml"
  status=$?
  "$PYTHON" "$CNB_FILES" layers "$LAYERS" || die "the layers' TOML files break the spec"
  return "$status"
}

cmd_restore() {
  buildpack_of "$1"
  "$PYTHON" "$CNB_FILES" restore "$LAYERS" || die "restoring the cache layers"
}

cmd_processes() {
  buildpack_of "$1"
  "$PYTHON" "$CNB_FILES" processes "$LAYERS" || die "no valid launch.toml in $LAYERS"
}

cmd_launch() {
  local t=$1 arch=$2 kind=$3 launch_path file extra
  shift 3
  buildpack_of "$t"
  local argv=() env=()
  mapfile -d '' argv < <("$PYTHON" "$CNB_FILES" command "$LAYERS" "$kind")
  [[ ${#argv[@]} -gt 0 ]] || die "no process type $kind in $LAYERS/launch.toml"
  launch_path=$("$PYTHON" "$CNB_FILES" launch-path "$t/layers") || die "the launch layers"
  for file in "$t/platform/env"/*; do
    [[ -f "$file" ]] && env+=("$(basename "$file")=$(cat "$file")")
  done
  for extra in "$@"; do
    if [[ "$extra" == *=* ]]; then
      env+=("$extra")
    elif [[ -n "${!extra+set}" ]]; then
      env+=("$extra=${!extra}")
    fi
  done
  on_target "$arch" env -C "$t/app" -i PATH="$launch_path:$BASE_PATH" HOME="$t/home" \
    CNB_LAYERS_DIR=/dev/null "${env[@]}" "${argv[@]}"
}

main() {
  [[ $# -ge 2 ]] || usage
  "$PYTHON" -c 'import tomllib' 2>/dev/null ||
    die "$PYTHON has no tomllib (Python 3.11 or newer is needed)" "$USAGE"
  local command=$1
  shift
  case "$command:$#" in
    package:*) [[ $# -ge 3 ]] || usage; cmd_package "$@" ;;
    layout:2) cmd_layout "$@" ;;
    detect:2) cmd_detect "$@" ;;
    build:2) cmd_build "$@" ;;
    restore:1) cmd_restore "$@" ;;
    processes:1) cmd_processes "$@" ;;
    launch:*) [[ $# -ge 3 ]] || usage; cmd_launch "$@" ;;
    *) usage ;;
  esac
}

main "$@"
