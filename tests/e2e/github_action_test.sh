#!/usr/bin/env bash
# The GitHub Action (action.yml, github-action/), its steps run as a runner
# runs them (tests/e2e/run_composite_action.py) in a clone with a pull
# request's branch: it downloads the release tarball from a loopback HTTP
# server this test starts, checks its SHA-256, and lints only the branch's
# migrations as annotations on their lines plus a Markdown job summary. A
# wrong checksum installs nothing; no base branch is a clear error.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"
PYTHON=/usr/bin/python3
"$PYTHON" -c 'import yaml' 2>/dev/null || {
  echo "FAIL: $PYTHON has no yaml module (Debian package python3-yaml; tools/install-deps test installs it)" >&2
  exit 1
}
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t \
  GIT_COMMITTER_EMAIL=t@example.com GIT_CONFIG_NOSYSTEM=1 HOME=$WORK

# The release asset, laid out as tools/make-dist writes it.
version=0.1.0
www=$WORK/www
mkdir -p "$www/slugwright-$version-linux-amd64"
cp "$SLUGWRIGHT_BIN" "$www/slugwright-$version-linux-amd64/slugwright"
tar -czf "$www/slugwright-$version-linux-amd64.tar.gz" -C "$www" "slugwright-$version-linux-amd64"
sha=$(sha256sum "$www/slugwright-$version-linux-amd64.tar.gz" | cut -d' ' -f1)
serve_directory "$www"
port=$HTTP_PORT
trap 'kill "$HTTP_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

# origin: main creates accounts; the pull request's branch widens a column
# of it in one file and indexes it safely in another.
git init -q -b main "$WORK/origin"
mkdir -p "$WORK/origin/migrations"
printf -- '-- migrate:up\nCREATE TABLE accounts (id int, amount int);\n' \
  >"$WORK/origin/migrations/20240101000000_create_accounts.sql"
git -C "$WORK/origin" add -A && git -C "$WORK/origin" commit -qm main
git clone -q "$WORK/origin" "$WORK/checkout"
git -C "$WORK/checkout" checkout -q -b feature
printf -- '-- migrate:up\n\nALTER TABLE accounts ALTER COLUMN amount TYPE bigint;\n' \
  >"$WORK/checkout/migrations/20240201000000_widen.sql"
printf -- '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY accounts_amount ON accounts (amount);\n' \
  >"$WORK/checkout/migrations/20240202000000_index.sql"
git -C "$WORK/checkout" add -A && git -C "$WORK/checkout" commit -qm feature

action() {
  mkdir -p "$WORK/runner-temp"
  run env -u SLUGWRIGHT_BIN RUNNER_TEMP="$WORK/runner-temp" GITHUB_STEP_SUMMARY="$WORK/summary.md" \
    GITHUB_BASE_REF=main "$PYTHON" "$ROOT/tests/e2e/run_composite_action.py" "$ROOT" "$WORK/checkout" "$@"
}

# A pull request into main: the widened column is annotated on its line.
action version=$version sha256="$sha" download-url="http://127.0.0.1:$port"
expect_status 1 "the action on a risky branch"
expect_output "Fetching http://127.0.0.1:$port/slugwright-$version-linux-amd64.tar.gz"
expect_output "slugwright $version"
expect_output "::error file=migrations/20240201000000_widen.sql,line=3,title=alter-column-type::ALTER TABLE accounts ALTER COLUMN amount TYPE bigint;"
expect_output "1 finding in 1 of 2 migrations"
checks=$((checks + 1))
[[ $output != *create_accounts* && $output != *20240202000000_index.sql,* ]] ||
  fail "only the branch's risky file is annotated: $output"
checks=$((checks + 1))
grep -q "alter-column-type" "$WORK/summary.md" && grep -q '^### slugwright migrate lint: 1 finding' "$WORK/summary.md" ||
  fail "the job summary has the Markdown table: $(cat "$WORK/summary.md")"
checks=$((checks + 1))
grep -q "slugwright-$version-amd64/slugwright-$version-linux-amd64" "$WORK/runner-temp/github_path" ||
  fail "the binary's directory is on GITHUB_PATH: $(cat "$WORK/runner-temp/github_path")"

# A checksum that is not the asset's: nothing is unpacked or put on PATH.
rm -rf "$WORK/runner-temp"
action version=$version sha256="${sha//?/0}" download-url="http://127.0.0.1:$port"
expect_status 2 "a wrong checksum"
expect_output "::error title=slugwright::slugwright-$version-linux-amd64.tar.gz has SHA-256 $sha, not the pinned"
checks=$((checks + 1))
[[ ! -s $WORK/runner-temp/github_path && ! -e $WORK/runner-temp/slugwright-$version-amd64 ]] ||
  fail "a wrong checksum installed something: $(ls -R "$WORK/runner-temp")"

# No checksum at all, and a push event (no base branch).
action version=$version download-url="http://127.0.0.1:$port"
expect_status 2 "no checksum"
expect_output "the sha256 input must be the 64 hex digits"
run env -u SLUGWRIGHT_BIN RUNNER_TEMP="$WORK/runner-temp" "$PYTHON" "$ROOT/tests/e2e/run_composite_action.py" \
  "$ROOT" "$WORK/checkout" version=$version sha256="$sha" download-url="http://127.0.0.1:$port"
expect_status 2 "no base branch"
expect_output "::error title=slugwright::no base branch to compare with"
finish
