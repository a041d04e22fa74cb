// libFuzzer target for SplitSql (src/sql/splitter.h): arbitrary bytes as a
// script. Besides crashes and sanitizer reports, it aborts when a property
// of the result does not hold.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "sql/splitter.h"

namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

/// 1 + the number of line breaks (LF, CRLF, lone CR).
int LineCount(std::string_view text) {
  int lines = 1;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n' ||
        (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')))
      ++lines;
  return lines;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view script(reinterpret_cast<const char*>(data), size);
  const int lines = LineCount(script);
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  bool ok = SplitSql(script, 1, &statements, &error);

  // Counting from another first line moves every line, nothing else.
  std::vector<SqlStatement> shifted;
  SqlSplitError shifted_error;
  Check(SplitSql(script, 100, &shifted, &shifted_error) == ok,
        "first_line does not change success");

  if (!ok) {
    Check(error.line >= 1 && error.line <= lines, "error line in range");
    Check(error.message.rfind("unterminated ", 0) == 0 ||
              error.message.rfind("psql meta-command `\\", 0) == 0,
          "error message");
    Check(shifted_error.line == error.line + 99, "error line shifts");
    Check(shifted_error.message == error.message, "same error message");
    return 0;
  }
  Check(shifted.size() == statements.size(), "same statements when shifted");
  size_t from = 0;
  int previous_line = 1;
  for (size_t i = 0; i < statements.size(); ++i) {
    const SqlStatement& s = statements[i];
    Check(!s.text.empty(), "statement not empty");
    Check(!IsSpace(s.text.front()) && !IsSpace(s.text.back()),
          "statement trimmed");
    Check(s.line >= previous_line && s.line <= lines, "lines in order");
    previous_line = s.line;
    // In order in the script (find may stop at an earlier copy, e.g. in a
    // comment, which is never after the real one).
    size_t at = script.find(s.text, from);
    Check(at != std::string_view::npos, "statement is text of the script");
    from = at + s.text.size();
    Check(shifted[i].text == s.text && shifted[i].line == s.line + 99,
          "statement shifts");
    // A statement split again is itself: splitting is lexically closed.
    std::vector<SqlStatement> again;
    SqlSplitError again_error;
    Check(SplitSql(s.text, s.line, &again, &again_error), "re-split succeeds");
    Check(again.size() == 1 && again[0].text == s.text &&
              again[0].line == s.line,
          "re-split gives the statement back");
  }
  return 0;
}
