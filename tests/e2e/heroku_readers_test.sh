#!/usr/bin/env bash
# What Heroku runs is what slugwright validated. Table-driven: each Procfile
# construct goes through bin/compile, bin/release and `procfile check
# --json`, and the Procfile the build writes is read again by two readers
# written here independently of the C++ ones: Cedar's line regex (in perl,
# from heroku/buildpacks-procfile SPEC.md) and Fir's key/value rules (in
# python, from the same SPEC.md and src/procfile.rs). Both must give
# exactly the table `procfile check --json` printed. Then the layouts
# heroku-buildpack-multi-procfile accepts, with no config change.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

# cedar FILE: "name<TAB>command" lines as Cedar reads FILE, sorted.
cedar() {
  perl -e 'local $/; $_ = <>; s/\r\n?/\n/g; my %t;
    for (split /\n/) { $t{$1} = $2 if /^[[:space:]]*([a-zA-Z0-9_-]+):?\s+(.*)/ }
    print "$_\t$t{$_}\n" for sort keys %t' "$1"
}
# fir FILE: the same as the heroku/procfile CNB reads FILE; exits 1 when it
# refuses the file or would rewrite a key (a warning).
fir() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
table = {}
for line in re.split(r"\r?\n", text):
    if re.fullmatch(r"[ \t]*(#.*)?", line):
        continue
    m = re.fullmatch(r"([a-z0-9]|[a-z0-9][a-z0-9-]{0,61}[a-z0-9]):[ \t]*(\S.*)", line)
    if not m:
        sys.exit("fir: refuses or rewrites: " + line)
    table[m.group(1)] = m.group(2)
for k in sorted(table):
    print(k + "\t" + table[k])
PY
}
# table_of_json: the "name<TAB>command" lines of procfile check --json.
table_of_json() {
  python3 -c 'import json,sys
for p in sorted(json.load(sys.stdin)["processes"], key=lambda p: p["type"]): print(p["type"] + "\t" + p["command"])'
}

# accepted NAME PRINTF-TEXT [WARNING]: compiles, and both readers of the
# written Procfile agree with the validated table.
accepted() {
  local name=$1 text=$2 warning=${3:-} app table
  app=$(mktemp -d "$WORK/app-XXXXXX")
  # shellcheck disable=SC2059  # the case's text is a printf format on purpose
  printf "$text" >"$app/Procfile"
  run "$SLUGWRIGHT_BIN" procfile check --json "$app/Procfile"
  expect_status 0 "$name: procfile check"
  table=$(printf '%s' "$output" | table_of_json)
  [[ -n $warning ]] && expect_output "$warning" "$name: check --json warnings"
  run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir)"
  expect_status 0 "$name: compile"
  [[ -n $warning ]] && expect_output "$warning" "$name: compile warning"
  checks=$((checks + 2))
  [[ "$(cedar "$app/Procfile")" == "$table" ]] || fail "$name: Cedar reads $(cedar "$app/Procfile") where slugwright validated $table"
  [[ "$(fir "$app/Procfile" 2>&1)" == "$table" ]] || fail "$name: Fir reads $(fir "$app/Procfile" 2>&1) where slugwright validated $table"
  LC_ALL=C grep -q $'\r' "$app/Procfile" && fail "$name: a CR in the written Procfile"
  [[ "$(head -c 3 "$app/Procfile")" == $'\xef\xbb\xbf' ]] && fail "$name: a BOM in the written Procfile"
  run "$ROOT/bin/release" "$app"
  expect_status 0 "$name: release"
  while IFS=$'\t' read -r type _; do
    expect_output "$type:" "$name: bin/release lists $type"
  done <<<"$table"
}

# refused NAME PRINTF-TEXT MESSAGE [PLATFORM]: exit 2 from compile and
# check, the message, and the app unchanged. PLATFORM `both`: with
# SLUGWRIGHT_PROCFILE_CHECK=both and `procfile check --platform both`.
refused() {
  local name=$1 text=$2 message=$3 platform=${4:-cedar} app before
  local config=() check=()
  if [[ $platform == both ]]; then
    config=(SLUGWRIGHT_PROCFILE_CHECK=both)
    check=(--platform both)
  fi
  app=$(mktemp -d "$WORK/app-XXXXXX")
  # shellcheck disable=SC2059  # the case's text is a printf format on purpose
  printf "$text" >"$app/Procfile"
  before=$(snapshot "$app")
  run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir "${config[@]}")"
  expect_status 2 "$name: compile"
  expect_output "$message" "$name: compile"
  [[ "$(snapshot "$app")" == "$before" ]] || fail "$name: the app changed"
  run "$SLUGWRIGHT_BIN" procfile check "${check[@]}" "$app/Procfile"
  expect_status 2 "$name: check"
  expect_output "$message" "$name: check"
}

