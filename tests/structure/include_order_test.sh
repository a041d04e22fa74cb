#!/usr/bin/env bash
# Every C++ file's #include lines in the order .clang-format gives them:
# the file's own header, C/POSIX headers, C++ and library headers, then
# slugwright's own, each group sorted. Only the includes are compared, so
# the check asks nothing else of the formatting. Fails naming each file and
# the command that fixes it.
set -euo pipefail
root=${SLUGWRIGHT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$root"
command -v clang-format >/dev/null || { echo "include order: clang-format is not installed (tools/install-deps test)" >&2; exit 1; }

failures=0
while IFS= read -r -d '' file; do
  if ! diff -q <(grep '^#include' "$file") \
      <(clang-format --style=file "$file" | grep '^#include') >/dev/null; then
    echo "include order: $file (fix: tools/sort-includes $file)" >&2
    diff <(grep '^#include' "$file") <(clang-format --style=file "$file" | grep '^#include') |
      sed 's/^/    /' | head -6 >&2
    failures=$((failures + 1))
  fi
done < <(find src tests/fuzz tests/bench -name '*.h' -o -name '*.cc' -o -name '*.c' | sort | tr '\n' '\0')

if ((failures)); then
  echo "include order: $failures file(s) out of order" >&2
  exit 1
fi
echo "include order: every file's includes are in .clang-format's order"
