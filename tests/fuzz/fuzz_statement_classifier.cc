// libFuzzer target for ClassifyStatement (src/sql/statement_classifier.h)
// and the statement rules built on it (src/sql/statement_rules.h):
// arbitrary bytes as a script, each statement classified. Besides crashes
// and sanitizer reports, it aborts when a property of the result does not
// hold.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "sql/splitter.h"
#include "sql/statement_classifier.h"
#include "sql/statement_rules.h"
#include "sql/tokens.h"

namespace {

bool SameName(const SqlName& a, const SqlName& b) {
  return a.schema == b.schema && a.name == b.name;
}

/// Every fact of `a` and `b` alike (lines aside: the two were lexed from
/// different first lines).
bool SameFacts(const ClassifiedStatement& a, const ClassifiedStatement& b) {
  if (a.names.size() != b.names.size()) return false;
  for (size_t i = 0; i < a.names.size(); ++i)
    if (!SameName(a.names[i], b.names[i])) return false;
  return a.kind == b.kind && a.keywords == b.keywords && a.concurrently == b.concurrently &&
         a.unique == b.unique && a.if_exists_clause == b.if_exists_clause &&
         a.temporary == b.temporary && a.unlogged == b.unlogged && SameName(a.name, b.name) &&
         SameName(a.table, b.table) && a.only == b.only && a.actions == b.actions &&
         a.detaches_partition_concurrently == b.detaches_partition_concurrently &&
         a.adds_enum_value == b.adds_enum_value && a.copy_from_stdin == b.copy_from_stdin &&
         a.copy_to_stdout == b.copy_to_stdout && a.setting == b.setting &&
         a.set_scope == b.set_scope && a.set_value == b.set_value;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view script(reinterpret_cast<const char*>(data), size);
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  if (!SplitSql(script, 1, &statements, &error)) return 0;
  for (const SqlStatement& s : statements) {
    SqlTokens tokens = TokenizeSql(s.text, s.line);
    ClassifiedStatement from_tokens = ClassifyStatement(tokens.tokens);
    // Lexing only the first tokens, as the text overload does, must tell
    // the same as lexing them all.
    ClassifiedStatement from_text = ClassifyStatement(s.text);
    Check(SameFacts(from_tokens, from_text), "text and tokens classify alike");
    // A comment before the statement changes nothing.
    Check(SameFacts(from_text, ClassifyStatement("/* c */ -- d\n" + s.text)),
          "comments are not keywords");
    Check(from_text.kind != StatementKind::kOther || from_text.keywords.empty(),
          "kOther has no keywords");
    Check(!from_text.CannotRunInTransaction() || !from_text.keywords.empty(),
          "a refused statement has keywords for its message");
    for (const auto& action : from_text.actions)
      Check(action.first <= action.second && action.second <= tokens.tokens.size(),
            "actions within the tokens");
    Check(from_text.after_keywords <= tokens.tokens.size(), "after_keywords within the tokens");
    for (bool in_transaction : {true, false}) {
      std::string why = CheckStatement(s, in_transaction, "-- migrate:up transaction:false");
      Check(why.empty() || from_text.kind != StatementKind::kOther,
            "only a classified statement is refused");
    }
  }
  return 0;
}