# cedar_only NAME PRINTF-TEXT WARNING: a name Cedar runs and Fir would
# rename or refuse. bin/compile ships it as written, with WARNING; Cedar's
# reader of the written Procfile gives the validated table; Fir's would
# not (so the warning is true); bin/release lists the name as written.
cedar_only() {
  local name=$1 text=$2 warning=$3 app table
  app=$(mktemp -d "$WORK/app-XXXXXX")
  # shellcheck disable=SC2059  # the case's text is a printf format on purpose
  printf "$text" >"$app/Procfile"
  run "$SLUGWRIGHT_BIN" procfile check --json "$app/Procfile"
  expect_status 0 "$name: procfile check"
  table=$(printf '%s' "$output" | table_of_json)
  run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir)"
  expect_status 0 "$name: compile"
  expect_output "$warning" "$name: compile warning"
  checks=$((checks + 2))
  [[ "$(cedar "$app/Procfile")" == "$table" ]] || fail "$name: Cedar reads $(cedar "$app/Procfile") where slugwright validated $table"
  fir "$app/Procfile" >/dev/null 2>&1 && fail "$name: Fir reads it as written, so the warning is wrong"
  run "$ROOT/bin/release" "$app"
  expect_status 0 "$name: release"
  while IFS=$'\t' read -r type _; do
    expect_output "$type:" "$name: bin/release lists $type"
  done <<<"$table"
}

accepted "canonical" 'web: npm start\nworker: node w.js\n'
accepted "no blank after the colon" 'web:bundle exec puma\n' "no blank after \`:\`: Cedar would drop this line"
accepted "BOM and CRLF" '\xef\xbb\xbfweb: a\r\nworker: b\r\n' "byte-order mark"
accepted "lone CR line ends" 'web: a\rworker: b\r' "lone carriage return"
accepted "indented type" 'web: a\n  worker: b\n' "starts with blanks"
accepted "tab after the colon" 'web:\tnode a.js\n'
accepted "Common's style" 'web: cd packages/commonwealth && NODE_OPTIONS=--max-old-space-size=$(node ./scripts/get-max-old-space-size.mjs) node --enable-source-maps ./build/server.js\nrelease: cd packages/commonwealth && npx sequelize-cli db:migrate --config server/sequelize.json && node ./scripts/purge-cdn.js\nconsumer: cd packages/commonwealth && X=1 node --import=extensionless/register ./build/consumer.js\n'
accepted "colons and hashes in commands" 'web: echo "a: b" '"'"'c # d'"'"' # trailing\n'

refused "no colon" 'web: a\nworker npm start\n' "Cedar would run \`worker\` as \`npm start\`, Fir refuses the line"
refused "blank before the colon" 'web : x\n' "Cedar would run \`web\` as \`: x\`, Fir refuses the line"
refused "duplicate" 'web: a\nweb: b\n' "Cedar would use only the last one"

# Names Cedar runs as written: bin/compile keeps them (issue 23, item 5),
# SLUGWRIGHT_PROCFILE_CHECK=both refuses them.
cedar_only "underscore" 'clock_worker: x\n' "Fir would rename it \`clock-worker\`"
cedar_only "upper case" 'Web: x\n' "Fir would rename it \`web\`"
cedar_only "dash at the end" 'web-: x\n' "Fir would refuse the Procfile: it starts or ends with \`-\`"
cedar_only "64 characters" "$(printf 'w%.0s' {1..64}): x\n" "Fir would refuse the Procfile: it is 64 characters"
refused "underscore, for both" 'clock_worker: x\n' "Cedar runs it as \`clock_worker\`, but Fir renames it \`clock-worker\`" both
refused "upper case, for both" 'Web: x\n' "Fir renames it \`web\`" both
refused "dash at the end, for both" 'web-: x\n' "Cedar accepts it, Fir refuses the Procfile" both

# Switching from heroku-buildpack-multi-procfile: detect accepts what it
# accepts, PROCFILE points at dotted or nested names, app.json follows.
app=$(app_copy procfile-dotted)
run "$ROOT/bin/detect" "$app"
expect_status 0 "detect with only Procfile.web and deploy/worker.procfile"
run "$ROOT/bin/compile" "$app" "$WORK/c-dotted" "$(env_dir PROCFILE=Procfile.web PROCFILE_APPEND=deploy/worker.procfile)"
expect_status 0 "compile PROCFILE=Procfile.web"
run "$ROOT/bin/release" "$app"
expect_output "worker: \"node worker.js\"" "appended type reaches bin/release"
app=$(app_copy procfile-dotted)
run "$ROOT/bin/compile" "$app" "$WORK/c-dotted2" "$(env_dir PROCFILE=deploy/worker.procfile)"
expect_status 0 "compile PROCFILE=deploy/worker.procfile"
expect_output "Copying deploy/app.json to app.json"
expect_same_file "$app/app.json" "$FIXTURES/procfile-dotted/deploy/app.json"
# Without PROCFILE there is nothing to select: the build says how to choose.
app=$(app_copy procfile-dotted)
run "$ROOT/bin/compile" "$app" "$WORK/c-dotted3" "$(env_dir)"
expect_status 2 "compile without PROCFILE"
expect_output "deploy/worker.procfile"
expect_output "heroku config:set PROCFILE="
# PROCFILE_APPEND without PROCFILE is refused, not dropped.
app=$(app_copy procfile-dotted)
run "$ROOT/bin/compile" "$app" "$WORK/c-dotted4" "$(env_dir PROCFILE_APPEND=deploy/worker.procfile)"
expect_status 2 "PROCFILE_APPEND alone"
expect_output "PROCFILE_APPEND is set (deploy/worker.procfile) but PROCFILE is not"
expect_output "heroku config:set PROCFILE=Procfile.web"

finish
