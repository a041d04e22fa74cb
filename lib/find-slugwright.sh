# shellcheck shell=bash
# lib/find-slugwright.sh: the buildpack's one runtime helper. Sourced by
# bin/detect, bin/compile, bin/release, bin/build and bin/simulate (and
# shipped with them in the packaged buildpack); sets SLUGWRIGHT to the
# slugwright binary and buildpack_dir to the buildpack's root.
# Looks, in order, at:
#   1. $SLUGWRIGHT_BIN;
#   2. a prebuilt dist/ binary for the architecture (a packaged buildpack:
#      dist/linux-arm64/slugwright for arm64, dist/slugwright for amd64);
#   3. the buildpack's own build directory (build/release/slugwright);
#   4. a binary downloaded before: in $SLUGWRIGHT_BINARY_CACHE_DIR (the
#      caller's cache: CACHE_DIR on Cedar, a cache layer on Fir) or in the
#      buildpack's .slugwright-binary/ (the same build's earlier step);
#   5. the prebuilt binary pinned in buildpack/binary.env (a git checkout used as
#      the buildpack: no binary in the tree), or $SLUGWRIGHT_BINARY_URL with
#      $SLUGWRIGHT_BINARY_SHA256 (a mirror): downloaded with curl (python3
#      if there is no curl), its SHA-256 checked, then unpacked and kept in
#      both places of 4;
#   6. only when nothing is pinned for the architecture: a build from source
#      with CMake, once, saying so on stderr.
# The architecture is $SLUGWRIGHT_TARGET_ARCH (bin/build: CNB_TARGET_ARCH)
# or this machine's. Every failure to obtain a binary (download failed,
# checksum mismatch: nothing installed, no pin and no compiler) prints a
# line starting " !     slugwright:" and exits 2. docs/install.md.

buildpack_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# slugwright_machine_arch: `uname -m` in the CNB's names (amd64, arm64).
slugwright_machine_arch() {
  case "$(uname -m)" in
    x86_64|amd64) echo amd64 ;;
    aarch64|arm64) echo arm64 ;;
    *) uname -m ;;
  esac
}

# slugwright_fail MESSAGE: the one way this file gives up.
slugwright_fail() {
  echo " !     slugwright: $*" >&2
  exit 2
}

