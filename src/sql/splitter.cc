#include "sql/splitter.h"

#include <array>

#include "base/ascii.h"
#include "base/exit_codes.h"
#include "sql/identifier_bytes.h"

namespace {

/// Walks a script once, token by token, collecting statements.
class Splitter {
 public:
  Splitter(std::string_view script, int first_line, const SqlSplitOptions& options)
      : s_(script), line_(first_line),
        standard_conforming_strings_(options.standard_conforming_strings) {}

  bool Run(std::vector<SqlStatement>* statements, SqlSplitError* error);

 private:
  /// The line `pos` is on. Positions must be asked for in increasing order:
  /// the count moves forward from the last one.
  int LineAt(size_t pos);
  /// The start of the text at `pos`, up to the end of its line, for messages.
  std::string Excerpt(size_t pos) const;
  bool Fail(size_t start, const std::string& what, const std::string& expected,
            SqlSplitError* error);

  /// Each Skip* starts at pos_ on the construct's first byte and leaves pos_
  /// just after it; false (with *error filled) when it is unterminated.
  void SkipLineComment();
  bool SkipBlockComment(SqlSplitError* error);
  /// A quoted string or identifier whose opening `quote` is at pos_; a
  /// doubled quote stands for one. `start` is where the token began (the E
  /// of E'...').
  bool SkipQuoted(size_t start, char quote, bool backslash_escapes,
                  SqlSplitError* error);
  /// `$1`, `$$...$$`, `$tag$...$tag$`, or a `$` that is none of these.
  bool SkipDollar(SqlSplitError* error);

  /// Tracks the first words of the statement to recognize a routine with a
  /// SQL-standard body, and the depth of BEGIN ATOMIC / CASE ... END in it.
  void SeeWord(std::string_view word);
  bool IsRoutineDefinition() const;
  void StartStatement();
  /// Fails on the psql meta-command whose backslash is at pos_.
  bool FailMetaCommand(SqlSplitError* error);
  /// Follows `SET [SESSION|LOCAL] standard_conforming_strings = on|off` in
  /// the statement that just ended.
  void SeeSetting(std::string_view statement);

  std::string_view s_;
  size_t pos_ = 0;
  size_t line_pos_ = 0;
  int line_;

