#ifndef SLUGWRIGHT_LINT_LINT_INTERNAL_H_
#define SLUGWRIGHT_LINT_LINT_INTERNAL_H_

// The pieces migration_lint*.cc share: reading tokens, table names, the
// batch's memory, and the linter of one statement. Not for other callers:
// migration_lint.h is the interface.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "lint/migration_lint.h"
#include "sql/tokens.h"

namespace lint_internal {

/// `name` or `schema.name` (a database part is dropped), folded as
/// PostgreSQL folds them; an empty name when there was none.
struct QualifiedName {
  std::string schema;
  std::string name;
  std::string Display() const;
};

/// Same table: equal names, and equal schemas unless one is not given.
bool SameName(const QualifiedName& a, const QualifiedName& b);
bool Contains(const std::vector<QualifiedName>& names, const QualifiedName& name);
void Remove(std::vector<QualifiedName>* names, const QualifiedName& name);

/// Reads tokens [pos, end) of a statement from the left.
class Cursor {
 public:
  Cursor(const std::vector<SqlToken>* tokens, size_t pos, size_t end)
      : tokens_(tokens), pos_(pos), end_(end) {}
  bool AtEnd() const { return pos_ >= end_; }
  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  /// The token `ahead` places on; an empty symbol past the end.
  const SqlToken& Peek(size_t ahead = 0) const {
    static const SqlToken kEnd;
    return pos_ + ahead < end_ ? (*tokens_)[pos_ + ahead] : kEnd;
  }
  const SqlToken& Take() {
    const SqlToken& t = Peek();
    if (pos_ < end_) ++pos_;
    return t;
  }
  /// Takes the next token when it is this word (or symbol).
  bool Word(const char* word) { return Peek().IsWord(word) && (Take(), true); }
  bool Symbol(const char* symbol) { return Peek().IsSymbol(symbol) && (Take(), true); }
  QualifiedName Name();

 private:
  const std::vector<SqlToken>* tokens_;
  size_t pos_;
  size_t end_;
};

}  // namespace lint_internal

/// What the earlier statements of a batch did that later rules depend on.
struct LintBatchState {
  /// Tables and indexes created in the batch: no one reads them yet.
  std::vector<lint_internal::QualifiedName> new_tables;
  std::vector<lint_internal::QualifiedName> new_indexes;
  /// CHECK (column IS NOT NULL) constraints added to existing tables:
  /// constraint name -> (table, column), and the "table column" pairs whose
  /// check was validated.
  std::map<std::string, std::pair<lint_internal::QualifiedName, std::string>> not_null_checks;
  std::vector<std::pair<lint_internal::QualifiedName, std::string>> validated_not_null;
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
  void Flag(const std::string& rule, int line, const std::string& detail);
  bool IsNewTable(const QualifiedName& table) const;
  void Create(Cursor c);
  void DropIndex(Cursor c);
  void DropTable(Cursor c);
  void AlterType(Cursor c);
  // alter_rules.cc
  void AlterTable(Cursor c);
  void AlterAction(const QualifiedName& table, Cursor c);
  void AddColumn(const QualifiedName& table, Cursor c);
  void AddConstraint(const QualifiedName& table, Cursor c);
  void AlterColumn(const QualifiedName& table, Cursor c);
  void ColumnDefault(const QualifiedName& table, const std::string& column, Cursor c);

  const std::vector<SqlToken>& tokens_;
  StatementContext context_;
  LintBatchState* batch_;
  std::vector<LintFinding> findings_;
  bool takes_strong_lock_ = false;
};

/// The rule with this id; throws std::logic_error for none.
const LintRule& Rule(const std::string& id);

}  // namespace lint_internal

#endif  // SLUGWRIGHT_LINT_LINT_INTERNAL_H_
