# shellcheck shell=bash
# lib/find-slugwright.sh: the buildpack's one runtime helper. Sourced by
# bin/detect, bin/compile, bin/release and bin/simulate (and shipped with
# them in the packaged buildpack); sets SLUGWRIGHT to the slugwright binary
# and buildpack_dir to the buildpack's root.
# Looks, in order, at $SLUGWRIGHT_BIN, a prebuilt dist/ binary (a packaged
# buildpack), the buildpack's own build directory; otherwise builds it from
# source with CMake, once, saying so on stderr.

buildpack_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

find_slugwright() {
  local candidate
  for candidate in "${SLUGWRIGHT_BIN:-}" "$buildpack_dir/dist/slugwright" \
                   "$buildpack_dir/build/release/slugwright"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      # shellcheck disable=SC2034  # the result, read by the scripts that source this file
      SLUGWRIGHT=$candidate
      return 0
    fi
  done
  if [[ ! -f "$buildpack_dir/CMakeLists.txt" ]]; then
    echo " !     slugwright: no binary in $buildpack_dir/dist and no sources to build one" >&2
    exit 2
  fi
  local jobs
  jobs=$(nproc 2>/dev/null || echo 2)
  echo "-----> Building slugwright from source on $jobs cores (first use only; a few minutes)" >&2
  "$buildpack_dir/tools/install-deps" build >&2 || exit 2
  local build="$buildpack_dir/build/release" log status=0
  log=$(mktemp)
  # The build's own progress lines ("[12/80] Building CXX ...") are shown,
  # indented; the full log only when it fails.
  { cmake -S "$buildpack_dir" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSLUGWRIGHT_TESTS=OFF &&
      cmake --build "$build" --target slugwright -j "$jobs"; } 2>&1 | tee "$log" |
    while IFS= read -r line; do
      if [[ $line == "["[0-9]* ]]; then printf '       %s\n' "${line:0:100}" >&2; fi
    done || status=$?  # the callers run with pipefail: cmake's status
  if [[ $status -ne 0 ]]; then
    cat "$log" >&2
    rm -f "$log"
    echo " !     slugwright: building from source failed" >&2
    exit 2
  fi
  rm -f "$log"
  # shellcheck disable=SC2034  # the result, read by the scripts that source this file
  SLUGWRIGHT=$build/slugwright
}

find_slugwright
