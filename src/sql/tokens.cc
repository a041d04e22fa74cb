#include "sql/tokens.h"

#include "base/ascii.h"
#include "sql/identifier_bytes.h"

namespace {

bool IsOperatorChar(char c) {
  return std::string_view("+-*/<>=~!@#%^&|`?").find(c) != std::string_view::npos;
}

/// Walks the text once; every Read* starts at pos_ on the construct's first
/// byte and leaves pos_ after it (or at the end of the text).
class Lexer {
 public:
  Lexer(std::string_view s, int first_line) : s_(s), line_(first_line) {}

  SqlTokens Run(size_t max_tokens) {
    SqlTokens out;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      token_line_ = line_;
      if (out.tokens.size() >= max_tokens && !IsAsciiSpace(c)) {
        out.truncated = true;
        break;
      }
      if (IsAsciiSpace(c)) {
        Advance();
      } else if (c == '-' && Next() == '-') {
        ReadLineComment(&out);
      } else if (c == '/' && Next() == '*') {
        ReadBlockComment(&out);
      } else if (c == '\'') {
        Push(&out, SqlToken::Kind::kString, ReadQuoted('\'', false));
      } else if ((c == 'e' || c == 'E') && Next() == '\'') {
        Advance();
        Push(&out, SqlToken::Kind::kString, ReadQuoted('\'', true));
      } else if (c == '"') {
        Push(&out, SqlToken::Kind::kQuotedName, ReadQuoted('"', false));
      } else if (c == '$' && DollarTagEnd() != std::string_view::npos) {
        Push(&out, SqlToken::Kind::kString, ReadDollarQuoted());
      } else if (IsIdentStart(c)) {
        Push(&out, SqlToken::Kind::kWord, ReadWord());
      } else if (IsAsciiDigit(c) || (c == '.' && IsAsciiDigit(Next()))) {
        Push(&out, SqlToken::Kind::kNumber, ReadWhile(&Lexer::IsNumberChar));
      } else if (c == ':' && Next() == ':') {
        Advance();
        Advance();
        Push(&out, SqlToken::Kind::kSymbol, "::");
      } else if (IsOperatorChar(c)) {
        Push(&out, SqlToken::Kind::kSymbol, ReadWhile(&Lexer::IsOperator));
      } else {
        Advance();
        Push(&out, SqlToken::Kind::kSymbol, std::string(1, c));
      }
    }
    out.last_line = line_;
    return out;
  }

 private:
  static bool IsNumberChar(char c) { return IsAsciiDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '_'; }
  static bool IsOperator(char c) { return IsOperatorChar(c); }

  char Next() const { return pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0'; }

  /// Moves one byte on, counting the line it ends.
  void Advance() {
    char c = s_[pos_++];
    if (c == '\n' || (c == '\r' && (pos_ >= s_.size() || s_[pos_] != '\n'))) ++line_;
  }

  void Push(SqlTokens* out, SqlToken::Kind kind, std::string text) {
    out->tokens.push_back({kind, std::move(text), token_line_});
  }

  std::string ReadWhile(bool (*accept)(char)) {
    token_line_ = line_;
    size_t start = pos_;
    while (pos_ < s_.size() && accept(s_[pos_])) Advance();
    return std::string(s_.substr(start, pos_ - start));
  }

  std::string ReadWord() {
    token_line_ = line_;
    size_t start = pos_;
    // A word holds no line break: no line to count.
    while (pos_ < s_.size() && IsIdentCont(s_[pos_])) ++pos_;
    return AsciiLower(s_.substr(start, pos_ - start));
  }

  void ReadLineComment(SqlTokens* out) {
    int line = line_;
    size_t start = pos_ + 2;
    while (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != '\r') Advance();
    out->comments.push_back({std::string(s_.substr(start, pos_ - start)), line});
  }

  void ReadBlockComment(SqlTokens* out) {
    int line = line_;
    Advance();
    Advance();
    size_t start = pos_;
    size_t end = s_.size();
    int depth = 1;
    while (pos_ < s_.size()) {
      if (s_[pos_] == '/' && Next() == '*') {
        ++depth;
        Advance();
      } else if (s_[pos_] == '*' && Next() == '/' && --depth == 0) {
        end = pos_;
        Advance();
        Advance();
        break;
      }
      Advance();
    }
    out->comments.push_back({std::string(s_.substr(start, end - start)), line});
  }

  /// The contents of a quoted string or name whose opening `quote` is at
  /// pos_; a doubled quote is one.
  std::string ReadQuoted(char quote, bool backslash_escapes) {
    token_line_ = line_;
    Advance();
    std::string text;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (backslash_escapes && c == '\\' && pos_ + 1 < s_.size()) {
        text += c;
        Advance();
        text += s_[pos_];
        Advance();
        continue;
      }
      Advance();
      if (c == quote) {
        if (pos_ < s_.size() && s_[pos_] == quote) {
          text += c;
          Advance();
          continue;
        }
        break;
      }
      text += c;
    }
    return text;
  }

  /// Where the `$tag$` starting at pos_ ends (the closing `$`), npos when
  /// the `$` does not start one (`$1`, a lone `$`).
  size_t DollarTagEnd() const {
    size_t k = pos_ + 1;
    if (k < s_.size() && IsAsciiDigit(s_[k])) return std::string_view::npos;
    while (k < s_.size() && (IsIdentStart(s_[k]) || IsAsciiDigit(s_[k]))) ++k;
    return k < s_.size() && s_[k] == '$' ? k : std::string_view::npos;
  }

  std::string ReadDollarQuoted() {
    token_line_ = line_;
    size_t tag_end = DollarTagEnd();
    std::string_view tag = s_.substr(pos_, tag_end + 1 - pos_);
    while (pos_ <= tag_end) Advance();
    size_t close = s_.find(tag, pos_);
    size_t end = close == std::string_view::npos ? s_.size() : close;
    std::string body(s_.substr(pos_, end - pos_));
    size_t stop = close == std::string_view::npos ? s_.size() : close + tag.size();
    while (pos_ < stop) Advance();
    return body;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int line_;
  int token_line_ = 0;
};

}  // namespace

SqlTokens TokenizeSql(std::string_view text, int first_line, size_t max_tokens) {
  return Lexer(text, first_line).Run(max_tokens);
}
