#!/usr/bin/env bash
# Issue 23, items 5 and 10 on Heroku Fir: bin/build reads the Procfile as
# heroku/procfile does (upper case and `_` renamed with its warning, what
# it cannot rename refused), writes what it read, and fails a build whose
# migrations the release phase would refuse, as bin/compile does
# (tests/e2e/procfile_platform_test.sh, tests/e2e/build_checks_migrations_test.sh).
# shellcheck source=tests/cnb/lib.sh
source "$(dirname "$0")/lib.sh"

# Renamed as heroku/procfile renames them, in launch.toml and the Procfile.
cnb_layout single-procfile
printf 'web: npm start\njob_runner: node jobs.js\nWorker: node worker.js\n' >"$T/app/Procfile"
cnb_build
expect_status 0 "CNB build of names Fir renames"
expect_output "Read as Fir (heroku/procfile) runs it"
expect_output "process type \`job_runner\`: Fir renames it \`job-runner\`, as heroku/procfile does"
expect_output "process type \`Worker\`: Fir renames it \`worker\`"
run "$PYTHON" -c 'import sys, tomllib; d = tomllib.load(open(sys.argv[1], "rb"))
print(" ".join(p["type"] for p in d["processes"]))' "$LAYERS/launch.toml"
expect_output "web job-runner worker"
printf 'web: npm start\njob-runner: node jobs.js\nworker: node worker.js\n' >"$WORK/fir-procfile"
expect_same_file "$T/app/Procfile" "$WORK/fir-procfile"

# A name Fir refuses fails the build, nothing written.
cnb_layout single-procfile
printf 'web: npm start\n-key: node key.js\n' >"$T/app/Procfile"
cnb_build
expect_status 2 "CNB build of a name Fir refuses"
expect_output "process type \`-key\`: Fir refuses the Procfile"
[[ -z "$(ls -A "$LAYERS")" ]] || fail "the failed build wrote layers"

# SLUGWRIGHT_PROCFILE_CHECK=both: today's strictness on Fir too.
cnb_layout single-procfile SLUGWRIGHT_PROCFILE_CHECK=both
printf 'web: npm start\njob_runner: node jobs.js\n' >"$T/app/Procfile"
cnb_build
expect_status 2 "CNB build with SLUGWRIGHT_PROCFILE_CHECK=both"
expect_output "but Fir renames it \`job-runner\`; name it \`job-runner\`"

# A migration the release phase would refuse fails the build.
cnb_layout common-monorepo SLUGWRIGHT_APP=commonwealth-beta
printf -- '-- migrate:up\nCREATE INDEX CONCURRENTLY t ON threads (title);\n' \
  >"$T/app/packages/commonwealth/migrations/20240301000000_index.sql"
cnb_build
expect_status 2 "CNB build with a migration the release would refuse"
expect_output " !     packages/commonwealth/migrations/20240301000000_index.sql:2:"
[[ -z "$(ls -A "$LAYERS")" ]] || fail "the failed build wrote layers"

finish
