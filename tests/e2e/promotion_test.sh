#!/usr/bin/env bash
# Pipeline promotion, as Heroku does it: the slug built for one app is
# released on the next without a rebuild. The release phase must use the
# releasing app's settings from the slug's own slugwright.yml, say so, and
# warn (or, with SLUGWRIGHT_PROMOTED_PROCFILE=refuse, refuse) when that
# app's mapping would have chosen another Procfile. bin/simulate also moves
# the slug away from where it was built, as Heroku runs it in /app.
# shellcheck source=tests/e2e/lib.sh
source "$(dirname "$0")/lib.sh"

# Built for commonwealth-beta (a before hook), released on commonwealth-frick
# (no hooks, on_failure: rollback-release).
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --dyno-metadata --release \
  --promote-to commonwealth-frick
expect_status 0 "simulate a promotion from beta to frick"
expect_output "Slug moved to"
expect_output "Promoting the slug to commonwealth-frick"
expect_output "slugwright.yml in the slug, entry \`commonwealth-frick\`"
expect_output "(the slug was built for commonwealth-beta: a pipeline promotion)"
expect_no_output "[before] environment ok" "beta's before hook must not run on frick"
expect_output "commonwealth-frick's entry maps it to procfiles/commonwealth-frick.Procfile, but this slug runs procfiles/commonwealth-beta.Procfile"
expect_output "Applied 7 migrations"

# The same promotion refused when the team asks for it.
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --dyno-metadata --release \
  --promote-to commonwealth-frick --env SLUGWRIGHT_PROMOTED_PROCFILE=refuse
expect_status 2 "a refused promotion fails the release phase"
expect_output "SLUGWRIGHT_PROMOTED_PROCFILE=refuse"
expect_output "Heroku would not deploy this release"

# Released on the app it was built for: its own settings, no promotion.
run "$ROOT/bin/simulate" "$FIXTURES/common-monorepo" --app commonwealth-beta --dyno-metadata --release
expect_status 0 "simulate beta"
expect_output "[before] environment ok for commonwealth-beta"
expect_no_output "pipeline promotion"

finish
