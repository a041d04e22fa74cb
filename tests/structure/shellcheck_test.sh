#!/usr/bin/env bash
# Every shell script of the tree passes Debian's shellcheck at severity
# warning and above: bin/*, lib/*, tools/*, github-action/*.sh, the npm
# launcher, tests/**/*.sh, tests/run,
# tests/fuzz/run, tests/bench/run and .ci/run. Runs from the source root with
# -x, so that `# shellcheck source=PATH` directives (relative to the root)
# let it follow what the scripts source. Fails listing every finding.
# A `# shellcheck disable=` directive must say why on the same line.
set -euo pipefail
root=${SLUGWRIGHT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$root"

if ! command -v shellcheck >/dev/null; then
  echo "shellcheck: not installed (Debian package shellcheck; tools/install-deps test installs it)" >&2
  exit 1
fi

shopt -s globstar nullglob
scripts=(bin/* lib/* tools/* github-action/*.sh packaging/npm/slugwright/bin/slugwright tests/run tests/fuzz/run tests/bench/run .ci/run)
for script in tests/**/*.sh; do
  # tests/bench/tools/ and tests/bench/work/ hold what the benchmarks
  # install and write (git-ignored), not this project's scripts.
  [[ $script == tests/bench/tools/* || $script == tests/bench/work/* ]] || scripts+=("$script")
done
for script in "${scripts[@]}"; do
  [[ -f $script ]] || { echo "shellcheck: $script is missing" >&2; exit 1; }
done

# Every disable directive carries its reason: `disable=SC1234  # why`.
if unexplained=$(grep -Hn '^[[:space:]]*# *shellcheck disable=' "${scripts[@]}" |
                 grep -v 'disable=[A-Z0-9,]* *# *[^ ]'); then
  echo "shellcheck: a disable directive without a reason (add \"# why\" after it):" >&2
  echo "$unexplained" >&2
  exit 1
fi

if ! shellcheck --version | sed -n 's/^version: /shellcheck: version /p'; then
  echo "shellcheck: cannot run shellcheck" >&2
  exit 1
fi
if ! shellcheck --external-sources --severity=warning "${scripts[@]}"; then
  echo "shellcheck: findings above in ${#scripts[@]} scripts" >&2
  exit 1
fi
echo "shellcheck: ${#scripts[@]} scripts, no findings at severity warning or above"
