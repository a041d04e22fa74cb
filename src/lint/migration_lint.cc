// The lint rules (lint/migration_lint.h). Each statement is tokenized
// (sql/tokens.h) and classified (sql/statement_classifier.h), which says
// what it does to which table; ALTER TABLE's actions are in alter_rules.cc.

#include "lint/migration_lint.h"

#include <algorithm>
#include <set>

#include "base/ascii.h"
#include "base/exit_codes.h"
#include "base/text.h"
#include "lint/lint_internal.h"
#include "migrate/migration_plan.h"
#include "sql/statement_classifier.h"
#include "sql/statement_rules.h"
#include "sql/tokens.h"

namespace lint_internal {

bool Contains(const std::vector<QualifiedName>& names, const QualifiedName& name) {
  return std::any_of(names.begin(), names.end(),
                     [&](const QualifiedName& n) { return SameName(n, name); });
}

void Remove(std::vector<QualifiedName>* names, const QualifiedName& name) {
  names->erase(std::remove_if(names->begin(), names->end(),
                              [&](const QualifiedName& n) { return SameName(n, name); }),
               names->end());
}

const LintRule& Rule(const std::string& id) {
  for (const LintRule& rule : LintRules())
    if (rule.id == id) return rule;
  throw std::logic_error("no lint rule " + id);
}

void StatementLinter::Flag(const std::string& rule_id, int line, const std::string& detail) {
  const LintRule& rule = Rule(rule_id);
  LintFinding f;
  f.file = context_.file;
  f.line = line;
  f.version = context_.version;
  f.rule = rule_id;
  f.statement = context_.excerpt;
  f.why = detail + ": " + rule.why;
  f.instead = rule.instead;
  size_t at = f.instead.find("{annotation}");
  if (at != std::string::npos) f.instead.replace(at, 12, context_.annotation);
  f.table = subject_;
  findings_.push_back(std::move(f));
}

bool StatementLinter::IsNewTable(const QualifiedName& table) const {
  return Contains(batch_->new_tables, table);
}

void StatementLinter::Run() {
  if (!tokens_.empty() && tokens_.front().IsWord("reindex")) return Reindex();
  if (!tokens_.empty() && tokens_.front().IsWord("truncate")) return Truncate();
  if (!tokens_.empty() && (tokens_.front().IsWord("update") || tokens_.front().IsWord("delete") ||
                           tokens_.front().IsWord("merge") || tokens_.front().IsWord("insert") ||
                           tokens_.front().IsWord("with")))
    return RowChange(0);
  ClassifiedStatement s = ClassifyStatement(tokens_);
  switch (s.kind) {
    case StatementKind::kAlterTable:
      return AlterTable(s);
    case StatementKind::kAlterType:
      return AlterType(s);
    case StatementKind::kCreateTable:
      // CREATE TABLE IF NOT EXISTS of a table the database has creates nothing.
      if (!s.name.name.empty() && !Contains(context_.options->existing_tables, s.name))
        batch_->new_tables.push_back(s.name);
      return;
    case StatementKind::kCreateIndex:
      return CreateIndex(s);
    case StatementKind::kDropIndex:
      return DropIndex(s);
    case StatementKind::kDropTable:
      return DropTable(s);
    case StatementKind::kSet:
      if (s.setting == "lock_timeout") batch_->lock_timeout_set = true;
      break;
    default:
      break;
  }
  // Another CREATE (a function's body) runs later, if ever.
  if (!tokens_.empty() && tokens_.front().IsWord("create")) return;
  for (size_t i = 0; i + 2 < tokens_.size(); ++i)
    if (tokens_[i].IsWord("set_config") && tokens_[i + 1].IsSymbol("(") &&
        tokens_[i + 2].kind == SqlToken::Kind::kString && tokens_[i + 2].text == "lock_timeout")
      batch_->lock_timeout_set = true;
}

void StatementLinter::CreateIndex(const ClassifiedStatement& s) {
  int line = s.after_keywords < tokens_.size() ? tokens_[s.after_keywords].line : 0;
  const QualifiedName& table = s.table;
  if (table.name.empty()) return;
  if (IsNewTable(table)) {
    if (!s.name.name.empty()) {
      // An index lives in its table's schema.
      QualifiedName index = s.name;
      if (index.schema.empty()) index.schema = table.schema;
      batch_->new_indexes.push_back(index);
    }
    return;
  }
  if (!s.BuildsIndexBlockingWrites()) return;
  takes_strong_lock_ = true;
  subject_ = table;
  Flag("create-index-locks-writes", line, "builds an index on " + table.Display() +
                                              " without CONCURRENTLY");
}

void StatementLinter::DropIndex(const ClassifiedStatement& s) {
  std::vector<std::string> existing;
  for (const QualifiedName& index : s.names) {
    if (Contains(batch_->new_indexes, index))
      Remove(&batch_->new_indexes, index);
    else
      existing.push_back(index.Display());
  }
  if (s.concurrently || existing.empty()) return;
  takes_strong_lock_ = true;
  Flag("drop-index-locks-table", s.names.front().line,
       "drops " + JoinAlternatives(existing) + " without CONCURRENTLY");
}

void StatementLinter::DropTable(const ClassifiedStatement& s) {
  for (const QualifiedName& table : s.names) {
    if (IsNewTable(table)) {
      Remove(&batch_->new_tables, table);
    } else {
      takes_strong_lock_ = true;
      subject_ = table;
      Flag("drop-table", table.line, "drops " + table.Display());
    }
  }
}

void StatementLinter::AlterType(const ClassifiedStatement& s) {
  if (!s.adds_enum_value) return;
  takes_strong_lock_ = true;
  if (context_.in_transaction && context_.options->postgres_major < 12)
    Flag("enum-add-value-in-transaction", s.name.line,
         "adds a value to " + s.name.Display() + " in a migration that runs in a transaction, "
         "for PostgreSQL " + std::to_string(context_.options->postgres_major));
}

void StatementLinter::Reindex() {
  // REINDEX [(options)] {INDEX | TABLE | SCHEMA | DATABASE | SYSTEM} [CONCURRENTLY] name
  for (const SqlToken& t : tokens_)
    if (t.IsWord("concurrently")) return;
  Cursor c(&tokens_, 1, tokens_.size());
  if (c.Peek().IsSymbol("(")) {
    while (!c.AtEnd() && !c.Peek().IsSymbol(")")) c.Take();
    c.Take();
  }
  std::string kind = c.Peek().kind == SqlToken::Kind::kWord ? c.Take().text : "";
  QualifiedName name = c.Name();
  if (kind == "index" && Contains(batch_->new_indexes, name)) return;
  if (kind == "table" && IsNewTable(name)) return;
  takes_strong_lock_ = true;
  if (kind == "table") subject_ = name;
  Flag("reindex-locks-table", tokens_.front().line,
       "rebuilds " + (kind.empty() ? std::string("indexes") : kind + " " + name.Display()) +
           " without CONCURRENTLY");
}

void StatementLinter::Truncate() {
  if (!tokens_.back().IsWord("cascade")) return;
  Cursor c(&tokens_, 1, tokens_.size());
  c.Word("table");
  c.Word("only");
  QualifiedName table = c.Name();
  takes_strong_lock_ = true;
  subject_ = table;
  Flag("truncate-cascade", tokens_.front().line,
       "empties " + table.Display() + " with CASCADE");
}

void StatementLinter::RowChange(size_t at) {
  // WITH name [(columns)] AS [[NOT] MATERIALIZED] (query) [, ...] then the
  // statement: its verb is the first word outside the queries' parentheses.
  int depth = 0;
  if (tokens_[at].IsWord("with")) {
    for (++at; at < tokens_.size(); ++at) {
      const SqlToken& t = tokens_[at];
      if (t.IsSymbol("(")) ++depth;
      if (t.IsSymbol(")")) --depth;
      if (depth == 0 && (t.IsWord("update") || t.IsWord("delete") || t.IsWord("select") ||
                         t.IsWord("insert") || t.IsWord("merge")))
        break;
    }
    if (at == tokens_.size()) return;
  }
  Cursor c(&tokens_, at, tokens_.size());
  if (c.Word("merge")) return Merge(c);
  if (c.Word("insert")) return Upsert(c);
  // UPDATE [ONLY] table [*] [[AS] alias] SET ... [FROM ...] [WHERE ...]
  // DELETE FROM [ONLY] table [*] [[AS] alias] [USING ...] [WHERE ...]
  bool update = c.Word("update");
  if (!update && !(c.Word("delete") && c.Word("from"))) return;
  c.Word("only");
  QualifiedName table = c.Name();
  if (table.name.empty() || IsNewTable(table)) return;
  // A WHERE of the statement itself, not of a subquery in SET, FROM or
  // USING; WHERE CURRENT OF a cursor changes one row.
  if (FindOutsideParentheses(c.pos(), tokens_.size(), "where") < tokens_.size()) return;
  subject_ = table;
  Flag("unbatched-backfill", table.line,
       (update ? "updates every row of " : "deletes every row of ") + table.Display() +
           " in one statement");
}

size_t StatementLinter::FindOutsideParentheses(size_t from, size_t end, const char* word) const {
  int depth = 0;
  for (size_t i = from; i < end; ++i) {
    if (tokens_[i].IsSymbol("(")) ++depth;
    if (tokens_[i].IsSymbol(")")) --depth;
    if (depth == 0 && tokens_[i].IsWord(word)) return i;
  }
  return end;
}

void StatementLinter::Merge(Cursor c) {
  // MERGE INTO [ONLY] table [*] [[AS] alias] USING source ON condition
  //   WHEN MATCHED [AND condition] THEN {UPDATE SET ... | DELETE | DO NOTHING}
  //   WHEN NOT MATCHED ... THEN INSERT ...
  if (!c.Word("into")) return;
  c.Word("only");
  QualifiedName table = c.Name();
  if (table.name.empty() || IsNewTable(table)) return;
  const size_t end = tokens_.size();
  // Only a matched branch changes existing rows.
  bool changes_matched_rows = false;
  for (size_t i = FindOutsideParentheses(c.pos(), end, "when"); i + 1 < end;
       i = FindOutsideParentheses(i + 1, end, "when")) {
    if (!tokens_[i + 1].IsWord("matched")) continue;
    size_t then = FindOutsideParentheses(i + 2, end, "then");
    if (then + 1 < end && (tokens_[then + 1].IsWord("update") || tokens_[then + 1].IsWord("delete")))
      changes_matched_rows = true;
  }
  if (!changes_matched_rows) return;
  // A source that is a subquery with a WHERE or LIMIT of its own is a batch;
  // a table, or a subquery of all its rows, matches every row it can.
  size_t using_at = FindOutsideParentheses(c.pos(), end, "using");
  if (using_at + 1 < end && tokens_[using_at + 1].IsSymbol("(")) {
    size_t from = using_at + 2;
    size_t close = from;
    for (int depth = 1; close < end; ++close) {
      if (tokens_[close].IsSymbol("(")) ++depth;
      if (tokens_[close].IsSymbol(")") && --depth == 0) break;
    }
    if (FindOutsideParentheses(from, close, "where") < close ||
        FindOutsideParentheses(from, close, "limit") < close)
      return;
  }
  subject_ = table;
  Flag("unbatched-backfill", table.line,
       "merges into every matching row of " + table.Display() + " in one statement");
}

void StatementLinter::Upsert(Cursor c) {
  // INSERT INTO table [AS alias] [(columns)] [OVERRIDING ...] query
  //   ON CONFLICT [target] DO UPDATE SET ... [WHERE ...]
  if (!c.Word("into")) return;
  QualifiedName table = c.Name();
  if (table.name.empty() || IsNewTable(table)) return;
  const size_t end = tokens_.size();
  size_t on = FindOutsideParentheses(c.pos(), end, "on");
  while (on + 1 < end && !tokens_[on + 1].IsWord("conflict"))
    on = FindOutsideParentheses(on + 1, end, "on");
  if (on + 1 >= end) return;
  size_t action = FindOutsideParentheses(on + 2, end, "do");
  if (action + 1 >= end || !tokens_[action + 1].IsWord("update")) return;
  // Rows given as VALUES are as many as written; a SELECT with no WHERE or
  // LIMIT of its own brings every row of its source.
  size_t select = FindOutsideParentheses(c.pos(), on, "select");
  if (select == on) return;
  if (FindOutsideParentheses(select, on, "where") < on ||
      FindOutsideParentheses(select, on, "limit") < on)
    return;
  subject_ = table;
  Flag("unbatched-backfill", table.line,
       "updates every row of " + table.Display() +
           " that a row of the whole SELECT conflicts with (ON CONFLICT DO UPDATE), in one "
           "statement");
}

}  // namespace lint_internal

