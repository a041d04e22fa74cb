#include "migrate/migration_sections.h"

#include "base/ascii.h"
#include "migrate/migration_file_errors.h"
#include "sql/source_text.h"
#include "sql/statement_rules.h"

Section TrimSection(std::string_view contents, size_t begin, size_t end, int begin_line) {
  int line = begin_line;
  size_t line_start = begin;
  size_t p = begin;
  for (; p < end && IsAsciiSpace(contents[p]); ++p) {
    if (contents[p] == '\r' && p + 1 < end && contents[p + 1] == '\n') ++p;
    if (contents[p] == '\n' || contents[p] == '\r') {
      ++line;
      line_start = p + 1;
    }
  }
  if (p == end) return {std::string_view(), begin_line};
  size_t e = end;
  while (e > line_start && IsAsciiSpace(contents[e - 1])) --e;
  return {contents.substr(line_start, e - line_start), line};
}

bool HasText(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") != std::string_view::npos;
}

void CheckStatements(const std::string& path, const std::vector<SqlStatement>& statements,
                     bool in_transaction, const std::string& annotation,
                     const SqlSplitOptions& options) {
  if (!options.refuse_unrunnable_statements) return;
  for (const SqlStatement& s : statements) {
    std::string why = CheckStatement(s, in_transaction, annotation);
    if (!why.empty()) FailMigrationFile(FileLine(path, s.line) + ": " + why);
  }
}

std::string StatementExcerpt(const std::string& statement) {
  std::string_view text = statement;
  size_t end = text.find_first_of("\r\n");
  if (end == std::string_view::npos) end = text.size();
  const size_t kMax = 60;
  bool cut = end > kMax;
  if (cut) {
    end = kMax;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  }
  return Printable(text.substr(0, end)) + (cut ? "..." : "");
}
