#ifndef SLUGWRIGHT_TESTING_NPM_TOOLS_H_
#define SLUGWRIGHT_TESTING_NPM_TOOLS_H_

// The real migration tools a team runs (dbmate, knex, sequelize-cli,
// node-pg-migrate), installed from the npm registry for the tests that run
// them. One install per package list and machine, shared by every test and
// test binary (under $SLUGWRIGHT_NPM_CACHE, default
// /var/tmp/slugwright-npm), made under a file lock and published by rename,
// so parallel tests neither race nor pay for npm twice.

#include <string>

/// Installs `packages` (e.g. "sequelize-cli sequelize pg") once; returns
/// the prefix whose node_modules/.bin holds the tools, or "" with `why`
/// set when npm is missing or the registry cannot be reached (the caller
/// skips, saying why).
std::string InstallNpmTools(const std::string& packages, std::string* why);

#endif  // SLUGWRIGHT_TESTING_NPM_TOOLS_H_