namespace {

using lint_internal::Rule;

/// The statement on one line, cut after about 100 bytes (not inside a
/// UTF-8 character).
std::string Excerpt(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (IsAsciiSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  const size_t kMax = 100;
  if (out.size() <= kMax) return out;
  size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "...";
}

/// `squawk-ignore NAME[, NAME...]`, squawk's comment for the statement after
/// it: the slugwright rules mapped to each squawk rule (SquawkRules) into
/// *ignored, so a team that switches keeps its ignores. A name slugwright
/// does not map (a squawk rule it has no counterpart for) silences nothing
/// and is no error. False for other comments (also `squawk-ignore-file`).
bool ReadSquawkIgnore(const std::string& text, std::set<std::string>* ignored) {
  static const std::string kMarker = "squawk-ignore";
  if (text.compare(0, kMarker.size(), kMarker) != 0) return false;
  if (text.size() > kMarker.size() && !IsAsciiSpace(text[kMarker.size()])) return false;
  std::string rest = text.substr(kMarker.size());
  size_t reason = rest.find("--");
  if (reason != std::string::npos) rest.resize(reason);
  size_t pos = 0;
  while (pos < rest.size()) {
    size_t end = rest.find_first_of(" \t,", pos);
    if (end == std::string::npos) end = rest.size();
    std::string name = rest.substr(pos, end - pos);
    pos = end + 1;
    for (const SquawkRule& squawk : SquawkRules())
      if (squawk.name == name) ignored->insert(squawk.rules.begin(), squawk.rules.end());
  }
  return true;
}

/// The rules a `slugwright-lint-ignore` comment names, into *ignored;
/// nothing for other comments. Throws UserError(kExitUsage) for a marker
/// naming no rule or an unknown one.
void ReadIgnore(const SqlComment& comment, const std::string& file, std::set<std::string>* ignored) {
  static const std::string kMarker = "slugwright-lint-ignore";
  std::string text = Trim(comment.text);
  if (ReadSquawkIgnore(text, ignored)) return;
  if (text.compare(0, kMarker.size(), kMarker) != 0) return;
  std::string rest = text.substr(kMarker.size());
  size_t reason = rest.find("--");
  if (reason != std::string::npos) rest.resize(reason);
  std::vector<std::string> ids;
  for (const LintRule& rule : LintRules()) ids.push_back(rule.id);
  std::string where = file + ":" + std::to_string(comment.line) + ": ";
  size_t named = 0;
  size_t pos = 0;
  while (pos < rest.size()) {
    size_t end = rest.find_first_of(" \t,", pos);
    if (end == std::string::npos) end = rest.size();
    std::string id = rest.substr(pos, end - pos);
    pos = end + 1;
    if (id.empty()) continue;
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
      std::vector<std::string> close = ClosestMatches(id, ids);
      throw UserError(kExitUsage, where + "`slugwright-lint-ignore` names `" + id +
                                      "`, which is no lint rule" +
                                      (close.empty() ? "" : "; did you mean " +
                                                                JoinAlternatives(close) + "?") +
                                      " (docs/lint.md lists them)");
    }
    ignored->insert(id);
    ++named;
  }
  if (named == 0)
    throw UserError(kExitUsage, where + "`slugwright-lint-ignore` names no rule; write the "
                                        "rule ids it silences, e.g. `-- slugwright-lint-ignore "
                                        "drop-column` (docs/lint.md lists them)");
}

/// Where each statement is in its source text and which rules its
/// comments silence: those inside it, those between it and the statement
/// before (except on that statement's last line), and those after it on
/// its last line.
std::vector<std::set<std::string>> IgnoredRules(const std::string& file,
                                                const std::vector<SqlStatement>& statements,
                                                const std::string& source) {
  std::vector<std::set<std::string>> ignored(statements.size());
  size_t pos = 0;
  int previous_last_line = 0;
  for (size_t k = 0; k < statements.size(); ++k) {
    const SqlStatement& s = statements[k];
    SqlTokens own = TokenizeSql(s.text, s.line);
    for (const SqlComment& comment : own.comments) ReadIgnore(comment, file, &ignored[k]);
    size_t start = source.empty() ? std::string::npos : source.find(s.text, pos);
    if (start != std::string::npos) {
      // The gap holds only whitespace and comments; count its lines back
      // from the statement's first line.
      std::string gap = source.substr(pos, start - pos);
      int gap_lines = TokenizeSql(gap, 0).last_line;
      for (const SqlComment& c : TokenizeSql(gap, s.line - gap_lines).comments) {
        size_t owner = (k > 0 && c.line == previous_last_line) ? k - 1 : k;
        ReadIgnore(c, file, &ignored[owner]);
      }
      pos = start + s.text.size();
    }
    previous_last_line = own.last_line;
  }
  if (!statements.empty() && pos > 0 && pos < source.size()) {
    for (const SqlComment& c : TokenizeSql(source.substr(pos), previous_last_line).comments)
      if (c.line == previous_last_line) ReadIgnore(c, file, &ignored.back());
  }
  return ignored;
}

/// The line that turns the transaction off in this migration's format.
std::string Annotation(const Migration& m) {
  const std::string up = ".up.sql";
  bool golang = m.up_path.size() >= up.size() &&
                m.up_path.compare(m.up_path.size() - up.size(), up.size(), up) == 0;
  return golang ? "-- slugwright: transaction:false" : "-- migrate:up transaction:false";
}

}  // namespace

