#!/usr/bin/env bash
# Hostile input to bin/compile, table-driven: every case fails with exit 2,
# a clear message naming the file (and line where there is one), and leaves
# the app exactly as it was. Nothing from the input is ever executed.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

marker=$WORK/executed
# case_procfile NAME EXPECTED: the app's root Procfile is $WORK/input.
case_procfile() {
  local name=$1 expected=$2 app before
  app=$(mktemp -d "$WORK/app-XXXXXX")
  cp "$WORK/input" "$app/Procfile"
  before=$(snapshot "$app")
  run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir)"
  expect_status 2 "$name"
  expect_output "$expected" "$name"
  [[ "$(snapshot "$app")" == "$before" ]] || fail "$name: the app changed"
  [[ ${#output} -lt 4000 ]] || fail "$name: ${#output} bytes of output"
}

printf 'web: ok\nworker: caf\xc3\x28\n' >"$WORK/input"
case_procfile "invalid UTF-8" "Procfile:2: invalid UTF-8 at column 12"
printf 'web: ok\nwor\0ker: x\n' >"$WORK/input"
case_procfile "NUL byte" "Procfile:2: contains a NUL byte at column 4"
{ printf 'web: '; head -c 10485760 /dev/zero | tr '\0' 'x'; printf '\n'; } >"$WORK/input"
case_procfile "10 MB line" "Procfile \`Procfile\` cannot be read: larger than the limit of 1048576 bytes"
printf '# just\n\n# comments\n' >"$WORK/input"
case_procfile "only comments" "defines no process types"
: >"$WORK/input"
case_procfile "empty" "the Procfile is empty"
printf 'web: a\nworker: b\nweb: c\n' >"$WORK/input"
case_procfile "duplicate types" 'Procfile:3: `web: c`: process type `web` is already defined on line 1'
printf 'web: a\r\nweb : b\r\n' >"$WORK/input"
case_procfile "blank before the colon" "Procfile:2: \`web : b\`: blank between the process type and \`:\`: Cedar would run \`web\` as \`: b\`, Fir refuses the line"
printf 'web: a\n$(touch %s): b\n' "$marker" >"$WORK/input"
case_procfile "shell in a type name" "may only contain lowercase letters, digits and \`-\`"

# case_config NAME EXPECTED: slugwright.yml is $WORK/input, beside a valid
# Procfile, for app `web`.
case_config() {
  local name=$1 expected=$2 app before
  app=$(mktemp -d "$WORK/app-XXXXXX")
  cp "$WORK/input" "$app/slugwright.yml"
  printf 'web: ok\n' >"$app/Procfile"
  before=$(snapshot "$app")
  run "$ROOT/bin/compile" "$app" "$WORK/cache" "$(env_dir SLUGWRIGHT_APP=web)"
  expect_status 2 "$name"
  expect_output "$expected" "$name"
  [[ "$(snapshot "$app")" == "$before" ]] || fail "$name: the app changed"
  [[ ${#output} -lt 4000 ]] || fail "$name: ${#output} bytes of output"
}

printf 'apps:\n  - match: web\n    procfile: [Procfile]\n' >"$WORK/input"
case_config "wrong type" "slugwright.yml:3:15: \`procfile\` must be a string"
printf 'apps:\n  - match: web\n    procfile: Procfile\n    relase: {}\n' >"$WORK/input"
case_config "unknown key" "slugwright.yml:4:5: unknown key \`relase\`"
printf 'apps:\n  - match: web\n    procfile: Procfile\n    release:\n      lock_wait: forever\n' >"$WORK/input"
case_config "bad duration" "slugwright.yml:5:18: \`lock_wait\`: 'forever' is not a duration"
printf 'apps: [\n  {match: web\n' >"$WORK/input"
case_config "unterminated flow" "slugwright.yml:"
{ printf 'apps: '; head -c 200000 /dev/zero | tr '\0' '['; } >"$WORK/input"
case_config "deep flow nesting" "nested more than 32 levels deep"
{ printf 'apps:\n'; for i in $(seq 1 200); do printf '%*s- \n' $((i * 2)) ''; done; } >"$WORK/input"
case_config "deep block nesting" "nested more than 32 levels deep"
{
  printf 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
  prev=a
  for n in b c d e f g h i; do
    printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $n $n $prev $prev $prev $prev $prev $prev $prev $prev $prev
    prev=$n
  done
  printf 'apps: [{match: web, procfile: Procfile, release: {hooks: {before: *i}}}]\n'
} >"$WORK/input"
case_config "billion laughs" "unknown key \`a\`"
printf 'apps:\n  - match: web\n    procfile: Procfile\n    release:\n      table: "x; DROP TABLE users"\n' >"$WORK/input"
case_config "SQL in the table name" "\`table\` must be \`name\` or \`schema.name\`"
printf 'apps:\n  - match: web\n    procfile: ../../etc/passwd\n' >"$WORK/input"
case_config "procfile outside" "\`procfile\` must be a path inside the app"
printf 'apps:\n  - match: web\n    procfile: Procfile\n\xff\xfe\n' >"$WORK/input"
case_config "binary config" "slugwright.yml: not UTF-8 text"

# Config var values with shell metacharacters are data, never run.
app=$(app_copy single-procfile)
run "$ROOT/bin/compile" "$app" "$WORK/cache" \
  "$(env_dir "SLUGWRIGHT_APP=web\$(touch $marker)" "PROCFILE_APPEND=\`touch $marker\`" "EVIL=\$(touch $marker)")"
expect_status 2 "metacharacters in config vars"
[[ ! -e "$marker" ]] || fail "input was executed"
finish
