#!/usr/bin/env bash
# The packaged buildpack on a machine that has nothing but Debian's minimal
# base system and libpq5 (like a Heroku stack image: no compiler, no CMake,
# no Boost, no Python): unpacks the tarball in a debootstrap root, chroots in
# and runs bin/detect, bin/compile (twice: cold and warm cache) and
# bin/release for two apps of fixtures/common-monorepo, then each slug's
# Procfile `release:` command as a dyno would, against a PostgreSQL server
# on the host's loopback. Everything must succeed and print what the same
# steps print outside the chroot (temporary paths, port and timings
# normalised), and leave the same slugs and the same migration history.
#
# The root is built once per machine (tests/buildpack/bare_root.sh) with
#   debootstrap --variant=minbase --include=libpq5 bookworm DIR MIRROR
# into /var/cache/slugwright/bookworm-minbase-libpq5 (about a minute and
# 220 MB; MIRROR from /etc/apt/sources.list.d/debian.sources), then reused.
#   SLUGWRIGHT_SKIP_BARE_ROOT=1      skip this test
#   SLUGWRIGHT_BARE_ROOT_CACHE=DIR   keep the root in DIR/ instead
#   SLUGWRIGHT_DEBIAN_MIRROR=URL     debootstrap from this mirror
# Needs root (debootstrap, chroot, a private mount of /proc). Run by CTest
# (tests/run) after buildpack.package, which sets SLUGWRIGHT_BUILDPACK_TGZ.

skip() {
  echo "SKIPPED: $*"
  exit 77
}
[[ "${SLUGWRIGHT_SKIP_BARE_ROOT:-0}" == 1 ]] && skip "SLUGWRIGHT_SKIP_BARE_ROOT=1 is set"
[[ $(id -u) -eq 0 ]] || skip "needs root to debootstrap a Debian root and chroot into it"

# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/../e2e/lib.sh"
# bin/* must find the bundled binary, not the test build's.
unset SLUGWRIGHT_BIN
tgz=${SLUGWRIGHT_BUILDPACK_TGZ:?run from CTest, which sets SLUGWRIGHT_BUILDPACK_TGZ}
[[ -f "$tgz" ]] || { echo "FAIL: no packaged buildpack at $tgz" >&2; exit 1; }
started=$(date +%s)

for tool in debootstrap unshare chroot flock mount psql runuser; do
  command -v "$tool" >/dev/null ||
    { echo "FAIL: $tool is missing (tools/install-deps test installs it)" >&2; exit 1; }
done

# ---- The cached bare root ----------------------------------------------------
# shellcheck source=tests/buildpack/bare_root.sh
source "$(dirname "$0")/bare_root.sh"
ensure_bare_root
root=$BARE_ROOT

# ---- What the root holds -----------------------------------------------------
# Like a Heroku stack image for our purpose: glibc and libpq5, and none of
# what building slugwright needs.
checks=$((checks + 1))
[[ -e "$root/usr/lib/x86_64-linux-gnu/libpq.so.5" ]] || fail "the bare root has no libpq.so.5"
for tool in cc gcc g++ c++ cmake ninja make python3 python; do
  checks=$((checks + 1))
  [[ ! -e "$root/usr/bin/$tool" ]] || fail "the bare root has /usr/bin/$tool; it must hold only minbase and libpq5"
done
checks=$((checks + 1))
extra_libs=$(cd "$root/usr/lib/x86_64-linux-gnu" && printf '%s\n' * | grep -E 'boost|yaml-cpp|pqxx|spdlog|libfmt' || true)
[[ -z "$extra_libs" ]] || fail "the bare root has libraries slugwright must not need: $extra_libs"

# ---- A PostgreSQL server on the host's loopback --------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$pg_bin/initdb" ]] || { echo "FAIL: no PostgreSQL server in /usr/lib/postgresql/*/bin" >&2; exit 1; }
pg_dir=$(mktemp -d /tmp/slugwright-bare-pg-XXXXXX)
# Work directories of runs that were killed before cleaning up.
find "$root/tmp" -maxdepth 1 -name 'slugwright-bare-*' -mmin +120 -exec rm -rf {} +
chroot_base=$(mktemp -d "$root/tmp/slugwright-bare-XXXXXX")
cleanup() {
  [[ -f "$pg_dir/data/postmaster.pid" ]] &&
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_dir" "$chroot_base" "$WORK"
}
trap cleanup EXIT
chown postgres: "$pg_dir"
password=pw-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$pg_dir/pwfile"
chown postgres: "$pg_dir/pwfile"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A scram-sha-256 \
  --pwfile="$pg_dir/pwfile" >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; exit 1; }