# slugwright_pin ARCH: sets pin_url and pin_sha256 from the override or
# buildpack/binary.env; returns 1 when nothing is pinned for ARCH.
slugwright_pin() {
  local arch=$1 file=$buildpack_dir/buildpack/binary.env key value version='' template=''
  pin_url=${SLUGWRIGHT_BINARY_URL:-}
  pin_sha256=${SLUGWRIGHT_BINARY_SHA256:-}
  if [[ -n "$pin_url" ]]; then
    [[ -n "$pin_sha256" ]] ||
      slugwright_fail "SLUGWRIGHT_BINARY_URL is set but SLUGWRIGHT_BINARY_SHA256 is not: refusing an unverified binary"
    pin_url=${pin_url//\{arch\}/$arch}
    return 0
  fi
  [[ -f "$file" ]] || return 1
  # KEY=VALUE lines read as data (never sourced); # comments.
  while IFS='=' read -r key value; do
    case "$key" in
      SLUGWRIGHT_BINARY_VERSION) version=$value ;;
      SLUGWRIGHT_BINARY_URL_TEMPLATE) template=$value ;;
      "SLUGWRIGHT_BINARY_SHA256_$arch") pin_sha256=$value ;;
    esac
  done < <(grep -E '^[A-Za-z0-9_]+=' "$file")
  [[ -n "$template" && -n "$version" && -n "$pin_sha256" ]] || return 1
  pin_url=${template//\{version\}/$version}
  pin_url=${pin_url//\{arch\}/$arch}
}

# slugwright_download URL FILE: curl, else python3; 0 on success.
slugwright_download() {
  if command -v curl >/dev/null; then
    curl -fsSL --retry 2 --connect-timeout 10 --max-time 300 -o "$2" "$1"
  elif command -v python3 >/dev/null; then
    python3 -c 'import sys, urllib.request, shutil
with urllib.request.urlopen(sys.argv[1], timeout=60) as r, open(sys.argv[2], "wb") as f:
    shutil.copyfileobj(r, f)' "$1" "$2"
  else
    echo "neither curl nor python3 is installed" >&2
    return 1
  fi
}

# slugwright_fetch ARCH: steps 4 and 5; sets SLUGWRIGHT and returns 0, or
# returns 1 when nothing is pinned; exits 2 on a failed download or check.
slugwright_fetch() {
  local arch=$1 pin_url pin_sha256 dir tmp sum entry
  slugwright_pin "$arch" || return 1
  [[ "$pin_sha256" =~ ^[0-9a-f]{64}$ ]] ||
    slugwright_fail "the pinned SHA-256 for linux/$arch is not 64 hex digits: $pin_sha256"
  local places=("$buildpack_dir/.slugwright-binary")
  [[ -n "${SLUGWRIGHT_BINARY_CACHE_DIR:-}" ]] && places=("$SLUGWRIGHT_BINARY_CACHE_DIR" "${places[@]}")
  for dir in "${places[@]}"; do
    # An entry is named by the SHA-256 it was checked against.
    if [[ -x "$dir/$pin_sha256/slugwright" ]]; then
      echo "-----> Using the cached slugwright binary for linux/$arch ($dir)" >&2
      slugwright_keep "$dir/$pin_sha256/slugwright" "${places[@]}"
      return 0
    fi
  done
  echo "-----> Downloading the slugwright binary for linux/$arch: $pin_url" >&2
  tmp=$(mktemp -d)
  if ! slugwright_download "$pin_url" "$tmp/download.tar.gz" 2>"$tmp/error"; then
    local why
    why=$(tail -1 "$tmp/error")
    rm -rf "$tmp"
    slugwright_fail "could not download $pin_url${why:+ ($why)}; set SLUGWRIGHT_BINARY_URL (and SLUGWRIGHT_BINARY_SHA256) for a mirror, or use the packaged buildpack tarball"
  fi
  sum=$(sha256sum "$tmp/download.tar.gz" | cut -d' ' -f1)
  if [[ "$sum" != "$pin_sha256" ]]; then
    rm -rf "$tmp"
    slugwright_fail "$pin_url has SHA-256 $sum, expected $pin_sha256: refused, nothing installed"
  fi
  mkdir "$tmp/unpacked"
  tar -xzf "$tmp/download.tar.gz" -C "$tmp/unpacked" 2>/dev/null || true
  entry=$(find "$tmp/unpacked" -maxdepth 2 -type f -name slugwright | head -1)
  if [[ -z "$entry" ]]; then
    rm -rf "$tmp"
    slugwright_fail "$pin_url holds no slugwright binary"
  fi
  chmod 755 "$entry"
  slugwright_keep "$entry" "${places[@]}"
  rm -rf "$tmp"
}

# slugwright_keep BINARY PLACE...: copies a checked binary into PLACE/<sha>/
# (each written to a temporary name, then renamed) and sets SLUGWRIGHT to
# the first copy that could be written.
slugwright_keep() {
  local binary=$1 dir
  shift
  SLUGWRIGHT=
  for dir in "$@"; do
    if [[ "$binary" -ef "$dir/$pin_sha256/slugwright" ]]; then
      SLUGWRIGHT=${SLUGWRIGHT:-$binary}
      continue
    fi
    mkdir -p "$dir/$pin_sha256" 2>/dev/null &&
      cp "$binary" "$dir/$pin_sha256/.slugwright.partial" 2>/dev/null &&
      mv -f "$dir/$pin_sha256/.slugwright.partial" "$dir/$pin_sha256/slugwright" &&
      SLUGWRIGHT=${SLUGWRIGHT:-$dir/$pin_sha256/slugwright}
  done
  [[ -n "$SLUGWRIGHT" ]] || slugwright_fail "could not keep the downloaded binary in: $*"
}

# slugwright_build_from_source: step 6.
slugwright_build_from_source() {
  local arch=$1 jobs build="$buildpack_dir/build/release" log status=0
  if [[ ! -f "$buildpack_dir/CMakeLists.txt" ]]; then
    slugwright_fail "no binary for linux/$arch in $buildpack_dir/dist and no sources to build one"
  fi
  if ! command -v cmake >/dev/null || ! command -v c++ >/dev/null; then
    slugwright_fail "no binary for linux/$arch is pinned in buildpack/binary.env and there is no compiler to build one (use the packaged buildpack tarball, or set SLUGWRIGHT_BINARY_URL and SLUGWRIGHT_BINARY_SHA256)"
  fi
  jobs=$(nproc 2>/dev/null || echo 2)
  echo "-----> Building slugwright from source on $jobs cores (first use only; a few minutes)" >&2
  "$buildpack_dir/tools/install-deps" build >&2 || exit 2
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
    slugwright_fail "building from source failed"
  fi
  rm -f "$log"
  SLUGWRIGHT=$build/slugwright
}

find_slugwright() {
  local candidate arch packaged=()
  arch=${SLUGWRIGHT_TARGET_ARCH:-$(slugwright_machine_arch)}
  packaged=("$buildpack_dir/dist/linux-$arch/slugwright")
  # dist/slugwright is the linux/amd64 binary; on an amd64 machine it is
  # found for another target too, and refuses that target itself.
  [[ $(slugwright_machine_arch) == amd64 ]] && packaged+=("$buildpack_dir/dist/slugwright")
  for candidate in "${SLUGWRIGHT_BIN:-}" "${packaged[@]}" \
                   "$buildpack_dir/build/release/slugwright"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      SLUGWRIGHT=$candidate
      return 0
    fi
  done
  slugwright_fetch "$arch" && return 0
  slugwright_build_from_source "$arch"
}

# shellcheck disable=SC2034  # the result, read by the scripts that source this file
SLUGWRIGHT=
find_slugwright
