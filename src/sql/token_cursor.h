#ifndef SLUGWRIGHT_SQL_TOKEN_CURSOR_H_
#define SLUGWRIGHT_SQL_TOKEN_CURSOR_H_

// Reading a statement's tokens (sql/tokens.h) from the left: keywords,
// symbols and the names of tables, indexes and types. Shared by the
// statement classifier (sql/statement_classifier.h) and the lint rules.

#include <cstddef>
#include <string>
#include <vector>

#include "sql/tokens.h"

/// `name` or `schema.name` (a database part before them is dropped), folded
/// as PostgreSQL folds them; an empty name when there was none.
struct SqlName {
  std::string schema;
  std::string name;
  /// The line the name starts on (0 for none).
  int line = 0;
  /// "schema.name", or "name" without a schema.
  std::string Display() const;
};

/// Same object: equal names, and equal schemas unless one is not given
/// (the line does not count).
bool SameSqlName(const SqlName& a, const SqlName& b);

/// Reads tokens [pos, end) of a statement from the left.
class SqlTokenCursor {
 public:
  SqlTokenCursor(const std::vector<SqlToken>* tokens, size_t pos, size_t end)
      : tokens_(tokens), pos_(pos), end_(end) {}
  bool AtEnd() const { return pos_ >= end_; }
  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  /// The token `ahead` places on; an empty symbol (line 0) past the end.
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
  /// Takes a name (`a`, `"A"`, `s.a`, `db.s.a`) when one is next; an empty
  /// SqlName, taking nothing, otherwise.
  SqlName Name();

 private:
  const std::vector<SqlToken>* tokens_;
  size_t pos_;
  size_t end_;
};

#endif  // SLUGWRIGHT_SQL_TOKEN_CURSOR_H_
