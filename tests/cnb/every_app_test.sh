#!/usr/bin/env bash
# Cedar and Fir agree for every app mapped in fixtures/common-monorepo: the
# launch.toml processes bin/build writes equal the default_process_types
# bin/release prints after bin/compile (same order, same commands, `web`
# the default), and the Procfile and release settings written are the same.
# Then each app with a `release` process runs it from the launch layer
# against a database of its own on a throwaway PostgreSQL, as Fir's release
# phase would. Cedar is always the amd64 build; Fir is $CNB_ARCH
# (SLUGWRIGHT_CNB_ARCH=arm64: the cross-built binary under qemu, CTest's
# cnb.every_app_test_arm64), whose runner in the launch layer must be the
# binary for that architecture.
# shellcheck source=tests/cnb/lib.sh
source "$(dirname "$0")/lib.sh"

start_postgres || { finish; exit 1; }
runner=$SLUGWRIGHT_BIN
[[ "$CNB_ARCH" == arm64 ]] && runner=$ARM64_BIN
started=$(date +%s)
count=0
releases=0
for procfile in "$FIXTURES"/common-monorepo/procfiles/*.Procfile; do
  name=$(basename "$procfile" .Procfile)
  # Cedar: bin/compile + bin/release on a copy of the repository.
  cedar=$(app_copy common-monorepo)
  run "$BP/bin/compile" "$cedar" "$WORK/cache-$name" "$(env_dir HEROKU_APP_NAME="$name")"
  expect_status 0 "Cedar compile $name"
  "$BP/bin/release" "$cedar" >"$WORK/release-$name.yml" || fail "Cedar release $name"

  # Fir: bin/detect + bin/build with the same config var.
  cnb_layout common-monorepo HEROKU_APP_NAME="$name"
  cnb_detect
  expect_status 0 "CNB detect $name ($CNB_ARCH)"
  cnb_build
  expect_status 0 "CNB build $name ($CNB_ARCH)"
  expect_output "Rule 2, slugwright.yml mapping"
  run "$PYTHON" "$CNB_FILES" compare "$LAYERS" "$WORK/release-$name.yml"
  expect_status 0 "Fir ($CNB_ARCH) processes equal Cedar's for $name"
  expect_same_file "$T/app/Procfile" "$cedar/Procfile"
  expect_same_file "$T/app/.slugwright/release.json" "$cedar/.slugwright/release.json"
  expect_same_file "$LAYERS/slugwright/bin/slugwright" "$runner"
  count=$((count + 1))

  grep -q '^release:' "$T/app/Procfile" || continue
  database=release_${name//-/_}
  psql -q "$DATABASE_URL" -c "CREATE DATABASE $database" || fail "CREATE DATABASE $database"
  cnb_launch release DATABASE_URL="${DATABASE_URL%/*}/$database" HEROKU_RELEASE_VERSION=v1 DYNO=release.1
  expect_status 0 "the release process of $name ($CNB_ARCH)"
  expect_output "Applied 7 migrations"
  releases=$((releases + 1))
done
echo "$count apps built for linux/$CNB_ARCH, $releases released, in $(( $(date +%s) - started ))s"
# The comparison itself notices a difference.
sed -i 's/^  web: /  web2: /' "$WORK/release-$name.yml"
run "$PYTHON" "$CNB_FILES" compare "$LAYERS" "$WORK/release-$name.yml"
expect_status 1 "compare with a renamed Cedar process"
expect_output "differ from Cedar's"
[[ $count -eq 14 ]] || fail "expected 14 mapped apps, found $count"
[[ $releases -eq 6 ]] || fail "expected 6 apps with a release process, found $releases"
finish
