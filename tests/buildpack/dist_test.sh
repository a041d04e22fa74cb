#!/usr/bin/env bash
# tools/make-dist (what `cmake --build B --target dist` and the release
# workflow run), on the binaries of the packaged buildpack: it writes the
# buildpack tarball, slugwright-<version>-linux-{amd64,arm64}.tar.gz, their
# .sha256 files, binary.env and the npm tarballs in npm/; each tarball holds one directory with the
# binary and README.md; the checksums and pins are right; and a second run
# gives the same bytes. Exit 77 (skipped) when the packaged buildpack has no
# arm64 binary (the cross build was skipped).
# Run by CTest after buildpack.package, which sets SLUGWRIGHT_BUILDPACK_TGZ.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"
unset SLUGWRIGHT_BIN
tgz=${SLUGWRIGHT_BUILDPACK_TGZ:?run from CTest, which sets SLUGWRIGHT_BUILDPACK_TGZ}
packaged=$WORK/packaged
mkdir -p "$packaged"
tar -xzf "$tgz" -C "$packaged"
if [[ ! -f "$packaged/dist/linux-arm64/slugwright" ]]; then
  echo "SKIPPED: the packaged buildpack has no linux/arm64 binary (buildpack.cross_build was skipped)"
  exit 77
fi
version=$(basename "$tgz" .tgz)
version=${version#slugwright-buildpack-}

# Round two runs from a fresh clone, as the README's install steps do: the
# scripts must need nothing a clone lacks (no configured build directory).
# A tree with uncommitted changes would give other bytes, so it is used as is.
fresh=$ROOT
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1 && [[ -z "$(git -C "$ROOT" status --porcelain)" ]]; then
  git clone -q "$ROOT" "$WORK/clone" || fail "git clone of $ROOT"
  fresh=$WORK/clone
else
  echo "note: $ROOT is not a clean git tree; round two runs in it instead of a fresh clone"
fi
for round in one two; do
  tree=$ROOT
  [[ $round == two ]] && tree=$fresh
  run "$tree/tools/make-dist" --binary "$packaged/dist/slugwright" \
    --arm64-binary "$packaged/dist/linux-arm64/slugwright" \
    --release-url "https://example.test/releases/v$version" --out "$WORK/$round"
  expect_status 0 "make-dist ($round)"
  [[ $status -eq 0 ]] || echo "$output"
done

expected="binary.env
npm
slugwright-$version-linux-amd64.tar.gz
slugwright-$version-linux-amd64.tar.gz.sha256
slugwright-$version-linux-arm64.tar.gz
slugwright-$version-linux-arm64.tar.gz.sha256
slugwright-buildpack-$version.tgz
slugwright-buildpack-$version.tgz.sha256"
checks=$((checks + 1))
[[ "$(ls -A "$WORK/one")" == "$expected" ]] || fail "make-dist wrote:
$(ls -A "$WORK/one")
expected:
$expected"

npm_expected="npm/slugwright-$version.tgz
npm/slugwright-linux-arm64-$version.tgz
npm/slugwright-linux-x64-$version.tgz"
checks=$((checks + 1))
[[ "$(cd "$WORK/one" && ls -d npm/*)" == "$npm_expected" ]] || fail "make-dist wrote into npm/:
$(ls -A "$WORK/one/npm")
expected:
$npm_expected"

# Same bytes twice, and the same buildpack tarball as buildpack.package.
for file in $expected $npm_expected; do
  [[ $file == npm ]] && continue
  checks=$((checks + 1))
  cmp -s "$WORK/one/$file" "$WORK/two/$file" || fail "$file differs between two runs"
done
checks=$((checks + 1))
cmp -s "$WORK/one/slugwright-buildpack-$version.tgz" "$tgz" ||
  fail "the buildpack tarball differs from buildpack.package's"

run bash -c "cd '$WORK/one' && sha256sum -c ./*.sha256"
expect_status 0 "sha256sum -c"

for arch in amd64 arm64; do
  name=slugwright-$version-linux-$arch
  run tar -tzf "$WORK/one/$name.tar.gz"
  checks=$((checks + 1))
  [[ "$(sort <<<"$output")" == "$name/
$name/README.md
$name/slugwright" ]] || fail "$name.tar.gz holds: $output"
  mkdir -p "$WORK/x-$arch"
  tar -xzf "$WORK/one/$name.tar.gz" -C "$WORK/x-$arch"
  binary=$packaged/dist/slugwright
  [[ $arch == arm64 ]] && binary=$packaged/dist/linux-arm64/slugwright
  checks=$((checks + 1))
  cmp -s "$WORK/x-$arch/$name/slugwright" "$binary" || fail "$name.tar.gz has another binary"
  checks=$((checks + 1))
  [[ -x "$WORK/x-$arch/$name/slugwright" ]] || fail "$name/slugwright is not executable"
  sum=$(cut -d' ' -f1 "$WORK/one/$name.tar.gz.sha256")
  checks=$((checks + 1))
  grep -qx "SLUGWRIGHT_BINARY_SHA256_$arch=$sum" "$WORK/one/binary.env" ||
    fail "binary.env does not pin $name.tar.gz ($sum): $(cat "$WORK/one/binary.env")"
done
checks=$((checks + 1))
grep -qx "SLUGWRIGHT_BINARY_URL_TEMPLATE=https://example.test/releases/v{version}/slugwright-{version}-linux-{arch}.tar.gz" \
  "$WORK/one/binary.env" || fail "binary.env has no URL template: $(cat "$WORK/one/binary.env")"
run "$WORK/x-amd64/slugwright-$version-linux-amd64/slugwright" --version
expect_status 0 "the amd64 tarball's binary runs"
expect_output "slugwright $version (commit "
finish