MigrationLinter::MigrationLinter(LintOptions options)
    : options_(options), batch_(std::make_unique<LintBatchState>()) {}

MigrationLinter::~MigrationLinter() = default;

std::vector<LintFinding> MigrationLinter::Lint(const Migration& migration) {
  std::vector<SqlStatement> statements = SplitSqlOrThrow(
      migration.up_sql, migration.up_path, migration.up_first_line, migration.split_options);
  return LintMigrationStatements(migration.up_path, migration.version, statements,
                                 migration.up_sql, migration.up_in_transaction,
                                 Annotation(migration), true);
}

std::vector<LintFinding> MigrationLinter::LintStatements(
    const std::string& file, int64_t version, const std::vector<SqlStatement>& statements,
    const std::string& source, bool in_transaction, const std::string& annotation) {
  return LintMigrationStatements(file, version, statements, source, in_transaction, annotation,
                                 false);
}

namespace {

/// The finding for a statement slugwright's runner could not run where it
/// is, or none (rule empty).
LintFinding RunnerFinding(const SqlStatement& s, bool in_transaction,
                          const std::string& annotation) {
  LintFinding f;
  f.line = s.line;
  std::string refusal = CheckStatement(s, in_transaction, annotation);
  if (!refusal.empty()) {
    f.rule = in_transaction && CannotRunInTransaction(s) ? "cannot-run-in-transaction"
                                                         : "statement-not-runnable";
    f.why = refusal;
    // The rule's `instead` says what to add; keep the reason only.
    size_t advice = f.rule == "cannot-run-in-transaction" ? f.why.find("; add `") : std::string::npos;
    if (advice != std::string::npos) f.why.resize(advice);
  } else if (in_transaction && IsTransactionControl(s.text)) {
    f.rule = "transaction-control-in-migration";
    f.why = "starts or ends a transaction in a migration that slugwright runs in a "
            "transaction of its own (with its history row)";
  } else {
    return f;
  }
  const LintRule& rule = Rule(f.rule);
  f.why += ": " + rule.why;
  f.instead = rule.instead;
  size_t at = f.instead.find("{annotation}");
  if (at != std::string::npos) f.instead.replace(at, 12, annotation);
  return f;
}

}  // namespace

