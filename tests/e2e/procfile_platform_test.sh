#!/usr/bin/env bash
# Issue 23, items 5 and 11: a Procfile is read as the platform that builds
# it. bin/compile (Cedar) runs `job_runner:`, `Worker:`, `-key:` and
# 64-character names as written, warning what Fir would do;
# SLUGWRIGHT_PROCFILE_CHECK=both refuses them as before. `procfile check`
# reads as Cedar by default, --platform picks. CRLF line ends are warned
# about. (bin/build's Fir reading: tests/cnb/procfile_names_test.sh.)
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

long_name=$(printf 'w%.0s' {1..64})
cedar_procfile="web: npm start
job_runner: node jobs.js
Worker: node worker.js
-key: node key.js
$long_name: node long.js
"

# bin/compile: the Procfile reaches the slug as written.
app=$(app_copy single-procfile)
printf '%s' "$cedar_procfile" >"$app/Procfile"
cp "$app/Procfile" "$WORK/written-procfile"
run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir)"
expect_status 0 "bin/compile of a Procfile Cedar runs"
expect_same_file "$app/Procfile" "$WORK/written-procfile"
expect_output "Read as Cedar runs it (SLUGWRIGHT_PROCFILE_CHECK=both also holds it to Fir's rules)"
expect_output " !     Procfile:2: \`job_runner: node jobs.js\`: process type \`job_runner\` kept as Cedar runs it; Fir would rename it \`job-runner\`"
expect_output "process type \`Worker\` kept as Cedar runs it; Fir would rename it \`worker\`"
expect_output "process type \`-key\` kept as Cedar runs it; Fir would refuse the Procfile: it starts or ends with \`-\`"
expect_output "Fir would refuse the Procfile: it is 64 characters and Fir allows at most 63"
run "$ROOT/bin/release" "$app"
expect_status 0 "bin/release of that Procfile"
expect_output 'job_runner: "node jobs.js"'
expect_output 'Worker: "node worker.js"'

# Teams preparing to move to Fir opt into the strict reading.
app=$(app_copy single-procfile)
printf '%s' "$cedar_procfile" >"$app/Procfile"
run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir SLUGWRIGHT_PROCFILE_CHECK=both)"
expect_status 2 "bin/compile with SLUGWRIGHT_PROCFILE_CHECK=both"
expect_output "Procfile:2: \`job_runner: node jobs.js\`: process type \`job_runner\`: Cedar runs it as \`job_runner\`, but Fir renames it \`job-runner\`"
expect_same_file "$app/Procfile" "$WORK/written-procfile"
run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir SLUGWRIGHT_PROCFILE_CHECK=fir)"
expect_status 2 "bin/compile with SLUGWRIGHT_PROCFILE_CHECK=fir"
expect_output "SLUGWRIGHT_PROCFILE_CHECK is \`fir\`; expected \`both\`"

# procfile check: Cedar by default, like bin/compile.
printf '%s' "$cedar_procfile" >"$WORK/Procfile"
run "$SLUGWRIGHT_BIN" procfile check "$WORK/Procfile"
expect_status 0 "procfile check (Cedar)"
expect_output "5 process type(s), valid for Cedar"
expect_output "Fir would rename it \`job-runner\`"
run "$SLUGWRIGHT_BIN" procfile check --platform both "$WORK/Procfile"
expect_status 2 "procfile check --platform both"
expect_output "but Fir renames it \`job-runner\`"
printf 'web: npm start\njob_runner: node jobs.js\nWorker: node worker.js\n' >"$WORK/Procfile.fir"
run "$SLUGWRIGHT_BIN" procfile check --platform fir --json "$WORK/Procfile.fir"
expect_status 0 "procfile check --platform fir"
expect_output '{"platform":"fir","processes":[{"command":"npm start","type":"web"},{"command":"node jobs.js","type":"job-runner"},{"command":"node worker.js","type":"worker"}]'
expect_output "Fir renames it \`job-runner\`, as heroku/procfile does"
run "$SLUGWRIGHT_BIN" procfile check --platform fir "$WORK/Procfile"
expect_status 2 "procfile check --platform fir of a name Fir refuses"
expect_output "process type \`-key\`: Fir refuses the Procfile"
run "$SLUGWRIGHT_BIN" procfile check --platform heroku "$WORK/Procfile"
expect_status 2 "procfile check --platform with an unknown platform"

# Item 11: CRLF line ends are accepted with the warning the README promises.
app=$(app_copy single-procfile)
printf 'web: npm start\r\nworker: node w.js\r\n' >"$app/Procfile"
run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir)"
expect_status 0 "bin/compile of a CRLF Procfile"
expect_output " !     Procfile:1: ends with CRLF (Windows) line ends; written with LF line ends"
printf 'web: npm start\nworker: node w.js\n' >"$WORK/lf"
expect_same_file "$app/Procfile" "$WORK/lf"

finish
