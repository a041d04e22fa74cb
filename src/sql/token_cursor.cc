#include "sql/token_cursor.h"

std::string SqlName::Display() const { return schema.empty() ? name : schema + "." + name; }

bool SameSqlName(const SqlName& a, const SqlName& b) {
  return a.name == b.name && (a.schema.empty() || b.schema.empty() || a.schema == b.schema);
}

SqlName SqlTokenCursor::Name() {
  SqlName result;
  if (!Peek().IsName()) return result;
  result.line = Peek().line;
  result.name = Take().text;
  while (Peek().IsSymbol(".") && Peek(1).IsName()) {
    Take();
    result.schema = result.name;
    result.name = Take().text;
  }
  return result;
}