  int paren_depth_ = 0;
  int atomic_depth_ = 0;
  int word_count_ = 0;
  std::array<std::string, 4> first_words_;
  bool previous_word_was_begin_ = false;
  bool standard_conforming_strings_;
};

/// What to write instead of each psql meta-command slugwright cannot run.
std::string InsteadOfMetaCommand(const std::string& command) {
  if (command == "\\c" || command == "\\connect")
    return "remove it: a migration runs on the database of DATABASE_URL";
  if (command == "\\set" || command == "\\gset" || command == "\\unset")
    return "write the values into the SQL, or compute them in a DO block";
  if (command == "\\i" || command == "\\ir" || command == "\\include" ||
      command == "\\include_relative")
    return "put that file's SQL here, or make it a migration of its own";
  if (command == "\\copy" || command == "\\.")
    return "load the rows with INSERT ... VALUES (slugwright sends no COPY data)";
  if (command == "\\;") return "end the statement with `;`";
  return "write plain SQL: slugwright sends each statement to the server, not to psql";
}

int Splitter::LineAt(size_t pos) {
  for (; line_pos_ < pos; ++line_pos_) {
    char c = s_[line_pos_];
    if (c == '\n' ||
        (c == '\r' && (line_pos_ + 1 >= s_.size() || s_[line_pos_ + 1] != '\n')))
      ++line_;
  }
  return line_;
}

std::string Splitter::Excerpt(size_t pos) const {
  const size_t kMaxBytes = 40;
  size_t end = pos;
  while (end < s_.size() && s_[end] != '\n' && s_[end] != '\r' &&
         end - pos < kMaxBytes)
    ++end;
  bool cut = end < s_.size() && s_[end] != '\n' && s_[end] != '\r';
  // Never cut a UTF-8 sequence in two.
  if (cut)
    while (end > pos && (static_cast<unsigned char>(s_[end]) & 0xC0) == 0x80)
      --end;
  return std::string(s_.substr(pos, end - pos)) + (cut ? "..." : "");
}

bool Splitter::Fail(size_t start, const std::string& what,
                    const std::string& expected, SqlSplitError* error) {
  error->line = LineAt(start);
  error->message =
      "unterminated " + what + " `" + Excerpt(start) + "`; expected " + expected;
  return false;
}

void Splitter::SkipLineComment() {
  while (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != '\r') ++pos_;
}

bool Splitter::SkipBlockComment(SqlSplitError* error) {
  size_t start = pos_;
  pos_ += 2;
  int depth = 1;
  while (pos_ + 1 < s_.size()) {
    if (s_[pos_] == '/' && s_[pos_ + 1] == '*') {
      ++depth;
      pos_ += 2;
    } else if (s_[pos_] == '*' && s_[pos_ + 1] == '/') {
      pos_ += 2;
      if (--depth == 0) return true;
    } else {
      ++pos_;
    }
  }
  return Fail(start, "block comment",
              "a closing `*/` (block comments nest: each `/*` needs its own "
              "`*/`)",
              error);
}

bool Splitter::SkipQuoted(size_t start, char quote, bool backslash_escapes,
                          SqlSplitError* error) {
  ++pos_;
  while (pos_ < s_.size()) {
    char c = s_[pos_];
    if (backslash_escapes && c == '\\') {
      pos_ += 2;
    } else if (c == quote) {
      if (pos_ + 1 < s_.size() && s_[pos_ + 1] == quote) {
        pos_ += 2;
      } else {
        ++pos_;
        return true;
      }
    } else {
      ++pos_;
    }
  }
  pos_ = s_.size();
  if (quote == '"')
    return Fail(start, "quoted identifier", "a closing `\"`", error);
  if (backslash_escapes)
    return Fail(start, "escape string",
                "a closing `'` (in E'...' a backslash escapes the next "
                "character)",
                error);
  return Fail(start, "quoted string", "a closing `'`", error);
}

bool Splitter::SkipDollar(SqlSplitError* error) {
  size_t start = pos_;
  size_t k = pos_ + 1;
  if (k < s_.size() && IsAsciiDigit(s_[k])) {
    while (k < s_.size() && IsAsciiDigit(s_[k])) ++k;
    pos_ = k;
    return true;
  }
  if (k < s_.size() && IsIdentStart(s_[k]))
    while (k < s_.size() && IsTagCont(s_[k])) ++k;
  if (k >= s_.size() || s_[k] != '$') {
    pos_ = k;
    return true;
  }
  std::string_view delimiter = s_.substr(start, k + 1 - start);
  size_t close = s_.find(delimiter, k + 1);
  if (close == std::string_view::npos) {
    pos_ = s_.size();
    return Fail(start, "dollar-quoted string",
                "a closing `" + std::string(delimiter) + "`", error);
  }
  pos_ = close + delimiter.size();
  return true;
}

bool Splitter::IsRoutineDefinition() const {
  auto routine = [](const std::string& w) {
    return w == "function" || w == "procedure";
  };
  const auto& w = first_words_;
  return w[0] == "create" &&
         (routine(w[1]) || (w[1] == "or" && w[2] == "replace" && routine(w[3])));
}

void Splitter::SeeWord(std::string_view word) {
  // Longer words cannot be any keyword of interest: do not copy them.
  std::string lower = word.size() <= 9 ? AsciiLower(word) : std::string();
  if (word_count_ < static_cast<int>(first_words_.size()))
    first_words_[word_count_++] = lower;
  if (paren_depth_ == 0 && IsRoutineDefinition()) {
    if (lower == "atomic" && previous_word_was_begin_)
      ++atomic_depth_;
    else if (lower == "case" && atomic_depth_ > 0)
      ++atomic_depth_;  // CASE also ends with END.
    else if (lower == "end" && atomic_depth_ > 0)
      --atomic_depth_;
  }
  previous_word_was_begin_ = lower == "begin";
}

void Splitter::StartStatement() {
  paren_depth_ = 0;
  atomic_depth_ = 0;
  word_count_ = 0;
  first_words_ = {};
  previous_word_was_begin_ = false;
}

bool Splitter::FailMetaCommand(SqlSplitError* error) {
  size_t end = pos_ + 1;
  if (end < s_.size() && (s_[end] == ';' || s_[end] == '.' || s_[end] == '\\')) {
    ++end;
  } else {
    while (end < s_.size() && (IsTagCont(s_[end]) || s_[end] == '_')) ++end;
  }
  std::string command(s_.substr(pos_, end - pos_));
  error->line = LineAt(pos_);
  // The backslash itself always shows, whatever bytes follow it.
  error->message = "psql meta-command `\\" + Excerpt(pos_ + 1) +
                   "`: only psql understands it, and slugwright sends SQL to the server; " +
                   InsteadOfMetaCommand(command);
  return false;
}

void Splitter::SeeSetting(std::string_view statement) {
  if (first_words_[0] != "set") return;
  std::string lower = AsciiLower(statement);
  size_t name = lower.find("standard_conforming_strings");
  if (name == std::string::npos) return;
  std::string rest = lower.substr(name + 27);
  size_t value = rest.find_first_not_of(" \t\r\n=");
  if (value == std::string::npos) return;
  if (rest.compare(value, 2, "to") == 0) value = rest.find_first_not_of(" \t\r\n", value + 2);
  if (value == std::string::npos) return;
  std::string word = rest.substr(value);
  if (!word.empty() && word[0] == '\'') word.erase(0, 1);
  if (word.compare(0, 3, "off") == 0 || word.compare(0, 5, "false") == 0)
    standard_conforming_strings_ = false;
  else if (word.compare(0, 2, "on") == 0 || word.compare(0, 4, "true") == 0 ||
           word.compare(0, 7, "default") == 0)
    standard_conforming_strings_ = true;
}

bool Splitter::Run(std::vector<SqlStatement>* statements,
                   SqlSplitError* error) {
  statements->clear();
  const size_t kNone = std::string_view::npos;
  size_t statement_start = kNone;
  int statement_line = 0;
  size_t statement_end = 0;
  auto emit = [&](size_t end) {
    statements->push_back(
        {std::string(s_.substr(statement_start, end - statement_start)),
         statement_line});
    SeeSetting(statements->back().text);
    statement_start = kNone;
    StartStatement();
  };

  StartStatement();
  while (pos_ < s_.size()) {
    char c = s_[pos_];
    char next = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
    if (IsAsciiSpace(c)) {
      ++pos_;
      continue;
    }
    if (c == '-' && next == '-') {
      SkipLineComment();
      continue;
    }
    if (c == '/' && next == '*') {
      if (!SkipBlockComment(error)) return false;
      continue;
    }
    if (c == ';' && paren_depth_ == 0 && atomic_depth_ == 0) {
      ++pos_;
      if (statement_start != kNone) emit(pos_);
      continue;
    }
    if (statement_start == kNone) {
      statement_start = pos_;
      statement_line = LineAt(pos_);
    }
    size_t token_start = pos_;
    bool word = false;
    if (c == '\\') return FailMetaCommand(error);
    if (c == '\'' || c == '"') {
      if (!SkipQuoted(token_start, c, c == '\'' && !standard_conforming_strings_, error))
        return false;
    } else if (c == '$') {
      if (!SkipDollar(error)) return false;
    } else if (IsIdentStart(c)) {
      while (pos_ < s_.size() && IsIdentCont(s_[pos_])) ++pos_;
      std::string_view text = s_.substr(token_start, pos_ - token_start);
      if ((text == "E" || text == "e") && pos_ < s_.size() && s_[pos_] == '\'') {
        if (!SkipQuoted(token_start, '\'', true, error)) return false;
      } else {
        SeeWord(text);
        word = true;
      }
    } else {
      if (c == '(') ++paren_depth_;
      if (c == ')' && paren_depth_ > 0) --paren_depth_;
      ++pos_;
    }
    if (!word) previous_word_was_begin_ = false;
    statement_end = pos_;
  }
  if (statement_start != kNone) emit(statement_end);
  return true;
}

}  // namespace

bool SplitSql(std::string_view script, int first_line,
              std::vector<SqlStatement>* statements, SqlSplitError* error,
              const SqlSplitOptions& options) {
  return Splitter(script, first_line, options).Run(statements, error);
}

std::vector<SqlStatement> SplitSqlOrThrow(std::string_view script,
                                          const std::string& file,
                                          int first_line,
                                          const SqlSplitOptions& options) {
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  if (!SplitSql(script, first_line, &statements, &error, options))
    throw UserError(kExitUsage,
                    file + ":" + std::to_string(error.line) + ": " + error.message);
  return statements;
}
