// squawk (the PostgreSQL migration linter teams run today, `squawk-cli`
// from npm) and `slugwright migrate lint` on one corpus of risky and safe
// statements, each in a migration of its own on existing tables: for every
// finding of squawk, slugwright flags what lint/squawk_rules.cc maps that
// rule to, or the rule is mapped to none and docs/lint.md says why
// (MigrationLint.EverySquawkMappingNamesSlugwrightRulesAndIsInTheDocs). A
// squawk rule the mapping does not know fails the test, so a new squawk
// release is looked at. `-- squawk-ignore` silences both. Skipped, saying
// why, where npm cannot install squawk-cli. No database is used; the
// harness is the PostgreSQL tests' because it runs the binary.

#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lint/migration_lint.h"
#include "testing/npm_tools.h"
#include "testing/pg_fixture.h"

namespace {

/// One migration each; `accounts`, `users`, `events`, `mood` exist.
const std::vector<std::pair<std::string, std::string>> kCorpus = {
    {"add_required", "ALTER TABLE accounts ADD COLUMN owner int NOT NULL;"},
    {"set_not_null", "ALTER TABLE accounts ALTER COLUMN owner SET NOT NULL;"},
    {"volatile_default",
     "ALTER TABLE accounts ADD COLUMN created timestamptz DEFAULT clock_timestamp();"},
    {"change_type", "ALTER TABLE accounts ALTER COLUMN amount TYPE bigint;"},
    {"create_index", "CREATE INDEX accounts_amount_idx ON accounts (amount);"},
    {"drop_index", "DROP INDEX accounts_amount_idx;"},
    {"foreign_key", "ALTER TABLE accounts ADD CONSTRAINT accounts_owner_fk FOREIGN KEY (owner) "
                    "REFERENCES users (id);"},
    {"check", "ALTER TABLE accounts ADD CONSTRAINT positive CHECK (amount > 0);"},
    {"unique", "ALTER TABLE accounts ADD CONSTRAINT accounts_amount_key UNIQUE (amount);"},
    {"rename_column", "ALTER TABLE accounts RENAME COLUMN amount TO total;"},
    {"rename_table", "ALTER TABLE accounts RENAME TO ledger;"},
    {"drop_column", "ALTER TABLE accounts DROP COLUMN amount;"},
    {"drop_table", "DROP TABLE accounts;"},
    {"drop_database", "DROP DATABASE app;"},
    {"truncate_cascade", "TRUNCATE accounts CASCADE;"},
    {"serial_primary_key", "ALTER TABLE accounts ADD COLUMN uid bigserial PRIMARY KEY;"},
    {"primary_key", "ALTER TABLE accounts ADD PRIMARY KEY (id);"},
    {"reindex", "REINDEX INDEX accounts_amount_idx;"},
    {"detach_partition", "ALTER TABLE events DETACH PARTITION events_2023;"},
    {"transaction_nesting", "BEGIN;\nALTER TABLE accounts ADD COLUMN note text;\nCOMMIT;"},
    {"validate_same_transaction",
     "ALTER TABLE accounts ADD CONSTRAINT positive CHECK (amount > 0) NOT VALID;\n"
     "ALTER TABLE accounts VALIDATE CONSTRAINT positive;"},
    {"concurrently_in_transaction",
     "CREATE INDEX CONCURRENTLY accounts_amount_idx ON accounts (amount);"},
    {"enum_value", "ALTER TYPE mood ADD VALUE 'meh';"},
    {"alter_domain", "ALTER DOMAIN positive_int ADD CONSTRAINT positive CHECK (VALUE > 0);"},
    {"create_domain", "CREATE DOMAIN positive_int AS bigint CHECK (VALUE > 0);"},
    {"safe_nullable_column", "ALTER TABLE accounts ADD COLUMN note text;"},
    {"safe_not_valid_fk", "ALTER TABLE accounts ADD CONSTRAINT accounts_owner_fk FOREIGN KEY "
                          "(owner) REFERENCES users (id) NOT VALID;"},
    {"safe_new_table", "CREATE TABLE ledger (id bigint);\n"
                       "CREATE INDEX ledger_id_idx ON ledger (id);"},
    {"squawk_ignored", "-- squawk-ignore changing-column-type\n"
                       "ALTER TABLE accounts ALTER COLUMN amount TYPE bigint;"},
};

/// "07_foreign_key.sql" of a path.
std::string Base(const std::string& path) { return path.substr(path.rfind('/') + 1); }

/// Slugwright rules that only run when asked (--require-lock-timeout):
/// squawk rules mapped to them are compared in the docs, not here.
const std::set<std::string> kOptInRules = {"missing-lock-timeout"};

class LintSquawkParityTest : public SlugwrightPgTest {};

}  // namespace

