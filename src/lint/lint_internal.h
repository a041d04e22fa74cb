#ifndef SLUGWRIGHT_LINT_LINT_INTERNAL_H_
#define SLUGWRIGHT_LINT_LINT_INTERNAL_H_

// The pieces migration_lint*.cc share: table names, the batch's memory,
// and the linter of one statement, which reads what the statement is from
// the classifier (sql/statement_classifier.h). Not for other callers:
// migration_lint.h is the interface.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lint/migration_lint.h"
#include "sql/statement_classifier.h"
#include "sql/token_cursor.h"
#include "sql/tokens.h"

namespace lint_internal {

/// Table, index and type names as the classifier reads them.
using QualifiedName = SqlName;
/// Reads tokens [pos, end) of a statement from the left.
using Cursor = SqlTokenCursor;

/// Same table: equal names, and equal schemas unless one is not given.
inline bool SameName(const QualifiedName& a, const QualifiedName& b) { return SameSqlName(a, b); }
bool Contains(const std::vector<QualifiedName>& names, const QualifiedName& name);
void Remove(std::vector<QualifiedName>* names, const QualifiedName& name);

}  // namespace lint_internal

/// What the earlier statements of a batch did that later rules depend on.
struct LintBatchState {
  /// Tables and indexes created in the current migration: no one reads them
  /// yet (cleared at each migration: later ones run once they have rows).
  std::vector<lint_internal::QualifiedName> new_tables;
  std::vector<lint_internal::QualifiedName> new_indexes;
  /// CHECK (column IS NOT NULL) constraints added to existing tables:
  /// constraint name -> (table, column), and the "table column" pairs whose
  /// check was validated.
  std::map<std::string, std::pair<lint_internal::QualifiedName, std::string>> not_null_checks;
  std::vector<std::pair<lint_internal::QualifiedName, std::string>> validated_not_null;
  /// Constraints the current migration added NOT VALID, by name: their
  /// VALIDATE in the same transaction runs under the ADD's lock.
  std::set<std::string> not_valid_constraints;
  /// The current migration has set lock_timeout.
  bool lock_timeout_set = false;
};

namespace lint_internal {

/// What a statement's findings say about where it is.
struct StatementContext {
  std::string file;
  int64_t version = 0;
  std::string excerpt;
  bool in_transaction = true;
  std::string annotation;
  const LintOptions* options = nullptr;
};

/// The rules applied to one statement's tokens, updating the batch.
class StatementLinter {
 public:
  StatementLinter(const std::vector<SqlToken>& tokens, StatementContext context,
                  LintBatchState* batch)
      : tokens_(tokens), context_(std::move(context)), batch_(batch) {}
  void Run();
  std::vector<LintFinding>& findings() { return findings_; }
  /// The statement locks an existing table more than reads allow
  /// (for missing-lock-timeout).
  bool takes_strong_lock() const { return takes_strong_lock_; }

 private:
  /// A finding of `rule` about subject_.
  void Flag(const std::string& rule, int line, const std::string& detail);
  bool IsNewTable(const QualifiedName& table) const;
  void CreateIndex(const ClassifiedStatement& s);
  void DropIndex(const ClassifiedStatement& s);
  void DropTable(const ClassifiedStatement& s);
  void AlterType(const ClassifiedStatement& s);
  void Reindex();
  void Truncate();
  /// UPDATE, DELETE, MERGE or INSERT (after a WITH's queries) from token
  /// `at`: a change of every row of an existing table.
  void RowChange(size_t at);
  /// RowChange's MERGE and INSERT ... ON CONFLICT DO UPDATE, after the verb.
  void Merge(Cursor c);
  void Upsert(Cursor c);
  /// The first `word` in tokens [from, end) outside parentheses opened
  /// there; `end` when there is none.
  size_t FindOutsideParentheses(size_t from, size_t end, const char* word) const;
  // alter_rules.cc
  void AlterTable(const ClassifiedStatement& s);
  void AlterAction(const QualifiedName& table, Cursor c);
  void AddColumn(const QualifiedName& table, Cursor c);
  void AddConstraint(const QualifiedName& table, Cursor c);
  void AlterColumn(const QualifiedName& table, Cursor c);
  void ColumnDefault(const QualifiedName& table, const std::string& column, Cursor c);

  const std::vector<SqlToken>& tokens_;
  StatementContext context_;
  LintBatchState* batch_;
  std::vector<LintFinding> findings_;
  /// The existing table the rule being applied is about (LintFinding::table).
  QualifiedName subject_;
  bool takes_strong_lock_ = false;
};

/// The rule with this id; throws std::logic_error for none.
const LintRule& Rule(const std::string& id);

}  // namespace lint_internal

#endif  // SLUGWRIGHT_LINT_LINT_INTERNAL_H_
