// The lint rules for ALTER TABLE's actions (lint/migration_lint.h): columns
// added, retyped, renamed, dropped or made NOT NULL, and constraints added
// or validated.

#include <algorithm>
#include <set>

#include "lint/lint_internal.h"

namespace lint_internal {
namespace {

/// The words of a column definition that end a DEFAULT expression.
bool EndsDefault(const SqlToken& t) {
  static const std::set<std::string> kWords = {"not",   "null",     "constraint", "check",
                                               "unique", "primary", "references", "generated",
                                               "collate", "default"};
  return t.kind == SqlToken::Kind::kWord && kWords.count(t.text) > 0;
}

/// Functions slugwright knows not to be volatile (and words that look like
/// calls in a default: CAST(...), COALESCE(...), a type's modifier).
bool KnownNotVolatile(const std::string& name) {
  static const std::set<std::string> kNames = {
      "now", "statement_timestamp", "transaction_timestamp", "current_timestamp",
      "current_date", "current_time", "localtime", "localtimestamp", "current_setting",
      "lower", "upper", "btrim", "trim", "ltrim", "rtrim", "length", "concat", "concat_ws",
      "format", "replace", "substring", "substr", "left", "right", "lpad", "rpad",
      "coalesce", "nullif", "greatest", "least", "cast", "extract", "date_part",
      "date_trunc", "make_date", "make_time", "make_timestamp", "make_timestamptz",
      "make_interval", "to_char", "to_date", "to_timestamp", "to_number", "to_json",
      "to_jsonb", "json_build_object", "jsonb_build_object", "json_build_array",
      "jsonb_build_array", "array", "array_fill", "row", "abs", "round", "floor", "ceil",
      "ceiling", "power", "sqrt", "md5", "encode", "decode", "int4range", "int8range",
      "numrange", "tsrange", "tstzrange", "daterange", "varying", "precision"};
  return kNames.count(name) > 0;
}

/// The first function called in tokens [c.pos(), end) that is not known
/// not to be volatile; "" when none.
std::string VolatileCall(const std::vector<SqlToken>& tokens, size_t begin, size_t end) {
  for (size_t i = begin; i + 1 < end; ++i) {
    if (!tokens[i].IsName() || !tokens[i + 1].IsSymbol("(")) continue;
    if (i > begin && (tokens[i - 1].IsSymbol("::") || tokens[i - 1].IsWord("as"))) continue;
    if (!KnownNotVolatile(tokens[i].text)) return tokens[i].text + "()";
  }
  return "";
}

bool IsSerial(const SqlToken& type) {
  static const std::set<std::string> kSerials = {"serial",      "serial4", "serial8",
                                                 "bigserial",   "serial2", "smallserial"};
  return type.kind == SqlToken::Kind::kWord && kSerials.count(type.text) > 0;
}

/// Whether words `a b` follow one another at parenthesis depth 0 in [begin, end).
bool HasPair(const std::vector<SqlToken>& tokens, size_t begin, size_t end, const char* a,
             const char* b) {
  int depth = 0;
  for (size_t i = begin; i < end; ++i) {
    if (tokens[i].IsSymbol("(")) ++depth;
    if (tokens[i].IsSymbol(")")) --depth;
    if (depth == 0 && i + 1 < end && tokens[i].IsWord(a) && tokens[i + 1].IsWord(b)) return true;
  }
  return false;
}

/// The tokens [begin, end) joined by spaces, for messages.
std::string Join(const std::vector<SqlToken>& tokens, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    bool tight = tokens[i].IsSymbol("(") || tokens[i].IsSymbol(")") || tokens[i].IsSymbol(",") ||
                 (i > begin && tokens[i - 1].IsSymbol("("));
    if (!out.empty() && !tight) out += ' ';
    out += tokens[i].kind == SqlToken::Kind::kQuotedName ? "\"" + tokens[i].text + "\""
                                                          : tokens[i].text;
  }
  return out;
}

}  // namespace

void StatementLinter::AlterTable(const ClassifiedStatement& s) {
  const QualifiedName& table = s.name;
  if (table.name.empty()) return;
  bool is_new = IsNewTable(table);
  Cursor c(&tokens_, s.actions.front().first, s.actions.front().second);
  if (c.Peek().IsWord("rename") && c.Peek(1).IsWord("to")) {
    int line = c.Take().line;
    c.Take();
    QualifiedName renamed = c.Name();
    if (is_new) {
      Remove(&batch_->new_tables, table);
      if (renamed.schema.empty()) renamed.schema = table.schema;
      batch_->new_tables.push_back(renamed);
      return;
    }
    takes_strong_lock_ = true;
    subject_ = table;
    return Flag("rename-table", line, "renames " + table.Display() + " to " + renamed.name);
  }
  if (is_new) return;
  subject_ = table;
  for (const auto& action : s.actions)
    AlterAction(table, Cursor(&tokens_, action.first, action.second));
}

