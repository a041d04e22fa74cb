#!/usr/bin/env bash
# The packaged buildpack's binary loads on heroku-22 (glibc 2.35) and
# heroku-24 (glibc 2.39) with nothing but glibc and libpq: reads it with
# readelf/objdump through tools/check-portable (NEEDED entries, highest
# GLIBC_ version, no shared libstdc++, stripped), and checks the tarball's
# contents and checksum. Also proves the check fails, naming the library or
# symbol, on binaries that break each rule.
#   SLUGWRIGHT_SKIP_PORTABLE_CHECK=1   skip this test
# Run by CTest (tests/run) after buildpack.package, which sets
# SLUGWRIGHT_BUILDPACK_TGZ; SLUGWRIGHT_ARM64_BUILD names the cross build
# whose arm64 binary the tarball must then carry too.

if [[ "${SLUGWRIGHT_SKIP_PORTABLE_CHECK:-0}" == 1 ]]; then
  echo "SKIPPED: SLUGWRIGHT_SKIP_PORTABLE_CHECK=1 is set"
  exit 77
fi
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"
unset SLUGWRIGHT_BIN
tgz=${SLUGWRIGHT_BUILDPACK_TGZ:?run from CTest, which sets SLUGWRIGHT_BUILDPACK_TGZ}
check=$ROOT/tools/check-portable

# The tarball: its checksum, and exactly the files a buildpack needs.
checks=$((checks + 1))
[[ -f "$tgz" && -f "$tgz.sha256" ]] || { echo "FAIL: no $tgz or $tgz.sha256" >&2; exit 1; }
run bash -c "cd '$(dirname "$tgz")' && sha256sum -c '$(basename "$tgz").sha256'"
expect_status 0 "sha256sum -c"
expected_files='README.md
bin/build
bin/compile
bin/detect
bin/release
buildpack.toml
dist/slugwright
lib/find-slugwright.sh'
# With the linux/arm64 binary when buildpack.cross_build made one.
if [[ -x "${SLUGWRIGHT_ARM64_BUILD:-/nonexistent}/slugwright" ]]; then
  expected_files=$(printf '%s\ndist/linux-arm64/slugwright\n' "$expected_files" | sort)
fi
checks=$((checks + 1))
files=$(tar -tzf "$tgz" | grep -v '/$' | sort)
[[ "$files" == "$expected_files" ]] || fail "the tarball holds:
$files
expected:
$expected_files"
unpacked=$WORK/buildpack
mkdir -p "$unpacked"
tar -xzf "$tgz" -C "$unpacked"
for script in detect compile release build; do
  checks=$((checks + 1))
  [[ -x "$unpacked/bin/$script" ]] || fail "bin/$script is not executable in the tarball"
done
binary=$unpacked/dist/slugwright

# The portable binary passes every rule.
run "$check" "$binary"
echo "$output"
expect_status 0 "check-portable on the packaged binary"
expect_output "NEEDED: "
needed=$(sed -n 's/^ *NEEDED: //p' <<<"$output")
for lib in $needed; do
  checks=$((checks + 1))
  [[ "$lib" =~ ^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|ld-linux-x86-64\.so\.2|libpq\.so\.5|libssl\.so\.3|libcrypto\.so\.3)$ ]] ||
    fail "the binary needs $lib"
done
checks=$((checks + 1))
[[ " $needed " == *" libpq.so.5 "* ]] || fail "the binary does not link libpq.so.5 dynamically: $needed"
highest=$(objdump -T "$binary" | grep -o 'GLIBC_2\.[0-9.]*' | sort -uV | tail -1)
checks=$((checks + 1))
[[ "$(printf '%s\n' "$highest" GLIBC_2.35 | sort -V | tail -1)" == GLIBC_2.35 ]] ||
  fail "the binary needs $highest: $(objdump -T "$binary" | grep -F "($highest)")"

# The arm64 binary, when packaged, passes the same rules.
if [[ -f "$unpacked/dist/linux-arm64/slugwright" ]]; then
  run "$check" "$unpacked/dist/linux-arm64/slugwright"
  echo "$output"
  expect_status 0 "check-portable on the packaged arm64 binary"
  expect_output "Machine: AArch64"
fi

# It runs with an empty environment, and says which version and commit it is.
run env -i "$binary" --version
expect_status 0 "slugwright --version"
version=$(basename "$tgz" .tgz)
version=${version#slugwright-buildpack-}
checks=$((checks + 1))
[[ "$output" =~ ^slugwright\ $version\ \(commit\ [0-9a-f]{12}\)$ ]] ||
  fail "--version prints [$output]; expected slugwright $version (commit <12 hex digits>)"
run env -i "$binary" release --help
expect_status 0 "slugwright release --help"

# The check itself fails, naming the culprit, on binaries that break a rule.
# They are built here from tiny programs, so the test does not depend on
# what the other builds happen to contain.
if command -v c++ >/dev/null; then
  cat >"$WORK/uses_yaml.cc" <<'EOF'
#include <yaml-cpp/yaml.h>
int main() { return YAML::Load("a: 1")["a"].as<int>() - 1; }
EOF
  # Shared yaml-cpp and libstdc++, not stripped.
  c++ -O1 "$WORK/uses_yaml.cc" -o "$WORK/shared_yaml" -lyaml-cpp
  run "$check" "$WORK/shared_yaml"
  expect_status 1 "check-portable on a binary with shared yaml-cpp"
  expect_output "needs libyaml-cpp.so" "check-portable on shared yaml-cpp"
  expect_output "needs libstdc++.so.6" "check-portable on shared libstdc++"
  expect_output "from a shared libstdc++/libgcc" "check-portable on shared libstdc++"
  expect_output "is not stripped" "check-portable on an unstripped binary"

  # Linked as the portable build links (static libstdc++ and libgcc,
  # stripped, arc4random wrapped by src/base/glibc_compat.cc), a program that
  # uses std::random_device passes. Without the wrap, Debian 12's
  # libstdc++.a would make it need arc4random@GLIBC_2.36.
  cat >"$WORK/plain.cc" <<'EOF'
#include <iostream>
#include <random>
int main() { std::random_device device; std::cout << device() % 2 << "\n"; }
EOF
  c++ -O1 -static-libstdc++ -static-libgcc -s -Wl,--wrap=arc4random -I"$ROOT/src" \
    "$WORK/plain.cc" "$ROOT/src/base/glibc_compat.cc" -o "$WORK/plain"
  run "$check" "$WORK/plain"
  expect_status 0 "check-portable on a program linked like the portable binary"
  run "$WORK/plain"
  expect_status 0 "std::random_device through the arc4random wrapper"

  # A symbol newer than GLIBC_2.35 (arc4random, glibc 2.36), where the
  # building glibc has one.
  cat >"$WORK/new_glibc.c" <<'EOF'
#include <stdlib.h>
int main(void) { return (int)(arc4random() & 1); }
EOF
  if c++ -x c -O1 -s "$WORK/new_glibc.c" -o "$WORK/new_glibc" 2>/dev/null; then
    run "$check" "$WORK/new_glibc"
    expect_status 1 "check-portable on a binary needing GLIBC_2.36"
    expect_output "imports arc4random@GLIBC_2.36: newer than GLIBC_2.35" "check-portable on arc4random"
  else
    echo "note: this glibc has no arc4random; the GLIBC_2.36 case is not exercised"
  fi
else
  fail "no c++ compiler to build the binaries that check-portable must reject"
fi

size=$(stat -c %s "$binary")
echo "Portable binary: $size bytes ($(( (size + 1023) / 1024 )) KiB), NEEDED: $needed; highest $highest"
finish
