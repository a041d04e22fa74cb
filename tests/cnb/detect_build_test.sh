#!/usr/bin/env bash
# The CNB contract of bin/detect and bin/build, played as the lifecycle does
# (tests/cnb/lib.sh): exit codes, the files written, the architecture check,
# a rebuild from the cache layer, and the classic contract of the same
# bin/detect.
# shellcheck source=tests/cnb/lib.sh
source "$(dirname "$0")/lib.sh"

version=$("$SLUGWRIGHT_BIN" --version)
[[ "$version" == "slugwright $BP_VERSION "* ]] ||
  fail "buildpack.toml version $BP_VERSION differs from \`slugwright --version\`: $version"
[[ "$BP_ID" == slugwright/monorepo && "$BP_CLEAR_ENV" == true ]] ||
  fail "buildpack.toml: id $BP_ID, clear-env $BP_CLEAR_ENV"

# Detect: 0 pass, 100 fail, with an empty plan either way.
for fixture in single-procfile common-monorepo multi-procfile procfile-dotted; do
  cnb_layout "$fixture"
  cnb_detect
  expect_status 0 "CNB detect $fixture"
  [[ ! -s "$T/detect-plan.toml" ]] || fail "detect $fixture wrote a plan"
done
cnb_layout no-procfile
cnb_detect
expect_status 100 "CNB detect no-procfile"
cnb_layout no-procfile PROCFILE=package.json
cnb_detect
expect_status 0 "CNB detect with PROCFILE in the platform env"
# The same script, classic contract: BUILD_DIR, exit 0/1.
run env -i PATH="$BASE_PATH" "$BP/bin/detect" "$FIXTURES/single-procfile"
expect_status 0 "classic detect single-procfile"
expect_output slugwright
run env -i PATH="$BASE_PATH" "$BP/bin/detect" "$FIXTURES/no-procfile"
expect_status 1 "classic detect no-procfile"

# Build: Procfile, release settings, launch layer, launch.toml, cache layer.
cnb_layout multi-procfile PROCFILE=web/Procfile PROCFILE_APPEND=workers/Procfile.workers
cnb_detect
expect_status 0 "detect multi-procfile"
cnb_build amd64
expect_status 0 "CNB build multi-procfile"
expect_output "Rule 1, PROCFILE config var"
expect_output "Writing launch.toml: 4 process types"
expect_output "No earlier build in the cache layer"
[[ -x "$LAYERS/slugwright/bin/slugwright" ]] || fail "no runner in the launch layer"
cmp -s "$LAYERS/slugwright/bin/slugwright" "$SLUGWRIGHT_BIN" || fail "runner differs from the binary"
[[ -f "$T/app/.slugwright/release.json" ]] || fail "no .slugwright/release.json in the app"
[[ ! -e "$T/app/.profile.d" ]] || fail ".profile.d written on CNB"
[[ ! -e "$T/app/.slugwright/migrations.manifest" ]] || fail "a migrations manifest without a release phase"
run "$PYTHON" -c 'import sys, tomllib; d = tomllib.load(open(sys.argv[1], "rb"))
print(" ".join(p["type"] + ("*" if p.get("default") else "") for p in d["processes"]))' \
  "$LAYERS/launch.toml"
expect_output "web* release worker mailer"

# The runner is on PATH in every launch process; release settings found
# from the app directory, where processes start.
run env -C "$T/app" -i PATH="$LAYERS/slugwright/bin:$BASE_PATH" bash -c \
  'command -v slugwright && slugwright --version'
expect_status 0 "slugwright on PATH from the launch layer"
expect_output "$LAYERS/slugwright/bin/slugwright"

# Rebuild as the lifecycle does: cache layer restored without [types], the
# rest dropped. The report compares with the cached process types.
cnb_restore
[[ ! -e "$LAYERS/launch.toml" && ! -e "$LAYERS/slugwright" && -d "$LAYERS/slugwright-cache" ]] ||
  fail "restore kept the wrong layers"
printf 'web: node web/server.js --port $PORT --fast\nclock: node clock.js\n' >"$T/app/web/Procfile"
rm "$T/platform/env/PROCFILE_APPEND"
cnb_build amd64
expect_status 0 "CNB rebuild"
expect_output "Since the last build: added clock; removed mailer, release, worker; changed web"
grep -q '^cache = true' "$LAYERS/slugwright-cache.toml" || fail "cache layer [types] not set again"

# The spec's older form: positional arguments only, no CNB_* variables.
cnb_layout single-procfile
run env -C "$T/app" -i PATH="$BASE_PATH" HOME="$T/home" \
  "$BP/bin/detect" "$T/platform" "$T/detect-plan.toml"
expect_status 0 "CNB detect with positional arguments only"
run env -C "$T/app" -i PATH="$BASE_PATH" HOME="$T/home" \
  "$BP/bin/build" "$LAYERS" "$T/platform" "$T/bp-plan.toml"
expect_status 0 "CNB build with positional arguments only"
run "$PYTHON" "$CNB_FILES" layers "$LAYERS"
expect_status 0 "the layers' TOML files after a positional build"
[[ -f "$LAYERS/launch.toml" ]] || fail "no launch.toml from a positional build"

# An architecture without a binary: a clear refusal, nothing written.
other=arm64
[[ $(uname -m) == aarch64 ]] && other=amd64
cnb_layout single-procfile
cnb_build "$other"
expect_status 1 "CNB build for linux/$other"
expect_output "no slugwright binary for linux/$other (CNB_TARGET_ARCH=$other)"
[[ -z "$(ls -A "$LAYERS")" ]] || fail "the refused build wrote layers: $(ls -A "$LAYERS")"
expect_same_file "$T/app/Procfile" "$FIXTURES/single-procfile/Procfile"

# An invalid Procfile fails the build (non-zero), app and layers untouched.
cnb_layout broken-procfile
cnb_build amd64
expect_status 2 "CNB build broken-procfile"
expect_output "Build failed; the app's files were left unchanged."
[[ -z "$(ls -A "$LAYERS")" ]] || fail "the failed build wrote layers"
# The release runs slugwright on the app's migrations: the build writes
# their manifest beside release.json, as bin/compile does.
cnb_layout common-monorepo SLUGWRIGHT_APP=commonwealth-beta
cnb_detect
cnb_build amd64
expect_status 0 "CNB build common-monorepo"
[[ $(grep -c '^2024' "$T/app/.slugwright/migrations.manifest") -eq 7 ]] \
  || fail "no manifest of the 7 migrations: $(cat "$T/app/.slugwright/migrations.manifest")"
finish
