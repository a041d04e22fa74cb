#include "migrate/migration_checks.h"

#include <algorithm>

#include "base/exit_codes.h"
#include "sql/splitter.h"

std::string Label(const Migration& m) { return std::to_string(m.version) + "_" + m.name; }

namespace {

void RefuseBlankUpSection(const Migration& m) {
  if (!m.up_blank) return;
  throw UserError(kExitUsage,
                  m.up_path + ":" + std::to_string(m.up_first_line - 1) +
                      ": the up section holds no SQL statement (a `slugwright migrate "
                      "new` template not filled in yet?); write its SQL after `-- "
                      "migrate:up` (a comment alone makes it a no-op). Nothing was "
                      "applied.");
}

}  // namespace

void RefuseBlankUpSections(const std::vector<Migration>& migrations) {
  for (const Migration& m : migrations) RefuseBlankUpSection(m);
}

void CheckRunnable(const std::vector<const Migration*>& migrations, bool down,
                   bool all_in_one_transaction) {
  for (const Migration* m : migrations) {
    if (!down) RefuseBlankUpSection(*m);
    const std::string& sql = down ? m->down_sql : m->up_sql;
    const std::string& path = down ? m->down_path : m->up_path;
    bool in_transaction = down ? m->down_in_transaction : m->up_in_transaction;
    std::vector<SqlStatement> statements =
        SplitSqlOrThrow(sql, path, down ? m->down_first_line : m->up_first_line,
                        m->split_options);
    if (in_transaction) {
      for (const SqlStatement& s : statements) {
        if (IsTransactionControl(s.text))
          throw UserError(
              kExitUsage,
              path + ":" + std::to_string(s.line) + ": `" + s.text.substr(0, 40) +
                  "` ends or starts a transaction, but slugwright runs this migration "
                  "in a transaction of its own (with its history row). Remove it, or "
                  "mark the section `transaction:false`.");
      }
    } else if (!down && all_in_one_transaction) {
      throw UserError(kExitUsage,
                      "transaction: all applies every pending migration in one "
                      "transaction, but " + path +
                          " is transaction:false and cannot run in one. Deploy it in a "
                          "release of its own, or use transaction: per-migration. "
                          "Nothing was applied.");
    }
  }
}

bool UpDoesNothing(const Migration& m) {
  if (m.up_blank) return true;
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  return SplitSql(m.up_sql, m.up_first_line, &statements, &error, m.split_options) &&
         statements.empty();
}

void ThrowIfProblems(const std::vector<std::string>& problems, const std::string& heading) {
  if (problems.empty()) return;
  std::string message = heading;
  for (const std::string& p : problems) message += "\n" + p;
  throw UserError(kExitIntegrity, message);
}

bool IsOutOfOrder(const MigrationPlan& plan, const Migration* m) {
  return std::find(plan.out_of_order.begin(), plan.out_of_order.end(), m) !=
         plan.out_of_order.end();
}
