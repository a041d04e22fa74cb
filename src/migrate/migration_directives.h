#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_DIRECTIVES_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_DIRECTIVES_H_

// The comment lines of a migration file that mean something to slugwright:
// dbmate's section markers (`-- migrate:up transaction:false`,
// `-- migrate:down`) and the `-- slugwright: transaction:false` directive of
// an `.up.sql` or `.down.sql` file; and walking a file line by line to
// find them without lexing its SQL.

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

/// One line of a file: [begin, end) without its line break; `next` is
/// where the following line begins; `number` counts from 1.
struct SourceLine {
  size_t begin;
  size_t end;
  size_t next;
  int number;
};

/// Calls `visit(line)` for each line of `text` from `from` on, without
/// collecting them (an applied file is only scanned for its markers). LF,
/// CRLF and a lone CR each end a line.
template <typename Visit>
void ForEachLine(std::string_view text, size_t from, Visit visit) {
  int number = 1;
  size_t begin = from;
  // Most files end their lines with LF alone: memchr finds them.
  const bool has_cr = std::memchr(text.data() + from, '\r', text.size() - from) != nullptr;
  while (begin < text.size()) {
    size_t i = begin;
    if (has_cr) {
      while (i < text.size() && text[i] != '\n' && text[i] != '\r') ++i;
    } else {
      const void* lf = std::memchr(text.data() + begin, '\n', text.size() - begin);
      i = lf ? static_cast<size_t>(static_cast<const char*>(lf) - text.data()) : text.size();
    }
    if (i == text.size()) {
      visit(SourceLine{begin, text.size(), text.size(), number});
      return;
    }
    size_t next = i + 1;
    if (text[i] == '\r' && next < text.size() && text[next] == '\n') ++next;
    visit(SourceLine{begin, i, next, number++});
    begin = next;
  }
}

/// A `--` comment line that means something to slugwright.
struct Directive {
  enum class Kind { kNone, kMarker, kSlugwright };
  Kind kind = Kind::kNone;
  /// For a marker, what follows `migrate:` ("up", "down" or a mistake).
  std::string_view section;
  /// The words after the marker or after `slugwright:`.
  std::vector<std::string_view> options;
};

/// Recognizes `-- migrate:<section> [options]` and `-- slugwright:
/// [options]` (the words `migrate:` and `slugwright:` in any case, so that a
/// misspelled marker is reported rather than taken for SQL); kNone for
/// every other line. The views point into `line`.
Directive ParseDirective(std::string_view line);

/// Reads the options of a marker or directive: only `transaction:false` and
/// `transaction:true`, each at most once; true (run in a transaction) when
/// neither is given. `text` is the whole line, for messages. Throws
/// UserError(kExitUsage) naming `path` and the line for anything else.
bool ReadTransactionOption(const std::string& path, const SourceLine& line,
                           std::string_view text, const Directive& d);

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_DIRECTIVES_H_
