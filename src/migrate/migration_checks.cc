#include "migrate/migration_checks.h"

#include <algorithm>

#include "base/exit_codes.h"
#include "migrate/run_error.h"
#include "sql/splitter.h"

std::string Label(const Migration& m) { return std::to_string(m.version) + "_" + m.name; }

namespace {

/// The facts that name `m`'s file.
RunError::Facts FactsOf(const Migration& m, const std::string& file) {
  RunError::Facts facts;
  facts.version = m.version;
  facts.name = m.name;
  facts.file = file;
  return facts;
}

void RefuseBlankUpSection(const Migration& m) {
  if (!m.up_blank) return;
  RunError::Facts facts = FactsOf(m, m.up_path);
  // The `-- migrate:up` line, just before the section.
  facts.line = m.up_first_line - 1;
  throw RunError(RunError::Kind::kBlankUpSection, facts);
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
        if (!IsTransactionControl(s.text)) continue;
        RunError::Facts facts = FactsOf(*m, path);
        facts.line = s.line;
        facts.statement = s.text;
        throw RunError(RunError::Kind::kTransactionControl, facts);
      }
    } else if (!down && all_in_one_transaction) {
      throw RunError(RunError::Kind::kTransactionFalseInTransactionAll, FactsOf(*m, path));
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
