# shellcheck shell=bash
# tests/buildpack/bare_root.sh: the bare Debian root that tests share,
#   debootstrap --variant=minbase --include=libpq5 bookworm DIR MIRROR
# built once per machine into $SLUGWRIGHT_BARE_ROOT_CACHE (default
# /var/cache/slugwright)/bookworm-minbase-libpq5 under a flock, then reused
# (about a minute and 220 MB the first time; MIRROR from
# /etc/apt/sources.list.d/debian.sources, or $SLUGWRIGHT_DEBIAN_MIRROR).
# Sourced by tests/buildpack/bare_root_test.sh (which chroots into it) and
# tests/containers/dockerfile_test.sh (which imports it as a podman image).
# Needs root. Sets BARE_ROOT_CACHE and BARE_ROOT; ensure_bare_root builds
# the root when it is missing.

BARE_ROOT_CACHE=${SLUGWRIGHT_BARE_ROOT_CACHE:-/var/cache/slugwright}
BARE_ROOT=$BARE_ROOT_CACHE/bookworm-minbase-libpq5

# debian_mirror: the Debian mirror this machine's apt uses for bookworm.
debian_mirror() {
  if [[ -n "${SLUGWRIGHT_DEBIAN_MIRROR:-}" ]]; then
    echo "$SLUGWRIGHT_DEBIAN_MIRROR"
    return
  fi
  local uri=
  if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    # deb822: the first URI of the stanza whose Suites include `bookworm`.
    uri=$(awk 'BEGIN { RS = "" }
      { suites = ""; uris = ""; n = split($0, lines, "\n")
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^Suites:/) suites = " " substr(lines[i], 8) " "
          if (lines[i] ~ /^URIs:/) { split(substr(lines[i], 6), u, " "); uris = u[1] } }
        if (suites ~ / bookworm / && uris != "") { print uris; exit } }' \
      /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z "$uri" && -f /etc/apt/sources.list ]]; then
    uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# ensure_bare_root: builds $BARE_ROOT unless its stamp is there, holding
# the cache's lock meanwhile (so concurrent tests build it once); exits 1
# when debootstrap fails.
ensure_bare_root() {
  local stamp=$BARE_ROOT/.slugwright-bare-root
  mkdir -p "$BARE_ROOT_CACHE"
  exec 9>"$BARE_ROOT_CACHE/bookworm-minbase-libpq5.lock"
  flock 9
  if [[ ! -f "$stamp" ]]; then
    local mirror partial=$BARE_ROOT.partial t0
    t0=$(date +%s)
    mirror=$(debian_mirror)
    echo "-----> Building the bare root once: debootstrap --variant=minbase --include=libpq5 bookworm $BARE_ROOT $mirror"
    rm -rf "$partial" "$BARE_ROOT"
    if ! debootstrap --variant=minbase --include=libpq5 bookworm "$partial" "$mirror" \
         >"$BARE_ROOT_CACHE/debootstrap.log" 2>&1; then
      tail -20 "$BARE_ROOT_CACHE/debootstrap.log" >&2
      echo "FAIL: debootstrap failed; its log is $BARE_ROOT_CACHE/debootstrap.log" >&2
      exit 1
    fi
    date -u +%FT%TZ >"$partial/.slugwright-bare-root"
    mv "$partial" "$BARE_ROOT"
    echo "       Built in $(( $(date +%s) - t0 ))s ($(du -sh "$BARE_ROOT" | cut -f1))"
  else
    echo "-----> Reusing the bare root $BARE_ROOT (built $(cat "$stamp"))"
  fi
  flock -u 9
}