void StatementLinter::AlterAction(const QualifiedName& table, Cursor c) {
  int line = c.Peek().line;
  if (c.Word("validate") && c.Word("constraint")) {
    std::string constraint = c.Name().name;
    auto check = batch_->not_null_checks.find(constraint);
    if (check != batch_->not_null_checks.end())
      batch_->validated_not_null.push_back(check->second);
    if (context_.in_transaction && batch_->not_valid_constraints.count(constraint))
      Flag("validate-in-same-transaction", line,
           "validates " + constraint + " of " + table.Display() +
               ", added NOT VALID earlier in this migration, in the same transaction");
    return;
  }
  takes_strong_lock_ = true;
  if (c.Word("detach")) {
    if (!c.Word("partition")) return;
    QualifiedName partition = c.Name();
    if (c.Word("concurrently") || c.Word("finalize")) return;
    Flag("detach-partition-locks-table", line,
         "detaches " + partition.Display() + " from " + table.Display() + " without CONCURRENTLY");
    return;
  }
  if (c.Word("add")) {
    static const std::set<std::string> kConstraintWords = {"constraint", "check",  "foreign",
                                                           "unique",     "primary", "exclude"};
    if (c.Peek().kind == SqlToken::Kind::kWord && kConstraintWords.count(c.Peek().text))
      return AddConstraint(table, c);
    c.Word("column");
    return AddColumn(table, c);
  }
  if (c.Word("alter")) {
    c.Word("column");
    return AlterColumn(table, c);
  }
  if (c.Word("drop")) {
    if (c.Peek().IsWord("constraint")) return;
    c.Word("column");
    c.Word("if") && c.Word("exists");
    QualifiedName column = c.Name();
    if (!column.name.empty())
      Flag("drop-column", line, "drops column " + column.name + " of " + table.Display());
    return;
  }
  if (c.Word("rename")) {
    if (c.Word("constraint")) return;
    c.Word("column");
    QualifiedName column = c.Name();
    std::string renamed = c.Word("to") ? c.Name().name : "";
    if (!column.name.empty())
      Flag("rename-column", line, "renames column " + column.name + " of " + table.Display() +
                                      (renamed.empty() ? "" : " to " + renamed));
  }
}

void StatementLinter::AddColumn(const QualifiedName& table, Cursor c) {
  c.Word("if") && c.Word("not") && c.Word("exists");
  int line = c.Peek().line;
  std::string column = c.Name().name;
  if (column.empty()) return;
  std::string what = "adds column " + column + " to " + table.Display();
  const size_t begin = c.pos(), end = c.end();
  bool serial = IsSerial(c.Peek());
  if (serial)
    Flag("add-column-rewrites-table", line, what + " as " + c.Peek().text + ", whose "
         "nextval() default fills every row");
  bool has_default = false, generated = false, not_null = false;
  int depth = 0;
  for (size_t i = begin; i < end; ++i) {
    const SqlToken& t = tokens_[i];
    if (t.IsSymbol("(")) ++depth;
    if (t.IsSymbol(")")) --depth;
    if (depth != 0) continue;
    bool next_is = i + 1 < end;
    if (t.IsWord("not") && next_is && tokens_[i + 1].IsWord("null") &&
        !tokens_[i - 1].IsWord("is")) {
      not_null = true;
    } else if (t.IsWord("default")) {
      has_default = true;
      size_t stop = i + 1;
      for (int inner = 0; stop < end; ++stop) {
        if (tokens_[stop].IsSymbol("(")) ++inner;
        if (tokens_[stop].IsSymbol(")")) --inner;
        if (inner == 0 && EndsDefault(tokens_[stop])) break;
      }
      std::string call = VolatileCall(tokens_, i + 1, stop);
      if (!call.empty())
        Flag("add-column-rewrites-table", t.line,
             what + " with the default " + call + ", which slugwright does not know to be "
             "stable or immutable (a function is volatile unless declared otherwise)");
    } else if (t.IsWord("generated")) {
      generated = true;
      if (HasPair(tokens_, i, end, "as", "identity"))
        Flag("add-column-rewrites-table", t.line, what + " as an identity column");
      else if (!HasPair(tokens_, i, end, ")", "virtual") &&
               (HasPair(tokens_, i, end, ")", "stored") ||
                context_.options->postgres_major < 18))
        Flag("add-column-rewrites-table", t.line, what + " as a stored generated column");
    } else if (t.IsWord("unique") || (t.IsWord("primary") && next_is &&
                                      tokens_[i + 1].IsWord("key"))) {
      Flag("add-constraint-builds-index", t.line,
           what + " with " + (t.IsWord("unique") ? "UNIQUE" : "PRIMARY KEY"));
    } else if (t.IsWord("references")) {
      Flag("add-foreign-key-validates", t.line, what + " with a foreign key");
    }
  }
  if (not_null && !has_default && !generated && !serial)
    Flag("add-column-not-null-without-default", line, what + " NOT NULL without a default");
}

