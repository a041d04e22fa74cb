#!/usr/bin/env bash
# The action's first step (action.yml): downloads
# slugwright-$SLUGWRIGHT_VERSION-linux-<arch>.tar.gz from
# $SLUGWRIGHT_DOWNLOAD_URL ({version} filled in), checks it against
# $SLUGWRIGHT_SHA256 before unpacking anything, and puts its directory on
# the job's PATH ($GITHUB_PATH). The architecture is the runner's
# (RUNNER_ARCH: X64 or ARM64). A failure is one `::error` line and exit 2,
# with nothing installed.
set -euo pipefail

fail() {
  echo "::error title=slugwright::$*"
  exit 2
}

version=${SLUGWRIGHT_VERSION:-}
sha256=${SLUGWRIGHT_SHA256:-}
[[ $version =~ ^[0-9A-Za-z.+-]+$ ]] || fail "the version input must be a release version such as 0.1.0, got '$version'"
[[ $sha256 =~ ^[0-9a-fA-F]{64}$ ]] ||
  fail "the sha256 input must be the 64 hex digits of the release's .sha256 asset for this runner, got '$sha256'"
case "${RUNNER_ARCH:-X64}" in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  *) fail "no slugwright release for runner architecture ${RUNNER_ARCH} (X64 and ARM64 have one)" ;;
esac
[[ ${RUNNER_OS:-Linux} == Linux ]] || fail "slugwright releases are for Linux runners, not ${RUNNER_OS}"

name=slugwright-$version-linux-$arch
url=${SLUGWRIGHT_DOWNLOAD_URL//\{version\}/$version}/$name.tar.gz
dest=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/slugwright-$version-$arch
download=$(mktemp "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/slugwright-download.XXXXXX")
trap 'rm -f "$download"' EXIT

echo "Fetching $url"
curl --fail --silent --show-error --location --retry 3 --output "$download" "$url" ||
  fail "could not download $url"
actual=$(sha256sum "$download" | cut -d' ' -f1)
[[ ${actual,,} == "${sha256,,}" ]] ||
  fail "$name.tar.gz has SHA-256 $actual, not the pinned $sha256: nothing was installed"
rm -rf "$dest"
mkdir -p "$dest"
tar -xzf "$download" -C "$dest" || fail "could not unpack $name.tar.gz"
[[ -x $dest/$name/slugwright ]] || fail "$name.tar.gz holds no $name/slugwright"
echo "$dest/$name" >>"${GITHUB_PATH:?GITHUB_PATH is set by the runner}"
"$dest/$name/slugwright" --version