port=
for _ in 1 2 3 4 5; do
  candidate=$((20000 + RANDOM % 40000))
  (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null && continue  # taken
  if runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
       -o "-h 127.0.0.1 -p $candidate -k $pg_dir -c fsync=off" start >/dev/null 2>&1; then
    port=$candidate
    break
  fi
done
[[ -n "$port" ]] || { cat "$pg_dir/server.log" >&2; echo "FAIL: PostgreSQL did not start" >&2; exit 1; }
psql_host() { PGPASSWORD=$password psql -X -q -At -h 127.0.0.1 -p "$port" -U postgres "$@"; }
psql_host -d postgres -c "CREATE DATABASE bare_chroot" -c "CREATE DATABASE bare_host"

# ---- The same steps inside the chroot and on the host ---------------------------
# Each world gets BASE/buildpack (the unpacked tarball) and, per app,
# BASE/app-NAME, BASE/cache-NAME and BASE/env-NAME.
apps=(commonwealth-beta commonwealth-frick)
host_base=$WORK/host
mkdir -p "$host_base"
for base in "$chroot_base" "$host_base"; do
  mkdir -p "$base/buildpack"
  tar -xzf "$tgz" -C "$base/buildpack"
  for app_name in "${apps[@]}"; do
    cp -a "$FIXTURES/common-monorepo" "$base/app-$app_name"
    mkdir -p "$base/cache-$app_name" "$base/env-$app_name"
    printf '%s' "$app_name" >"$base/env-$app_name/HEROKU_APP_NAME"
  done
done
inside=${chroot_base#"$root"}

clean_env=(PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 STACK=heroku-24)

# in_chroot CMD...: runs CMD in the bare root with a clean environment and
# a /proc of its own (mounted in a private mount namespace, gone on exit).
in_chroot() {
  unshare --mount --propagation private -- \
    bash -c 'root=$1; shift; mount -t proc proc "$root/proc" && exec chroot "$root" "$@"' \
    bare-root "$root" env -i "${clean_env[@]}" "$@"
}
on_host() {
  env -i "${clean_env[@]}" "$@"
}

# The buildpack steps for one app, as Heroku runs them; then the release
# phase as a dyno runs it: HOME is the slug, .profile.d/ is sourced and the
# Procfile's `release:` command runs in bash.
steps='base=$1 app_name=$2 database_url=$3
cd "$base" || exit 1
step() { echo "## $*"; "$@"; echo "## exit $?"; }
step buildpack/bin/detect "$base/app-$app_name"
step buildpack/bin/compile "$base/app-$app_name" "$base/cache-$app_name" "$base/env-$app_name"
step buildpack/bin/compile "$base/app-$app_name" "$base/cache-$app_name" "$base/env-$app_name"
step buildpack/bin/release "$base/app-$app_name"
release_command=$(sed -n "s/^release:[[:space:]]*//p" "$base/app-$app_name/Procfile")
echo "## release phase: $release_command"
(
  cd "$base/app-$app_name" && export HOME=$PWD DATABASE_URL=$database_url \
    HEROKU_APP_NAME=$app_name HEROKU_RELEASE_VERSION=v42 &&
  for script in .profile.d/*.sh; do . "$script"; done &&
  exec bash -c "$release_command"
)
echo "## exit $?"'

# normalise TEXT-FILE BASE DB: temp paths, the port, the database and
# timings replaced, so that both worlds can be compared.
normalise() {
  sed -E -e "s#$2#<BASE>#g" -e "s#$password#<PASSWORD>#g" -e "s#127\.0\.0\.1:$port#<HOST>#g" -e "s#$3#<DB>#g" \
    -e 's#[0-9]+(\.[0-9]+)?[[:space:]]?(ms|s)\b#<T>#g' "$1"
}

for app_name in "${apps[@]}"; do
  url_chroot="postgres://postgres:$password@127.0.0.1:$port/bare_chroot?sslmode=disable"
  url_host="postgres://postgres:$password@127.0.0.1:$port/bare_host?sslmode=disable"
  in_chroot /bin/bash -c "$steps" steps "$inside" "$app_name" "$url_chroot" \
    >"$WORK/chroot-$app_name.out" 2>&1
  echo "## steps exit $?" >>"$WORK/chroot-$app_name.out"
  on_host /bin/bash -c "$steps" steps "$host_base" "$app_name" "$url_host" \
    >"$WORK/host-$app_name.out" 2>&1
  echo "## steps exit $?" >>"$WORK/host-$app_name.out"

  output=$(cat "$WORK/chroot-$app_name.out")
  echo "-----> In the bare root, $app_name:"
  sed 's/^/       /' "$WORK/chroot-$app_name.out"
  checks=$((checks + 1))
  [[ $(grep -c '^## exit 0$' <<<"$output") -eq 5 ]] ||
    fail "$app_name: a step failed in the bare root (5 steps must exit 0)"
  expect_output "## steps exit 0" "$app_name in the bare root"
  expect_output "-----> slugwright" "$app_name compile in the bare root"
  expect_output "Process types unchanged since the last build" "$app_name warm compile in the bare root"
  expect_output "default_process_types:" "$app_name release in the bare root"
  expect_output "## release phase: slugwright release" "$app_name Procfile"
  expect_no_output "Building slugwright from source" "$app_name in the bare root"
  expect_no_output "$password" "$app_name in the bare root (the database password)"

  normalise "$WORK/chroot-$app_name.out" "$inside" bare_chroot >"$WORK/chroot-$app_name.norm"
  normalise "$WORK/host-$app_name.out" "$host_base" bare_host >"$WORK/host-$app_name.norm"
  checks=$((checks + 1))
  cmp -s "$WORK/chroot-$app_name.norm" "$WORK/host-$app_name.norm" ||
    fail "$app_name: the bare root printed something else than the host:
$(diff -u "$WORK/host-$app_name.norm" "$WORK/chroot-$app_name.norm")"

  # The same slug on both sides, byte for byte.
  checks=$((checks + 1))
  [[ "$(snapshot "$chroot_base/app-$app_name")" == "$(snapshot "$host_base/app-$app_name")" ]] ||
    fail "$app_name: the slug built in the bare root differs from the host's:
$(diff <(snapshot "$host_base/app-$app_name") <(snapshot "$chroot_base/app-$app_name") | head -20)"
  expect_same_file "$chroot_base/app-$app_name/Procfile" "$FIXTURES/common-monorepo/procfiles/$app_name.Procfile"
done

# The migrations were applied, once, by the first app's release; the same
# history on both databases.
history_query="SELECT string_agg(version || ' ' || state || ' ' || app, ', ' ORDER BY version)
  FROM public.slugwright_migrations"
chroot_history=$(psql_host -d bare_chroot -c "$history_query" 2>&1)
host_history=$(psql_host -d bare_host -c "$history_query" 2>&1)
expected_versions=$(ls "$FIXTURES/common-monorepo/packages/commonwealth/migrations" |
  sed -E 's/^([0-9]+)_.*/\1 applied commonwealth-beta/' | paste -sd, | sed 's/,/, /g')
checks=$((checks + 1))
[[ "$chroot_history" == "$expected_versions" ]] ||
  fail "migration history in the bare root's database: expected [$expected_versions], got [$chroot_history]"
checks=$((checks + 1))
[[ "$chroot_history" == "$host_history" ]] ||
  fail "migration histories differ: bare root [$chroot_history], host [$host_history]"

# bin/compile with the packaged binary and a warm cache: reported (median
# and fastest of 21 runs, robust to a busy machine); the benchmark suite
# holds the 50 ms limit.
measure='base=$1 app_name=$2 runs=$3
cd "$base" || exit 1
for ((i = 0; i < runs; i++)); do
  start=$(date +%s%N)
  buildpack/bin/compile "$base/app-$app_name" "$base/cache-$app_name" "$base/env-$app_name" >/dev/null || exit 1
  echo $(( ($(date +%s%N) - start) / 1000 ))
done'
timing() {  # MICROSECONDS...: "median X ms, fastest Y ms"
  [[ $# -gt 0 ]] || { echo "no measurement"; return; }
  local sorted
  mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
  local median=${sorted[$(( ${#sorted[@]} / 2 ))]} fastest=${sorted[0]}
  printf 'median %d.%d ms, fastest %d.%d ms' $((median / 1000)) $((median % 1000 / 100)) \
    $((fastest / 1000)) $((fastest % 1000 / 100))
}
mapfile -t chroot_times < <(in_chroot /bin/bash -c "$measure" measure "$inside" "${apps[0]}" 21)
mapfile -t host_times < <(on_host /bin/bash -c "$measure" measure "$host_base" "${apps[0]}" 21)
checks=$((checks + 1))
[[ ${#chroot_times[@]} -eq 21 ]] || fail "warm bin/compile failed in the bare root"
echo "-----> bin/compile with a warm cache (21 runs each)"
echo "       bare root: $(timing "${chroot_times[@]}"); host: $(timing "${host_times[@]}")"
echo "-----> Bare-root test took $(( $(date +%s) - started ))s"
finish
