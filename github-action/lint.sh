#!/usr/bin/env bash
# The action's second step (action.yml): `slugwright migrate lint
# --git-base origin/$SLUGWRIGHT_BASE --format github`, whose annotations
# GitHub shows on the pull request's lines, then the same findings as a
# Markdown table in the job summary ($GITHUB_STEP_SUMMARY). Exits as
# migrate lint does: 0 no findings, 1 findings, 2 a usage or input error.
set -euo pipefail

base=${SLUGWRIGHT_BASE:-}
if [[ -z $base ]]; then
  echo "::error title=slugwright::no base branch to compare with: set the action's base input (it defaults to the pull request's base branch, which a push event has none of)"
  exit 2
fi
# A remote-tracking branch when there is one (actions/checkout fetches the
# base as origin/<base>), otherwise the ref as given (a SHA, a tag).
ref=origin/$base
git rev-parse --verify --quiet "$ref^{commit}" >/dev/null || ref=$base

args=(migrate lint --git-base "$ref")
[[ -z ${SLUGWRIGHT_DIRECTORY:-} ]] || args+=(--dir "$SLUGWRIGHT_DIRECTORY")
read -r -a extra <<<"${SLUGWRIGHT_ARGS:-}"
args+=("${extra[@]}")

status=0
slugwright "${args[@]}" --format github || status=$?
if [[ -n ${GITHUB_STEP_SUMMARY:-} && $status -le 1 ]]; then
  slugwright "${args[@]}" --format markdown >>"$GITHUB_STEP_SUMMARY" || true
fi
exit "$status"