std::vector<LintFinding> MigrationLinter::LintMigrationStatements(
    const std::string& file, int64_t version, const std::vector<SqlStatement>& statements,
    const std::string& source, bool in_transaction, const std::string& annotation,
    bool runner_checks) {
  std::vector<std::set<std::string>> ignored = IgnoredRules(file, statements, source);
  // A table is new only in the migration that creates it.
  batch_->new_tables.clear();
  batch_->new_indexes.clear();
  batch_->not_valid_constraints.clear();
  batch_->lock_timeout_set = false;
  bool lock_timeout_flagged = false;
  std::vector<LintFinding> findings;
  for (size_t k = 0; k < statements.size(); ++k) {
    const SqlStatement& s = statements[k];
    SqlTokens lexed = TokenizeSql(s.text, s.line);
    if (!lexed.tokens.empty() && lexed.tokens.back().IsSymbol(";")) lexed.tokens.pop_back();
    lint_internal::StatementContext context{file, version, Excerpt(s.text), in_transaction,
                                            annotation, &options_};
    lint_internal::StatementLinter linter(lexed.tokens, context, batch_.get());
    linter.Run();
    std::vector<LintFinding>& found = linter.findings();
    if (runner_checks) {
      LintFinding refused = RunnerFinding(s, in_transaction, annotation);
      if (!refused.rule.empty()) {
        refused.file = file;
        refused.version = version;
        refused.statement = context.excerpt;
        found.insert(found.begin(), std::move(refused));
      }
    }
    if (options_.require_lock_timeout && linter.takes_strong_lock() &&
        !batch_->lock_timeout_set && !lock_timeout_flagged) {
      lock_timeout_flagged = true;
      const LintRule& rule = Rule("missing-lock-timeout");
      found.insert(found.begin(), {file, s.line, version, rule.id, context.excerpt,
                                   "this migration takes a strong lock on an existing table "
                                   "without setting lock_timeout first: " + rule.why,
                                   rule.instead, SqlName{}});
    }
    for (LintFinding& f : found)
      if (!ignored[k].count(f.rule)) findings.push_back(std::move(f));
  }
  return findings;
}

std::vector<LintFinding> LintMigrations(const std::vector<Migration>& migrations,
                                        const LintOptions& options) {
  MigrationLinter linter(options);
  std::vector<LintFinding> findings;
  for (const Migration& m : migrations) {
    if (m.up_blank) continue;
    std::vector<LintFinding> found = linter.Lint(m);
    findings.insert(findings.end(), found.begin(), found.end());
  }
  return findings;
}

LintOutcome LintBatch(const std::vector<Migration>& migrations, const LintOptions& options) {
  MigrationLinter linter(options);
  LintOutcome outcome;
  outcome.migrations = migrations.size();
  for (const Migration& m : migrations) {
    if (m.up_blank) continue;
    try {
      std::vector<LintFinding> found = linter.Lint(m);
      outcome.findings.insert(outcome.findings.end(), found.begin(), found.end());
    } catch (const UserError& e) {
      outcome.errors.push_back({m.up_path, e.what()});
    }
  }
  return outcome;
}
