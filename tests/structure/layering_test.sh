#!/usr/bin/env bash
# The tree's architecture, checked from the includes: every folder of src/
# includes only itself and the folders below it,
#   cli -> {buildpack, rehearse} -> postgres -> {lint, tools, ledger} -> migrate -> sql -> base
# tests (*_test.cc) may also include testing/, and only src/postgres/
# includes libpq or libpqxx. The folders that decide (below) return facts
# and word nothing: they do not include base/console.h, which only the
# layers that talk to people (cli/, and the buildpack's build output) use.
# Fails naming each offending line.
set -euo pipefail
root=${SLUGWRIGHT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$root/src"

# What each folder may include besides itself.
declare -A allowed=(
  [base]=""
  [sql]="base"
  [migrate]="base sql"
  [lint]="base sql migrate"
  [tools]="base sql migrate"
  [ledger]="base sql migrate"
  [postgres]="base sql migrate lint tools ledger"
  [buildpack]="base sql migrate lint tools ledger postgres"
  [rehearse]="base sql migrate lint tools ledger postgres"
  [cli]="base sql migrate lint tools ledger postgres buildpack rehearse"
  [testing]="base sql migrate lint tools ledger postgres buildpack rehearse cli"
)

# Folders whose production code must not print (no base/console.h).
console_free=" sql migrate lint tools ledger postgres rehearse "

failures=0
fail() { echo "layering: $*" >&2; failures=$((failures + 1)); }

for dir in */; do
  dir=${dir%/}
  [[ -v "allowed[$dir]" ]] || { fail "src/$dir/ is not a known subsystem (add it to tests/structure/layering_test.sh)"; continue; }
done
for file in *.h *.cc; do
  [[ -e $file ]] && fail "src/$file sits outside every subsystem folder"
done

while IFS= read -r -d '' file; do
  dir=${file%%/*}
  ok=" $dir ${allowed[$dir]:-} "
  [[ $file == *_test.cc ]] && ok+=" testing "
  line_number=0
  while IFS= read -r line; do
    line_number=$((line_number + 1))
    [[ $line == '#include'* ]] || continue
    if [[ $line =~ ^#include\ *\"([a-z_]+)/ ]]; then
      included=${BASH_REMATCH[1]}
      [[ $ok == *" $included "* ]] ||
        fail "src/$file:$line_number: $line (src/$dir/ may include only: ${ok# })"
    elif [[ $line =~ ^#include\ *\" ]]; then
      fail "src/$file:$line_number: $line (include with its folder: \"folder/name.h\")"
    fi
    if [[ $file != *_test.cc && $console_free == *" $dir "* && $line == '#include "base/console.h"'* ]]; then
      fail "src/$file:$line_number: $line (src/$dir/ returns facts; cli/ words them)"
    fi
    if [[ $dir != postgres && $line =~ ^#include\ *[\<\"](pqxx/|libpq) ]]; then
      fail "src/$file:$line_number: $line (only src/postgres/ talks to libpq/libpqxx)"
    fi
  done <"$file"
done < <(find . -name '*.h' -o -name '*.cc' | sed 's|^\./||' | sort | tr '\n' '\0')

if ((failures)); then
  echo "layering: $failures violation(s)" >&2
  exit 1
fi
echo "layering: every include points down, libpq stays in src/postgres/"
