#!/usr/bin/env bash
# bin/simulate --cnb builds a user's app as Heroku Fir would, with the
# harness's own lifecycle player (tests/cnb/lifecycle.sh): the launch.toml
# processes equal the Cedar simulation's, --release runs the `release`
# process against a throwaway or a given PostgreSQL, and failures keep the
# lifecycle's exit codes. For linux/$CNB_ARCH (cnb.simulate_cnb_test_arm64:
# --arch arm64 with the cross-built binary, under qemu).
# shellcheck source=tests/cnb/lib.sh
source "$(dirname "$0")/lib.sh"

arch_flags=(--cnb --arch "$CNB_ARCH")
[[ "$CNB_ARCH" == arm64 ]] && arch_flags+=(--arm64-binary "$ARM64_BIN")
# launch.toml's processes from a simulation's summary, as Cedar's summary
# lists them (no default mark).
summary_processes() {
  sed -n 's/^         \([a-z0-9-]*: .*\)$/\1/p' <<<"$1" |
    sed 's/ (default)$//' | sort -u
}

before=$(snapshot "$FIXTURES/common-monorepo")
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --dyno-metadata "${arch_flags[@]}"
expect_status 0 "simulate --cnb commonwealth-beta"
expect_output "Simulating a Heroku Fir (Cloud Native Buildpack) build of $FIXTURES/common-monorepo as app commonwealth-beta for linux/$CNB_ARCH"
expect_output "-----> bin/detect passed"
expect_output "Writing launch.toml: 4 process types"
expect_output "launch.toml processes:"
expect_output "  web: node --import=extensionless/register --enable-source-maps ./packages/commonwealth/build/server.js (default)"
expect_output "  release: slugwright release"
expect_output "Layout:   removed"
fir=$(summary_processes "$output")
[[ "$(snapshot "$FIXTURES/common-monorepo")" == "$before" ]] || fail "simulate --cnb changed the fixture"

# The same processes as the Cedar simulation of the same app.
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --dyno-metadata
expect_status 0 "simulate (Cedar) commonwealth-beta"
cedar=$(sed -n '/^-----> Summary/,$p' <<<"$output" | sed -n 's/^         \([a-z0-9-]*: .*\)$/\1/p' | sort -u)
checks=$((checks + 1))
[[ -n "$fir" && "$fir" == "$cedar" ]] || fail "Fir processes [$fir] differ from Cedar's [$cedar]"

# --release: the `release` process from the launch layer, throwaway cluster.
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --dyno-metadata "${arch_flags[@]}" --release
expect_status 0 "simulate --cnb --release"
expect_output "Running the release phase (the \`release\` process)"
expect_output "Starting a throwaway PostgreSQL cluster"
expect_output "[before] environment ok for commonwealth-beta (release v1)"
expect_output "Applied 7 migrations"
expect_output "Release phase succeeded"

# A given database keeps its history between simulations.
start_postgres || { finish; exit 1; }
for attempt in first second; do
  run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-frick --dyno-metadata "${arch_flags[@]}" \
    --release --database-url "$DATABASE_URL"
  expect_status 0 "simulate --cnb --release --database-url ($attempt)"
  expect_no_output "throwaway"
done
expect_output "7 migrations applied, none pending"

# An app without a release process: nothing to run.
run "$ROOT/bin/simulate" "$FIXTURES/single-procfile" "${arch_flags[@]}" --release --keep
expect_status 0 "simulate --cnb --release single-procfile"
expect_output "launch.toml has no \`release\` process; nothing to run"
layout=$(sed -n 's/^       Layout:   \(.*\) (kept)$/\1/p' <<<"$output")
[[ -f "$layout/layers/slugwright_monorepo/launch.toml" ]] || fail "--keep did not keep the layout ($layout)"
rm -rf "$(dirname "$layout")"

# Failures keep the lifecycle's exit codes.
run "$ROOT/bin/simulate" "$FIXTURES/no-procfile" "${arch_flags[@]}"
expect_status 100 "simulate --cnb no-procfile"
expect_output "bin/detect declined the app (exit 100)"
run "$ROOT/bin/simulate" "$FIXTURES/broken-procfile" "${arch_flags[@]}"
expect_status 2 "simulate --cnb broken-procfile"
expect_output "bin/build failed (exit 2)"
run "$ROOT/bin/simulate" "$FIXTURES/single-procfile" --arch arm64
expect_status 2 "--arch without --cnb"
expect_output "--arch and --arm64-binary need --cnb"
run "$ROOT/bin/simulate" "$FIXTURES/single-procfile" --cnb --arch riscv64
expect_status 2 "--cnb --arch riscv64"
if [[ $(machine_arch) == amd64 ]]; then
  run "$ROOT/bin/simulate" "$FIXTURES/single-procfile" --cnb --arch arm64
  expect_status 2 "--cnb --arch arm64 without a binary"
  expect_output "needs --arm64-binary PATH"
fi
finish
