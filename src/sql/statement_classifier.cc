#include "sql/statement_classifier.h"

namespace {

/// Tokens [0, end) joined by single spaces, words upper-cased.
std::string Keywords(const std::vector<SqlToken>& tokens, size_t end) {
  std::string out;
  for (size_t i = 0; i < end && i < tokens.size(); ++i) {
    if (!out.empty()) out += ' ';
    const SqlToken& t = tokens[i];
    if (t.kind != SqlToken::Kind::kWord) {
      out += t.text;
      continue;
    }
    for (char c : t.text) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

/// Takes `IF EXISTS` (`IF NOT EXISTS` when `not_exists`) when next.
bool IfExists(SqlTokenCursor* c, bool not_exists) {
  SqlTokenCursor look = *c;
  if (!look.Word("if") || (not_exists && !look.Word("not")) || !look.Word("exists")) return false;
  *c = look;
  return true;
}

/// The names of `DROP ... name [, ...]` from the cursor on.
std::vector<SqlName> NameList(SqlTokenCursor* c) {
  std::vector<SqlName> names;
  while (!c->AtEnd()) {
    SqlName name = c->Name();
    if (name.name.empty()) break;
    names.push_back(std::move(name));
    if (!c->Symbol(",")) break;
  }
  return names;
}

/// Reads a statement's tokens into a ClassifiedStatement.
class Classifier {
 public:
  explicit Classifier(const std::vector<SqlToken>& tokens)
      : tokens_(tokens),
        end_(!tokens.empty() && tokens.back().IsSymbol(";") ? tokens.size() - 1 : tokens.size()),
        c_(&tokens, 0, end_) {}

  ClassifiedStatement Run() {
    if (c_.Word("create")) {
      Create();
    } else if (c_.Word("drop")) {
      Drop();
    } else if (c_.Word("alter")) {
      Alter();
    } else if (c_.Word("reindex")) {
      Reindex();
    } else if (c_.Word("vacuum")) {
      Is(StatementKind::kVacuum);
    } else if (c_.Word("copy")) {
      Copy();
    } else if (c_.Word("set")) {
      Set();
    } else {
      TransactionControl();
    }
    return std::move(out_);
  }

  /// Where the reading stopped: it looked at most two tokens further.
  size_t stopped_at() const { return c_.pos(); }

 private:
  /// The statement is of `kind`, named by the tokens read so far.
  void Is(StatementKind kind) {
    out_.kind = kind;
    out_.keywords = Keywords(tokens_, c_.pos());
  }

  void Create() {
    if (c_.Word("database")) return Is(StatementKind::kCreateDatabase);
    if (c_.Word("tablespace")) return Is(StatementKind::kCreateTablespace);
    c_.Word("or") && c_.Word("replace");
    c_.Word("global") || c_.Word("local");
    if (c_.Word("temp") || c_.Word("temporary"))
      out_.temporary = true;
    else if (c_.Word("unlogged"))
      out_.unlogged = true;
    if (c_.Word("table")) {
      Is(StatementKind::kCreateTable);
      out_.if_exists_clause = IfExists(&c_, true);
      out_.name = c_.Name();
      return;
    }
    out_.unique = c_.Word("unique");
    if (!c_.Word("index")) return;
    out_.after_keywords = c_.pos();
    out_.concurrently = c_.Word("concurrently");
    Is(StatementKind::kCreateIndex);
    out_.if_exists_clause = IfExists(&c_, true);
    if (!c_.Peek().IsWord("on")) out_.name = c_.Name();
    if (!c_.Word("on")) return;
    out_.only = c_.Word("only");
    out_.table = c_.Name();
  }

  void Drop() {
    if (c_.Word("database")) return Is(StatementKind::kDropDatabase);
    if (c_.Word("tablespace")) return Is(StatementKind::kDropTablespace);
    if (c_.Word("index")) {
      out_.concurrently = c_.Word("concurrently");
      Is(StatementKind::kDropIndex);
    } else if (c_.Word("table")) {
      Is(StatementKind::kDropTable);
    } else {
      return;
    }
    out_.if_exists_clause = IfExists(&c_, false);
    out_.names = NameList(&c_);
  }

  void Alter() {
    if (c_.Word("system")) return Is(StatementKind::kAlterSystem);
    if (c_.Word("type")) {
      Is(StatementKind::kAlterType);
      out_.name = c_.Name();
      out_.adds_enum_value = c_.Word("add") && c_.Word("value");
      return;
    }
    if (!c_.Word("table")) return;
    Is(StatementKind::kAlterTable);
    out_.if_exists_clause = IfExists(&c_, false);
    out_.only = c_.Word("only");
    out_.name = c_.Name();
    if (out_.name.name.empty()) return;
    c_.Symbol("*");
    size_t start = c_.pos();
    int depth = 0;
    for (size_t i = start; i < end_; ++i) {
      if (tokens_[i].IsSymbol("(")) ++depth;
      if (tokens_[i].IsSymbol(")")) --depth;
      if (depth == 0 && tokens_[i].IsSymbol(",")) {
        Action(start, i);
        start = i + 1;
      }
    }
    Action(start, end_);
  }

  void Action(size_t begin, size_t end) {
    out_.actions.emplace_back(begin, end);
    SqlTokenCursor a(&tokens_, begin, end);
    if (!a.Word("detach") || !a.Word("partition") || a.Name().name.empty()) return;
    if (a.Word("concurrently")) out_.detaches_partition_concurrently = true;
  }

  void Reindex() {
    // CONCURRENTLY after the object's kind, or (PostgreSQL 14) among the
    // parenthesized options.
    size_t through = c_.pos();
    for (size_t i = c_.pos(); i < end_; ++i) {
      if (tokens_[i].IsWord("concurrently")) {
        out_.concurrently = true;
        through = i + 1;
        break;
      }
    }
    out_.kind = StatementKind::kReindex;
    out_.keywords = Keywords(tokens_, through);
    if (c_.Symbol("(")) {
      int depth = 1;
      while (!c_.AtEnd() && depth > 0) {
        if (c_.Peek().IsSymbol("(")) ++depth;
        if (c_.Peek().IsSymbol(")")) --depth;
        c_.Take();
      }
    }
    if (c_.Word("index") || c_.Word("table") || c_.Word("schema") || c_.Word("database") ||
        c_.Word("system")) {
      c_.Word("concurrently");
      out_.name = c_.Name();
    }
  }

  void Copy() {
    Is(StatementKind::kCopy);
    if (c_.Peek().IsName()) out_.name = c_.Name();
    for (size_t i = c_.pos(); i + 1 < end_; ++i) {
      if (tokens_[i].IsWord("from") && tokens_[i + 1].IsWord("stdin")) out_.copy_from_stdin = true;
      if (tokens_[i].IsWord("to") && tokens_[i + 1].IsWord("stdout")) out_.copy_to_stdout = true;
    }
  }

  void Set() {
    if (c_.Peek().IsWord("session") || c_.Peek().IsWord("local")) out_.set_scope = c_.Take().text;
    Is(StatementKind::kSet);
    if (c_.Peek().kind != SqlToken::Kind::kWord) return;
    out_.setting = c_.Take().text;
    if (!c_.Symbol("=") && !c_.Word("to")) return;
    const SqlToken& value = c_.Peek();
    if (value.kind == SqlToken::Kind::kWord || value.kind == SqlToken::Kind::kString ||
        value.kind == SqlToken::Kind::kNumber)
      out_.set_value = value.text;
  }

  void TransactionControl() {
    const SqlToken& first = c_.Peek();
    bool control = first.IsWord("begin") || first.IsWord("commit") || first.IsWord("end") ||
                   first.IsWord("rollback") || first.IsWord("abort") ||
                   first.IsWord("savepoint") || first.IsWord("release") ||
                   ((first.IsWord("start") || first.IsWord("prepare")) &&
                    c_.Peek(1).IsWord("transaction"));
    if (!control) return;
    out_.kind = StatementKind::kTransactionControl;
    out_.keywords = Keywords(tokens_, end_ < 2 ? end_ : 2);
  }

  const std::vector<SqlToken>& tokens_;
  const size_t end_;
  SqlTokenCursor c_;
  ClassifiedStatement out_;
};

/// The kinds whose facts may lie past the first tokens of a statement.
bool ReadsEveryToken(StatementKind kind) {
  return kind == StatementKind::kCopy || kind == StatementKind::kReindex ||
         kind == StatementKind::kAlterTable || kind == StatementKind::kDropIndex ||
         kind == StatementKind::kDropTable;
}

}  // namespace

bool ClassifiedStatement::CannotRunInTransaction() const {
  switch (kind) {
    case StatementKind::kCreateIndex:
    case StatementKind::kDropIndex:
    case StatementKind::kReindex:
      return concurrently;
    case StatementKind::kVacuum:
    case StatementKind::kCreateDatabase:
    case StatementKind::kDropDatabase:
    case StatementKind::kCreateTablespace:
    case StatementKind::kDropTablespace:
    case StatementKind::kAlterSystem:
      return true;
    default:
      return false;
  }
}

bool ClassifiedStatement::BuildsIndexBlockingWrites() const {
  return kind == StatementKind::kCreateIndex && !concurrently;
}

ClassifiedStatement ClassifyStatement(const std::vector<SqlToken>& tokens) {
  return Classifier(tokens).Run();
}

ClassifiedStatement ClassifyStatement(std::string_view text) {
  // Enough for most statements' kind and names (`CREATE INDEX i ON t` and
  // two tokens more); the rest, such as `CREATE UNIQUE INDEX CONCURRENTLY
  // IF NOT EXISTS s.i ON ONLY d.s.t`, are lexed again to their end.
  constexpr size_t kLeadingTokens = 8;
  SqlTokens lexed = TokenizeSql(text, 1, kLeadingTokens);
  Classifier classifier(lexed.tokens);
  ClassifiedStatement statement = classifier.Run();
  bool read_all = !ReadsEveryToken(statement.kind) &&
                  classifier.stopped_at() + 2 <= lexed.tokens.size();
  if (!lexed.truncated || read_all) return statement;
  return ClassifyStatement(TokenizeSql(text, 1).tokens);
}
