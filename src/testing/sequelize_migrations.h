#ifndef SLUGWRIGHT_TESTING_SEQUELIZE_MIGRATIONS_H_
#define SLUGWRIGHT_TESTING_SEQUELIZE_MIGRATIONS_H_

// sequelize-cli migrations on an `accounts` table (an integer `amount`, a
// text `status`), shared by the tests that run the real tool: the rehearsal
// of a `command:` release and `migrate lint` of one.

/// changeColumn of accounts.amount to BIGINT: a rewrite.
inline constexpr const char* kSequelizeWidenAmount =
    "module.exports = {\n"
    "  up: (qi, S) => qi.changeColumn('accounts', 'amount', {type: S.BIGINT}),\n"
    "  down: (qi, S) => qi.changeColumn('accounts', 'amount', {type: S.INTEGER}),\n"
    "};\n";

/// addIndex on accounts.status, without CONCURRENTLY.
inline constexpr const char* kSequelizeIndexStatus =
    "module.exports = {\n"
    "  up: (qi) => qi.addIndex('accounts', ['status']),\n"
    "  down: (qi) => qi.removeIndex('accounts', ['status']),\n"
    "};\n";

#endif  // SLUGWRIGHT_TESTING_SEQUELIZE_MIGRATIONS_H_