TEST_F(LintSquawkParityTest, SlugwrightFlagsAtLeastWhatSquawkFlags) {
  std::string why;
  std::string prefix = InstallNpmTools("squawk-cli", &why);
  if (prefix.empty()) GTEST_SKIP() << why;
  std::vector<std::string> files;
  for (size_t i = 0; i < kCorpus.size(); ++i) {
    std::string name = (i < 9 ? "0" : "") + std::to_string(i + 1) + "_" + kCorpus[i].first + ".sql";
    WriteMigration(name, "-- migrate:up\n" + kCorpus[i].second + "\n");
    files.push_back(name);
  }
  // slugwright runs each migration in a transaction, as squawk assumes here.
  RunResult squawk = slugwright_.RunShell("'" + prefix +
                                          "/node_modules/.bin/squawk' --pg-version=16 "
                                          "--assume-in-transaction --reporter json " +
                                          Dir() + "/*.sql");
  ASSERT_TRUE(squawk.code == 0 || squawk.code == 1) << squawk.all();
  nlohmann::json squawk_findings = nlohmann::json::parse(squawk.out);
  RunResult lint =
      Run({"migrate", "lint", "--dir", Dir(), "--postgres-version", "16", "--json"});
  ASSERT_EQ(1, lint.code) << lint.all();
  std::map<std::string, std::set<std::string>> flagged;  // file -> slugwright rules
  nlohmann::json linted = nlohmann::json::parse(lint.out);
  for (const nlohmann::json& f : linted.at("findings"))
    flagged[Base(f.at("file").get<std::string>())].insert(f.at("rule").get<std::string>());

  std::map<std::string, const SquawkRule*> mapping;
  for (const SquawkRule& rule : SquawkRules()) mapping[rule.name] = &rule;
  std::set<std::string> compared;
  for (const nlohmann::json& f : squawk_findings) {
    std::string file = Base(f.at("file").get<std::string>());
    std::string rule = f.at("rule_name").get<std::string>();
    auto known = mapping.find(rule);
    ASSERT_NE(known, mapping.end())
        << "squawk " << rule << " on " << file << " is not in lint/squawk_rules.cc and "
        << "docs/lint.md's mapping: map it to the slugwright rules that flag it, or to none "
        << "with the reason in the docs";
    const std::vector<std::string>& ours = known->second->rules;
    if (ours.empty() || kOptInRules.count(ours.front())) continue;
    bool found = false;
    for (const std::string& id : ours) found = found || flagged[file].count(id);
    EXPECT_TRUE(found) << file << ": squawk flags " << rule << ", slugwright flags none of its "
                       << "counterparts (" << ours.front() << "...); it flags "
                       << flagged[file].size() << " rules there";
    compared.insert(rule);
  }
  // The corpus exercises the rules it is for.
  for (const char* rule : {"adding-required-field", "changing-column-type",
                           "require-concurrent-index-creation", "constraint-missing-not-valid",
                           "ban-truncate-cascade", "require-concurrent-reindex",
                           "require-concurrent-partition-detach", "transaction-nesting"})
    EXPECT_TRUE(compared.count(rule)) << rule << " was not compared";
  // What squawk lets pass, slugwright lets pass too.
  for (const char* safe : {"26_safe_nullable_column.sql", "27_safe_not_valid_fk.sql",
                           "28_safe_new_table.sql"})
    EXPECT_TRUE(flagged[safe].empty()) << safe << " flagged " << *flagged[safe].begin();
  // `-- squawk-ignore changing-column-type` silences both tools.
  EXPECT_EQ(0u, flagged.count("29_squawk_ignored.sql"));
  for (const nlohmann::json& f : squawk_findings)
    EXPECT_FALSE(Base(f.at("file").get<std::string>()) == "29_squawk_ignored.sql" &&
                 f.at("rule_name") == "changing-column-type");
}
