#!/usr/bin/env bash
# Cedar and Fir agree for every app mapped in fixtures/common-monorepo: the
# launch.toml processes bin/build writes equal the default_process_types
# bin/release prints after bin/compile (same order, same commands, `web`
# the default), and the Procfile and release settings written are the same.
# shellcheck source=tests/cnb/lib.sh
source "$(dirname "$0")/lib.sh"

count=0
for procfile in "$FIXTURES"/common-monorepo/procfiles/*.Procfile; do
  name=$(basename "$procfile" .Procfile)
  # Cedar: bin/compile + bin/release on a copy of the repository.
  cedar=$(app_copy common-monorepo)
  run "$BP/bin/compile" "$cedar" "$WORK/cache-$name" "$(env_dir HEROKU_APP_NAME="$name")"
  expect_status 0 "Cedar compile $name"
  "$BP/bin/release" "$cedar" >"$WORK/release-$name.yml" || fail "Cedar release $name"

  # Fir: bin/detect + bin/build with the same config var.
  cnb_layout common-monorepo HEROKU_APP_NAME="$name"
  cnb_detect amd64
  expect_status 0 "CNB detect $name"
  cnb_build amd64
  expect_status 0 "CNB build $name"
  expect_output "Rule 2, slugwright.yml mapping"
  run "$PYTHON" "$CNB_FILES" compare "$LAYERS" "$WORK/release-$name.yml"
  expect_status 0 "Fir processes equal Cedar's for $name"
  expect_same_file "$T/app/Procfile" "$cedar/Procfile"
  expect_same_file "$T/app/.slugwright/release.json" "$cedar/.slugwright/release.json"
  count=$((count + 1))
done
# The comparison itself notices a difference.
sed -i 's/^  web: /  web2: /' "$WORK/release-$name.yml"
run "$PYTHON" "$CNB_FILES" compare "$LAYERS" "$WORK/release-$name.yml"
expect_status 1 "compare with a renamed Cedar process"
expect_output "differ from Cedar's"
[[ $count -eq 14 ]] || fail "expected 14 mapped apps, found $count"
finish
