#ifndef SLUGWRIGHT_SQL_TOKENS_H_
#define SLUGWRIGHT_SQL_TOKENS_H_

// The tokens of one SQL statement as the lint rules (lint/migration_lint.h) read
// them: words lower-cased as PostgreSQL folds them, "quoted names" kept as
// written, strings, numbers and symbols, each with its line; and the
// comments, where `-- slugwright-lint-ignore` lives. Not a validating
// lexer: the splitter (sql/splitter.h) has already refused unterminated
// constructs, and whatever the lexer is given it ends without failing.

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

struct SqlToken {
  enum class Kind { kWord, kQuotedName, kString, kNumber, kSymbol };
  Kind kind = Kind::kSymbol;
  /// A word lower-cased (ASCII); a quoted name without its quotes ("" is
  /// one "); a string or number as written; a symbol's characters (`(`,
  /// `)`, `,`, `;`, `.`, `::`, `[`, `]`, or a run of operator characters).
  std::string text;
  int line = 0;

  bool IsWord(std::string_view word) const { return kind == Kind::kWord && text == word; }
  bool IsSymbol(std::string_view symbol) const {
    return kind == Kind::kSymbol && text == symbol;
  }
  /// A word or a quoted name: something that can name a table or column.
  bool IsName() const { return kind == Kind::kWord || kind == Kind::kQuotedName; }
};

/// One `--` or `/* */` comment: its text without the markers, and the
/// line it starts on.
struct SqlComment {
  std::string text;
  int line = 0;
};

struct SqlTokens {
  std::vector<SqlToken> tokens;
  std::vector<SqlComment> comments;
  /// The line the text ends on (where the lexer stopped, when truncated).
  int last_line = 0;
  /// The lexer stopped after `max_tokens` tokens with text left over.
  bool truncated = false;
};

/// Lexes `text`, whose first byte is on `first_line`; LF, CRLF and a lone
/// CR each end a line. Stops after `max_tokens` tokens (and the comments
/// before them), for a reader that needs only a statement's first words.
SqlTokens TokenizeSql(std::string_view text, int first_line,
                      size_t max_tokens = std::numeric_limits<size_t>::max());

#endif  // SLUGWRIGHT_SQL_TOKENS_H_