void StatementLinter::AddConstraint(const QualifiedName& table, Cursor c) {
  std::string name = c.Word("constraint") ? c.Name().name : "";
  const size_t begin = c.pos(), end = c.end();
  int line = c.Peek().line;
  bool not_valid = HasPair(tokens_, begin, end, "not", "valid");
  if (not_valid && !name.empty()) batch_->not_valid_constraints.insert(name);
  std::string on = (name.empty() ? "" : name + " ") + "on " + table.Display();
  if (c.Word("check")) {
    // CHECK (column IS NOT NULL) [NOT VALID]: what lets SET NOT NULL skip its scan.
    size_t size = end - c.pos();
    bool not_null_check = c.Peek().IsSymbol("(") && c.Peek(1).IsName() &&
                          c.Peek(2).IsWord("is") && c.Peek(3).IsWord("not") &&
                          c.Peek(4).IsWord("null") && c.Peek(5).IsSymbol(")") &&
                          (size == 6 || (size == 8 && not_valid));
    if (not_null_check) {
      std::pair<QualifiedName, std::string> checked{table, c.Peek(1).text};
      if (!name.empty()) batch_->not_null_checks[name] = checked;
      if (!not_valid) batch_->validated_not_null.push_back(checked);
    }
    if (!not_valid) Flag("add-check-validates", line, "adds CHECK " + on + " without NOT VALID");
  } else if (c.Word("foreign")) {
    if (!not_valid)
      Flag("add-foreign-key-validates", line, "adds FOREIGN KEY " + on + " without NOT VALID");
  } else if (c.Peek().IsWord("unique") || c.Peek().IsWord("primary")) {
    std::string kind = c.Word("unique") ? "UNIQUE" : (c.Take(), c.Word("key"), "PRIMARY KEY");
    if (!(c.Word("using") && c.Word("index")))
      Flag("add-constraint-builds-index", line, "adds " + kind + " " + on +
                                                    ", building its index");
  } else if (c.Word("exclude")) {
    Flag("add-constraint-builds-index", line, "adds EXCLUDE " + on + ", building its index");
  }
}

void StatementLinter::AlterColumn(const QualifiedName& table, Cursor c) {
  int line = c.Peek().line;
  std::string column = c.Name().name;
  if (column.empty()) return;
  std::string of = table.Display() + "." + column;
  bool type = c.Word("type") ||
              (c.Peek().IsWord("set") && c.Peek(1).IsWord("data") && c.Peek(2).IsWord("type"));
  if (type && c.Word("set")) c.Word("data") && c.Word("type");
  if (type) {
    size_t stop = c.pos();
    while (stop < c.end() && !tokens_[stop].IsWord("using") && !tokens_[stop].IsWord("collate"))
      ++stop;
    return Flag("alter-column-type", line,
                "changes the type of " + of + " to " + Join(tokens_, c.pos(), stop));
  }
  Cursor set = c;
  if (!(set.Word("set") && set.Word("not") && set.Word("null"))) return;
  bool checked = std::any_of(
      batch_->validated_not_null.begin(), batch_->validated_not_null.end(),
      [&](const auto& v) { return SameName(v.first, table) && v.second == column; });
  if (checked && context_.options->postgres_major >= 12) return;
  Flag("set-not-null-scans", line,
       "makes " + of + " NOT NULL" +
           (checked ? " on PostgreSQL " + std::to_string(context_.options->postgres_major) +
                          ", which does not use the validated check"
                    : " with no validated CHECK (" + column + " IS NOT NULL) before it"));
}

}  // namespace lint_internal
