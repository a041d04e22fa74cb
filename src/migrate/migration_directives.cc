#include "migrate/migration_directives.h"

#include "base/ascii.h"
#include "migrate/migration_file_errors.h"
#include "sql/source_text.h"

namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (AsciiLower(text[i]) != prefix[i]) return false;
  return true;
}

}  // namespace

Directive ParseDirective(std::string_view line) {
  Directive d;
  // Most lines are SQL: one look at the first byte settles them.
  if (line.empty() || (line[0] != '-' && !IsAsciiBlank(line[0]))) return d;
  size_t i = 0;
  while (i < line.size() && IsAsciiBlank(line[i])) ++i;
  if (line.substr(i, 2) != "--") return d;
  i += 2;
  while (i < line.size() && IsAsciiBlank(line[i])) ++i;
  std::string_view rest = line.substr(i);
  bool marker = StartsWithNoCase(rest, "migrate:");
  if (!marker && !StartsWithNoCase(rest, "slugwright:")) return d;
  rest.remove_prefix(marker ? 8 : 11);
  std::vector<std::string_view> words;
  size_t k = 0;
  while (k < rest.size()) {
    if (IsAsciiSpace(rest[k])) {
      ++k;
      continue;
    }
    size_t start = k;
    while (k < rest.size() && !IsAsciiSpace(rest[k])) ++k;
    words.push_back(rest.substr(start, k - start));
  }
  if (marker) {
    d.kind = Directive::Kind::kMarker;
    // `-- migrate: up` (a blank after the colon) is a misspelling too.
    if (!rest.empty() && !IsAsciiSpace(rest[0]) && !words.empty()) {
      d.section = words.front();
      words.erase(words.begin());
    }
  } else {
    d.kind = Directive::Kind::kSlugwright;
  }
  d.options = std::move(words);
  return d;
}

bool ReadTransactionOption(const std::string& path, const SourceLine& line, std::string_view text,
                           const Directive& d) {
  bool in_transaction = true;
  bool seen = false;
  for (std::string_view option : d.options) {
    if (option != "transaction:false" && option != "transaction:true")
      FailMigrationFile(FileLine(path, line.number) + ": unknown option `" + Printable(option) +
                        "` in `" + Printable(text) +
                        "`; expected `transaction:false` or `transaction:true`");
    if (seen)
      FailMigrationFile(FileLine(path, line.number) + ": `transaction:` given twice in `" +
                        Printable(text) + "`; expected it once");
    seen = true;
    in_transaction = option == "transaction:true";
  }
  return in_transaction;
}
