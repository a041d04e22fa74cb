# shellcheck shell=bash
# tests/cnb/lib.sh: a Cloud Native Buildpack lifecycle played without Docker
# or pack, for the *_test.sh beside it. It lays out the directories the
# lifecycle uses (app, platform/env, layers, plan files; Buildpack API 0.10,
# Platform API 0.15 defaults /workspace, /platform, /layers), calls bin/detect
# and bin/build with the spec's arguments and CNB_* variables in a clean
# environment, checks every TOML file it reads (cnb_files.py, tomllib),
# restores cache layers between builds and runs launch processes with the
# launch layers' bin/ on PATH.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
# shellcheck source=tests/e2e/throwaway_postgres.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/throwaway_postgres.sh"

# Debian's python3: tomllib (3.11) and python3-yaml.
PYTHON=/usr/bin/python3
CNB_FILES=$ROOT/tests/cnb/cnb_files.py
BASE_PATH=/usr/local/bin:/usr/bin:/bin

# The buildpack as packaged (tools/package-buildpack's layout), with the
# binary under test as dist/slugwright.
BP=$WORK/buildpack
mkdir -p "$BP/bin" "$BP/lib" "$BP/dist"
install -m 755 "$ROOT/bin/detect" "$ROOT/bin/build" "$ROOT/bin/compile" "$ROOT/bin/release" "$BP/bin/"
install -m 644 "$ROOT/lib/find-slugwright.sh" "$BP/lib/"
install -m 644 "$ROOT/buildpack.toml" "$BP/"
install -m 755 "$SLUGWRIGHT_BIN" "$BP/dist/slugwright"
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
  mkdir -p "$T/app" "$T/platform/env" "$T/layers/$LAYER_DIR_NAME" "$T/home"
  cp -a "$FIXTURES/$1/." "$T/app/"
  shift
  for pair in "$@"; do
    printf '%s' "${pair#*=}" >"$T/platform/env/${pair%%=*}"
  done
  : >"$T/detect-plan.toml"
  : >"$T/bp-plan.toml"
  LAYERS=$T/layers/$LAYER_DIR_NAME
}

# The environment the lifecycle gives detect and build for target ARCH:
# CNB_* settings, plus the platform's config vars unless clear-env is set.
cnb_environment() {
  local arch=$1 file
  CNB_ENV=(PATH="$BASE_PATH" HOME="$T/home" CNB_PLATFORM_DIR="$T/platform"
    CNB_BUILDPACK_DIR="$BP" CNB_TARGET_OS=linux CNB_TARGET_ARCH="$arch"
    CNB_TARGET_DISTRO_NAME=ubuntu CNB_TARGET_DISTRO_VERSION=24.04)
  if [[ "$BP_CLEAR_ENV" != true ]]; then
    for file in "$T/platform/env"/*; do
      [[ -f "$file" ]] && CNB_ENV+=("$(basename "$file")=$(cat "$file")")
    done
  fi
}

# cnb_detect [ARCH]: bin/detect as the lifecycle calls it; $status, $output.
# A pass must leave a valid plan.
cnb_detect() {
  cnb_environment "${1:-amd64}"
  run env -C "$T/app" -i "${CNB_ENV[@]}" CNB_BUILD_PLAN_PATH="$T/detect-plan.toml" \
    "$BP/bin/detect" "$T/platform" "$T/detect-plan.toml"
  if [[ $status -eq 0 ]]; then
    "$PYTHON" "$CNB_FILES" plan "$T/detect-plan.toml" || fail "detect wrote an invalid plan"
  fi
}

# cnb_build [ARCH]: bin/build as the lifecycle calls it; $status, $output.
# Every TOML file in the layers directory must then follow the spec.
cnb_build() {
  cnb_environment "${1:-amd64}"
  run env -C "$T/app" -i "${CNB_ENV[@]}" CNB_LAYERS_DIR="$LAYERS" \
    CNB_BP_PLAN_PATH="$T/bp-plan.toml" \
    "$BP/bin/build" "$LAYERS" "$T/platform" "$T/bp-plan.toml"
  local build_status=$status build_output=$output
  run "$PYTHON" "$CNB_FILES" layers "$LAYERS"
  expect_status 0 "the layers' TOML files"
  status=$build_status
  output=$build_output
}

# cnb_restore: what the lifecycle does between two builds.
cnb_restore() {
  "$PYTHON" "$CNB_FILES" restore "$LAYERS" || fail "restoring the cache layers"
}

# cnb_launch TYPE [NAME=VALUE...]: runs a launch.toml process in the app dir
# as the launcher would: launch layers' bin/ first on PATH, the config vars
# (and the given extras) in the environment; $status, $output.
cnb_launch() {
  local kind=$1 launch_path file
  shift
  local argv=() config=()
  mapfile -d '' argv < <("$PYTHON" "$CNB_FILES" command "$LAYERS" "$kind")
  launch_path=$("$PYTHON" "$CNB_FILES" launch-path "$T/layers")
  for file in "$T/platform/env"/*; do
    [[ -f "$file" ]] && config+=("$(basename "$file")=$(cat "$file")")
  done
  run env -C "$T/app" -i PATH="$launch_path:$BASE_PATH" HOME="$T/home" \
    CNB_LAYERS_DIR=/dev/null "${config[@]}" "$@" "${argv[@]}"
}
