#include "migrate/directory_source.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "base/checksum.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "sql/splitter.h"
#include "sql/statement_rules.h"

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr size_t kMaxVersionDigits = 18;
constexpr size_t kMaxNewNameLength = 200;

[[noreturn]] void Fail(const std::string& message) {
  throw UserError(kExitUsage, message);
}

/// `path:line` for messages.
std::string At(const std::string& path, int line) {
  return path + ":" + std::to_string(line);
}

bool EndsWithNoCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  text = text.substr(text.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         EndsWithNoCase(text.substr(0, prefix.size()), prefix);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

std::string Hex(unsigned char byte) {
  static const char kHex[] = "0123456789ABCDEF";
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 0xF];
}

/// `text` for a message, control characters shown as hex.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F)
      out += "\\x" + Hex(u).substr(2);
    else
      out.push_back(c);
  }
  return out;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

/// The 1-based line and byte column of `offset`; LF, CRLF and a lone CR
/// each end a line.
std::pair<int, size_t> LineAndColumn(std::string_view text, size_t offset) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n' ||
        (text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

/// The offset of the first byte that starts an invalid UTF-8 sequence
/// (overlong forms, surrogates and code points above U+10FFFF included), or
/// npos.
size_t FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t code_point, smallest;
    if ((lead & 0xE0) == 0xC0) {
      length = 2, code_point = lead & 0x1F, smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code_point = lead & 0x0F, smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code_point = lead & 0x07, smallest = 0x10000;
    } else {
      return i;
    }
    if (text.size() - i < length) return i;
    for (size_t k = 1; k < length; ++k) {
      unsigned char c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      code_point = (code_point << 6) | (c & 0x3F);
    }
    if (code_point < smallest || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF))
      return i;
    i += length;
  }
  return std::string_view::npos;
}

/// Rejects what is not a text file of reasonable size.
void CheckText(const std::string& path, std::string_view contents) {
  if (contents.size() > kMaxMigrationFileBytes)
    Fail(path + ": " + std::to_string(contents.size()) +
         " bytes, larger than the limit of 16 MiB for a migration file; "
         "expected a smaller file (split it into several migrations)");
  size_t nul = contents.find('\0');
  size_t bad = FindInvalidUtf8(contents.substr(0, nul));
  if (bad != std::string_view::npos) {
    auto [line, column] = LineAndColumn(contents, bad);
    Fail(At(path, line) + ": invalid UTF-8 sequence starting with byte " +
         Hex(static_cast<unsigned char>(contents[bad])) + " at column " +
         std::to_string(column) + " (byte " + std::to_string(bad + 1) +
         " of the file); expected UTF-8 text (convert the file, e.g. with "
         "`iconv -f latin1 -t utf-8`)");
  }
  if (nul != std::string_view::npos) {
    auto [line, column] = LineAndColumn(contents, nul);
    Fail(At(path, line) + ": NUL byte at column " + std::to_string(column) +
         " (byte " + std::to_string(nul + 1) +
         " of the file); expected a text file");
  }
}

/// One line of a file: [begin, end) without its line break; `next` is
/// where the following line begins.
struct Line {
  size_t begin;
  size_t end;
  size_t next;
  int number;
};

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
/// misspelled marker is reported rather than taken for SQL).
Directive ParseDirective(std::string_view line) {
  Directive d;
  // Most lines are SQL: one look at the first byte settles them.
  if (line.empty() || (line[0] != '-' && !IsBlank(line[0]))) return d;
  size_t i = 0;
  while (i < line.size() && IsBlank(line[i])) ++i;
  if (line.substr(i, 2) != "--") return d;
  i += 2;
  while (i < line.size() && IsBlank(line[i])) ++i;
  std::string_view rest = line.substr(i);
  bool marker = StartsWithNoCase(rest, "migrate:");
  if (!marker && !StartsWithNoCase(rest, "slugwright:")) return d;
  rest.remove_prefix(marker ? 8 : 11);
  std::vector<std::string_view> words;
  size_t k = 0;
  while (k < rest.size()) {
    if (IsSpace(rest[k])) {
      ++k;
      continue;
    }
    size_t start = k;
    while (k < rest.size() && !IsSpace(rest[k])) ++k;
    words.push_back(rest.substr(start, k - start));
  }
  if (marker) {
    d.kind = Directive::Kind::kMarker;
    // `-- migrate: up` (a blank after the colon) is a misspelling too.
    if (!rest.empty() && !IsSpace(rest[0]) && !words.empty()) {
      d.section = words.front();
      words.erase(words.begin());
    }
  } else {
    d.kind = Directive::Kind::kSlugwright;
  }
  d.options = std::move(words);
  return d;
}

/// Reads the options of a marker or directive: only `transaction:false` and
/// `transaction:true`, each at most once.
bool InTransaction(const std::string& path, const Line& line,
                   std::string_view text, const Directive& d) {
  bool in_transaction = true;
  bool seen = false;
  for (std::string_view option : d.options) {
    if (option != "transaction:false" && option != "transaction:true")
      Fail(At(path, line.number) + ": unknown option `" + Printable(option) +
           "` in `" + Printable(text) +
           "`; expected `transaction:false` or `transaction:true`");
    if (seen)
      Fail(At(path, line.number) + ": `transaction:` given twice in `" +
           Printable(text) + "`; expected it once");
    seen = true;
    in_transaction = option == "transaction:true";
  }
  return in_transaction;
}

/// The SQL of a section: [begin, end) of the file without the blank lines
/// around it, and the line it starts on.
struct Section {
  std::string_view text;
  int first_line;
};

Section TrimSection(std::string_view contents, size_t begin, size_t end,
                    int begin_line) {
  int line = begin_line;
  size_t line_start = begin;
  size_t p = begin;
  for (; p < end && IsSpace(contents[p]); ++p) {
    if (contents[p] == '\r' && p + 1 < end && contents[p + 1] == '\n') ++p;
    if (contents[p] == '\n' || contents[p] == '\r') {
      ++line;
      line_start = p + 1;
    }
  }
  if (p == end) return {std::string_view(), begin_line};
  size_t e = end;
  while (e > line_start && IsSpace(contents[e - 1])) --e;
  return {contents.substr(line_start, e - line_start), line};
}

/// The start of a statement, for messages.
std::string Excerpt(const std::string& statement) {
  std::string_view text = statement;
  size_t end = text.find_first_of("\r\n");
  if (end == std::string_view::npos) end = text.size();
  const size_t kMax = 60;
  bool cut = end > kMax;
  if (cut) {
    end = kMax;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
      --end;
  }
  return Printable(text.substr(0, end)) + (cut ? "..." : "");
}

const char* Extension(MigrationFileKind kind) {
  switch (kind) {
    case MigrationFileKind::kUp:
      return ".up.sql";
    case MigrationFileKind::kDown:
      return ".down.sql";
    case MigrationFileKind::kDbmate:
      break;
  }
  return ".sql";
}

/// ParseMigrationFileName without throwing: false with a reason (naming the
/// file) for a malformed name.
bool TryParseMigrationFileName(const std::string& path, MigrationFileName* out,
                               std::string* err) {
  std::string_view file_name = path;
  size_t slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  std::string_view stem = file_name;
  if (EndsWithNoCase(stem, ".down.sql")) {
    out->kind = MigrationFileKind::kDown;
    stem.remove_suffix(9);
  } else if (EndsWithNoCase(stem, ".up.sql")) {
    out->kind = MigrationFileKind::kUp;
    stem.remove_suffix(7);
  } else if (EndsWithNoCase(stem, ".sql")) {
    out->kind = MigrationFileKind::kDbmate;
    stem.remove_suffix(4);
  } else {
    *err = path + ": not a migration file; expected a name ending in `.sql`";
    return false;
  }
  // A literal, not a std::string: this runs for every file of every run.
  static constexpr const char* expected =
      "; expected `<version>_<name>.sql` (or `.up.sql`/`.down.sql`), e.g. "
      "`20240101120000_create_users.sql`";
  size_t digits = 0;
  while (digits < stem.size() && IsDigit(stem[digits])) ++digits;
  if (digits == 0) {
    *err = path + ": the name `" + Printable(file_name) +
           "` does not start with a version number" + expected;
    return false;
  }
  std::string_view version = stem.substr(0, digits);
  if (digits > kMaxVersionDigits) {
    *err = path + ": the version `" + std::string(version) + "` has " +
           std::to_string(digits) + " digits; expected at most " +
           std::to_string(kMaxVersionDigits);
    return false;
  }
  std::string_view name;
  if (out->kind == MigrationFileKind::kDbmate) {
    // dbmate's own grammar, `^\d+.*\.sql$`: anything after the version,
    // which may start with `_` or `-` (`20240101-add.sql`) or be empty.
    name = stem.substr(digits);
    if (!name.empty() && (name[0] == '_' || name[0] == '-')) name.remove_prefix(1);
  } else if (digits == stem.size() || stem[digits] != '_') {
    // golang-migrate's: `<version>_<name>.up.sql`.
    *err = path + ": the version `" + std::string(version) +
           "` is not followed by `_` and a name in `" + Printable(file_name) +
           "`" + expected;
    return false;
  } else {
    name = stem.substr(digits + 1);
  }
  if (name.empty() && out->kind != MigrationFileKind::kDbmate) {
    *err = path + ": no name after `" + std::string(stem) + "` in `" +
           Printable(file_name) + "`" + expected;
    return false;
  }
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      *err = path + ": the name `" + Printable(name) +
             "` holds a control character; expected printable characters";
      return false;
    }
  }
  out->version = 0;
  for (char c : version) out->version = out->version * 10 + (c - '0');
  out->name = std::string(name);
  out->stem = std::string(stem);
  return true;
}

/// Refuses, naming the file and line, a statement the migration could not
/// run as slugwright would send it (sql/statement_rules.h).
void CheckStatements(const std::string& path, const std::vector<SqlStatement>& statements,
                     bool in_transaction, const std::string& annotation) {
  for (const SqlStatement& s : statements) {
    std::string why = CheckStatement(s, in_transaction, annotation);
    if (!why.empty()) Fail(At(path, s.line) + ": " + why);
  }
}

/// True when a section is more than blanks. One with text but no statement
/// holds only comments: golang-migrate applies such a file as a no-op, and
/// so does slugwright; a blank one is a template not filled in yet.
bool HasText(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") != std::string_view::npos;
}

/// Calls `visit(line)` for each line of `text` from `from` on, without
/// collecting them: an applied file is only scanned for its markers.
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
      visit(Line{begin, text.size(), text.size(), number});
      return;
    }
    size_t next = i + 1;
    if (text[i] == '\r' && next < text.size() && text[next] == '\n') ++next;
    visit(Line{begin, i, next, number++});
    begin = next;
  }
}

/// Where the sections of a dbmate-style file are, found from its marker
/// lines alone: no lexing, so indexing an applied file stays cheap.
struct DbmateLayout {
  /// Where the `-- migrate:up` line begins: the text before it must hold
  /// only comments.
  size_t up_marker_begin = 0;
  int up_marker_line = 0;
  bool has_down_marker = false;
  bool up_in_transaction = true;
  bool down_in_transaction = true;
  Section up;
  Section down;
};

/// Finds the markers of a dbmate-style file; `body` is where the text after
/// an optional BOM starts. Throws for a missing, misplaced, repeated or
/// misspelled marker and for an unknown option.
DbmateLayout LayOutDbmate(const std::string& path, std::string_view contents,
                          size_t body, const std::string& stem) {
  DbmateLayout layout;
  bool up_seen = false;
  int down_marker_line = 0;
  Line up{}, down{};
  ForEachLine(contents, body, [&](const Line& line) {
    std::string_view text = contents.substr(line.begin, line.end - line.begin);
    Directive d = ParseDirective(text);
    if (d.kind == Directive::Kind::kSlugwright)
      Fail(At(path, line.number) + ": `" + Printable(text) +
           "`: `-- slugwright:` directives are for .up.sql and .down.sql "
           "files; expected `-- migrate:up transaction:false` in a "
           "dbmate-style file");
    if (d.kind != Directive::Kind::kMarker) return;
    if (d.section != "up" && d.section != "down")
      Fail(At(path, line.number) + ": `" + Printable(text) +
           "` is not a marker; expected `-- migrate:up` or "
           "`-- migrate:down`, optionally followed by `transaction:false` "
           "(reword a comment that starts with `migrate:`)");
    bool in_transaction = InTransaction(path, line, text, d);
    if (d.section == "up") {
      // (A down marker before this one was already refused: it came
      // before any up marker, or this is a second up marker.)
      if (up_seen)
        Fail(At(path, line.number) + ": a second `-- migrate:up` (the first "
             "is on line " + std::to_string(up.number) +
             "); expected one up section");
      up_seen = true;
      up = line;
      layout.up_in_transaction = in_transaction;
    } else {
      if (layout.has_down_marker)
        Fail(At(path, line.number) + ": a second `-- migrate:down` (the first "
             "is on line " + std::to_string(down_marker_line) +
             "); expected at most one down section");
      if (!up_seen)
        Fail(At(path, line.number) + ": `-- migrate:down` before any "
             "`-- migrate:up`; expected the up section first");
      layout.has_down_marker = true;
      down_marker_line = line.number;
      down = line;
      layout.down_in_transaction = in_transaction;
    }
  });
  if (!up_seen)
    Fail(path + ": no `-- migrate:up` line; expected `-- migrate:up`, the "
         "SQL, then optionally `-- migrate:down` and its SQL (a file of plain "
         "SQL is named `" + Printable(stem) + ".up.sql`)");
  layout.up_marker_begin = up.begin;
  layout.up_marker_line = up.number;
  size_t up_end = layout.has_down_marker ? down.begin : contents.size();
  layout.up = TrimSection(contents, up.next, up_end, up.number + 1);
  if (layout.has_down_marker)
    layout.down = TrimSection(contents, down.next, contents.size(), down.number + 1);
  return layout;
}

/// Parses a dbmate-style file into *m; `body` is where the text after an
/// optional BOM starts.
void ParseDbmate(const std::string& path, std::string_view contents,
                 size_t body, const std::string& stem, Migration* m) {
  DbmateLayout layout = LayOutDbmate(path, contents, body, stem);
  m->up_in_transaction = layout.up_in_transaction;
  m->down_in_transaction = layout.down_in_transaction;
  std::vector<SqlStatement> before = SplitSqlOrThrow(
      contents.substr(body, layout.up_marker_begin - body), path, 1, m->split_options);
  if (!before.empty())
    Fail(At(path, before.front().line) + ": `" + Excerpt(before.front().text) +
         "` before `-- migrate:up` (line " + std::to_string(layout.up_marker_line) +
         "); expected only comments before the up section");

  const Section& up_section = layout.up;
  std::vector<SqlStatement> up_statements =
      SplitSqlOrThrow(up_section.text, path, up_section.first_line, m->split_options);
  // Blank (a fresh `migrate new` template): read, listed as pending and
  // empty, refused by `up` (RefuseBlankUpSections).
  m->up_blank = up_statements.empty() && !HasText(up_section.text);
  CheckStatements(path, up_statements, m->up_in_transaction, "-- migrate:up transaction:false");
  m->up_path = path;
  m->up_sql = std::string(up_section.text);
  m->up_first_line = up_section.first_line;
  m->checksum = MigrationChecksum(m->up_sql);

  if (layout.has_down_marker) {
    const Section& down_section = layout.down;
    std::vector<SqlStatement> down_statements =
        SplitSqlOrThrow(down_section.text, path, down_section.first_line, m->split_options);
    CheckStatements(path, down_statements, m->down_in_transaction,
                    "-- migrate:down transaction:false");
    if (!down_statements.empty()) {
      m->has_down = true;
      m->down_path = path;
      m->down_sql = std::string(down_section.text);
      m->down_first_line = down_section.first_line;
    }
  }
}

/// Where the SQL of an `.up.sql` or `.down.sql` file is, from its
/// directive line alone.
struct PlainLayout {
  bool in_transaction = true;
  /// The file has a `-- slugwright:` directive line.
  bool has_directive = false;
  Section section;
};

PlainLayout LayOutPlain(const std::string& path, std::string_view contents,
                        size_t body, const MigrationFileName& file_name) {
  PlainLayout layout;
  size_t sql_begin = body;
  int sql_line = 1;
  ForEachLine(contents, body, [&](const Line& line) {
    std::string_view text = contents.substr(line.begin, line.end - line.begin);
    Directive d = ParseDirective(text);
    if (d.kind == Directive::Kind::kMarker)
      Fail(At(path, line.number) + ": `" + Printable(text) + "` in a " +
           Extension(file_name.kind) +
           " file; expected plain SQL (a file with `-- migrate:up` and "
           "`-- migrate:down` sections is named `" +
           Printable(file_name.stem) + ".sql`)");
    if (d.kind != Directive::Kind::kSlugwright) return;
    if (line.number != 1)
      Fail(At(path, line.number) + ": `" + Printable(text) +
           "` is not the first line; expected the `-- slugwright:` "
           "directive on the first line");
    if (d.options.empty())
      Fail(At(path, line.number) + ": `" + Printable(text) +
           "` has no option; expected `-- slugwright: transaction:false`");
    layout.in_transaction = InTransaction(path, line, text, d);
    layout.has_directive = true;
    sql_begin = line.next;
    sql_line = 2;
  });
  layout.section = TrimSection(contents, sql_begin, contents.size(), sql_line);
  return layout;
}

[[noreturn]] void FailNoSqlAfterDirective(const std::string& path) {
  Fail(path + ": no SQL statement after the `-- slugwright:` directive; expected the SQL "
       "of the migration");
}

/// Parses an `.up.sql` or `.down.sql` file into *m.
void ParsePlain(const std::string& path, std::string_view contents,
                size_t body, const MigrationFileName& file_name, Migration* m) {
  PlainLayout layout = LayOutPlain(path, contents, body, file_name);
  bool in_transaction = layout.in_transaction;
  const Section& section = layout.section;
  std::vector<SqlStatement> statements = SplitSqlOrThrow(section.text, path, section.first_line,
                                                           m->split_options);
  // golang-migrate sends a file as one query, so a file whose one statement
  // PostgreSQL refuses in a transaction (`CREATE INDEX CONCURRENTLY`) runs
  // there: so it does here, outside one. With more statements, or a
  // directive, the file says how it runs.
  if (!layout.has_directive && statements.size() == 1 && CannotRunInTransaction(statements[0]))
    in_transaction = false;
  CheckStatements(path, statements, in_transaction,
                  "-- slugwright: transaction:false");
  bool has_sql = !statements.empty();
  if (file_name.kind == MigrationFileKind::kUp) {
    if (!has_sql && !HasText(section.text)) FailNoSqlAfterDirective(path);
    m->up_path = path;
    m->up_sql = std::string(section.text);
    m->up_first_line = section.first_line;
    m->up_in_transaction = in_transaction;
    m->checksum = MigrationChecksum(m->up_sql);
  } else {
    m->down_in_transaction = in_transaction;
    if (has_sql) {
      m->has_down = true;
      m->down_path = path;
      m->down_sql = std::string(section.text);
      m->down_first_line = section.first_line;
    }
  }
}

/// Where the text after an optional BOM starts; refuses a file that holds
/// nothing but blanks.
size_t BodyOrFailEmpty(const std::string& path, std::string_view contents,
                       const MigrationFileName& file_name) {
  size_t body = contents.substr(0, kUtf8Bom.size()) == kUtf8Bom
                    ? kUtf8Bom.size()
                    : 0;
  bool blank = true;
  for (size_t i = body; i < contents.size() && blank; ++i)
    blank = IsSpace(contents[i]);
  if (blank)
    Fail(path + ": the file is empty; expected " +
         (file_name.kind == MigrationFileKind::kDbmate
              ? std::string("`-- migrate:up` followed by SQL")
              : file_name.kind == MigrationFileKind::kUp
                    ? std::string("the SQL of the migration")
                    : std::string("the SQL undoing `") + file_name.stem +
                          ".up.sql` (or no .down.sql file)"));
  return body;
}

/// What DirectorySource::ReadIndex keeps of a file: its layout and the
/// checksum of its up section, its SQL neither split nor checked.
Migration IndexMigrationFile(const std::string& path, std::string_view contents,
                             const MigrationFileName& file_name) {
  size_t body = BodyOrFailEmpty(path, contents, file_name);
  Migration m;
  m.version = file_name.version;
  m.name = file_name.name;
  m.sql_checked = false;
  if (file_name.kind == MigrationFileKind::kDbmate) {
    DbmateLayout layout = LayOutDbmate(path, contents, body, file_name.stem);
    m.up_path = path;
    m.up_in_transaction = layout.up_in_transaction;
    m.down_in_transaction = layout.down_in_transaction;
    m.up_first_line = layout.up.first_line;
    m.up_blank = !HasText(layout.up.text);
    m.checksum = MigrationChecksum(layout.up.text);
    if (layout.has_down_marker) m.down_path = path;
    return m;
  }
  PlainLayout layout = LayOutPlain(path, contents, body, file_name);
  if (file_name.kind == MigrationFileKind::kUp) {
    if (!HasText(layout.section.text)) FailNoSqlAfterDirective(path);
    m.up_path = path;
    m.up_in_transaction = layout.in_transaction;
    m.up_first_line = layout.section.first_line;
    m.checksum = MigrationChecksum(layout.section.text);
  } else {
    m.down_path = path;
    m.down_in_transaction = layout.in_transaction;
  }
  return m;
}

}  // namespace

bool IsMigrationFileName(std::string_view file_name) {
  return !file_name.empty() && file_name[0] != '.' &&
         EndsWithNoCase(file_name, ".sql");
}

MigrationFileName ParseMigrationFileName(const std::string& path) {
  MigrationFileName out;
  std::string err;
  if (!TryParseMigrationFileName(path, &out, &err)) Fail(err);
  return out;
}

Migration ParseMigrationFile(const std::string& path,
                             std::string_view contents, const SqlSplitOptions& options) {
  MigrationFileName file_name = ParseMigrationFileName(path);
  CheckText(path, contents);
  size_t body = BodyOrFailEmpty(path, contents, file_name);
  Migration m;
  m.version = file_name.version;
  m.name = file_name.name;
  m.split_options = options;
  if (file_name.kind == MigrationFileKind::kDbmate)
    ParseDbmate(path, contents, body, file_name.stem, &m);
  else
    ParsePlain(path, contents, body, file_name, &m);
  return m;
}

DirectorySource::DirectorySource(DiskInterface* disk, std::string dir)
    : disk_(disk), dir_(std::move(dir)) {}

std::string DirectorySource::Describe() const {
  if (!dir_.empty() && dir_.back() == '/') return dir_;
  return dir_ + "/";
}

std::vector<Migration> DirectorySource::ReadAll() { return Read(/*check=*/true); }

std::vector<Migration> DirectorySource::ReadIndex() { return Read(/*check=*/false); }

std::string DirectorySource::ReadFileOrFail(const std::string& path) {
  std::string contents, err;
  if (!disk_->ReadFile(path, kMaxMigrationFileBytes, &contents, &err))
    Fail("cannot read migration file " + err);
  return contents;
}

Migration DirectorySource::ReadChecked(const Migration& indexed) {
  if (indexed.sql_checked) return indexed;
  Migration m =
      ParseMigrationFile(indexed.up_path, ReadFileOrFail(indexed.up_path), split_options_);
  if (!indexed.down_path.empty() && indexed.down_path != indexed.up_path)
    MergeDown(ParseMigrationFile(indexed.down_path, ReadFileOrFail(indexed.down_path),
                                 split_options_),
              &m);
  return m;
}

void DirectorySource::MergeDown(const Migration& d, Migration* m) {
  m->down_in_transaction = d.down_in_transaction;
  m->has_down = d.has_down;
  m->down_path = d.down_path;
  m->down_sql = d.down_sql;
  m->down_first_line = d.down_first_line;
}

std::vector<DirectorySource::File> DirectorySource::ReadFiles(bool check) {
  switch (disk_->Stat(dir_)) {
    case DiskInterface::Kind::kDirectory:
      break;
    case DiskInterface::Kind::kMissing:
      Fail("the migrations directory `" + dir_ +
           "` does not exist; expected a directory of .sql migration files "
           "(the `migrations:` setting of slugwright.yml, relative to the app "
           "root)");
    default:
      Fail("`" + dir_ + "` is not a directory; expected the directory of "
           ".sql migration files");
  }
  std::vector<DiskInterface::Entry> entries;
  std::string err;
  if (!disk_->ListDirectoryEntries(dir_, &entries, &err))
    Fail("cannot list the migrations directory: " + err);

  std::vector<File> files;
  files.reserve(entries.size());
  for (const DiskInterface::Entry& entry : entries) {
    if (!IsMigrationFileName(entry.name)) continue;
    std::string path = JoinPath(dir_, entry.name);
    // The listing's kind spares a stat per file; a symlink is followed.
    switch (entry.kind_known ? entry.kind : disk_->Stat(path)) {
      case DiskInterface::Kind::kFile:
        break;
      case DiskInterface::Kind::kDirectory:
        continue;
      case DiskInterface::Kind::kMissing:
        Fail(path + ": a dangling symbolic link (or the file vanished); "
             "expected a migration file");
      case DiskInterface::Kind::kOther:
        Fail(path + ": not a regular file; expected a migration file");
    }
    MigrationFileName name = ParseMigrationFileName(path);
    std::string contents = ReadFileOrFail(path);
    Migration migration = check ? ParseMigrationFile(path, contents, split_options_)
                                : IndexMigrationFile(path, contents, name);
    files.push_back({std::move(path), std::move(name), std::move(migration)});
  }
  // In listing order within a version, so the messages below name the
  // same file first however the files were read. (Usually sorted already.)
  auto by_version = [](const File& a, const File& b) { return a.name.version < b.name.version; };
  if (!std::is_sorted(files.begin(), files.end(), by_version))
    std::stable_sort(files.begin(), files.end(), by_version);
  return files;
}

std::vector<Migration> DirectorySource::Read(bool check) {
  std::vector<File> files = ReadFiles(check);
  std::vector<Migration> migrations;
  migrations.reserve(files.size());
  for (size_t begin = 0; begin < files.size();) {
    size_t end = begin;
    while (end < files.size() && files[end].name.version == files[begin].name.version) ++end;
    migrations.push_back(Assemble(&files, begin, end));
    begin = end;
  }
  return migrations;
}

Migration DirectorySource::Assemble(std::vector<File>* all, size_t begin, size_t end) {
  const int64_t version = (*all)[begin].name.version;
  File* primary = nullptr;
  std::vector<const File*> downs;
  for (size_t i = begin; i < end; ++i) {
    File& file = (*all)[i];
    if (file.name.kind == MigrationFileKind::kDown) {
      downs.push_back(&file);
    } else if (primary) {
      Fail(file.path + ": version " + std::to_string(version) +
           " is also the version of " + primary->path +
           "; expected each version once (leading zeros do not count: "
           "`001` and `1` are the same version)");
    } else {
      primary = &file;
    }
  }
  for (const File* down : downs) {
    if (!primary)
      Fail(down->path + ": no `" + down->name.stem +
           ".up.sql` beside it; expected a .down.sql file next to the "
           ".up.sql it undoes");
    if (primary->name.kind == MigrationFileKind::kDbmate)
      Fail(down->path + ": version " + std::to_string(version) +
           " is also the dbmate-style migration " + primary->path +
           "; expected either one file with a `-- migrate:down` section "
           "or an .up.sql/.down.sql pair");
    if (down->name.stem != primary->name.stem)
      Fail(down->path + ": no `" + down->name.stem +
           ".up.sql` beside it (version " + std::to_string(version) +
           " is " + primary->path +
           "); expected the .down.sql file to be named like its .up.sql");
  }
  if (downs.size() > 1)
    Fail(downs[1]->path + ": a second down file for " + primary->path +
         " (the first is " + downs[0]->path + "); expected one");
  Migration m = std::move(primary->migration);
  if (!downs.empty()) MergeDown(downs[0]->migration, &m);
  return m;
}

std::string CreateMigrationFile(DiskInterface* disk, const std::string& dir,
                                const std::string& name, std::time_t now) {
  bool valid = !name.empty() && name.size() <= kMaxNewNameLength;
  for (char c : name)
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      IsDigit(c) || c == '_' || c == '-');
  if (!valid)
    Fail("invalid migration name `" + Printable(name) +
         "`; expected 1 to " + std::to_string(kMaxNewNameLength) +
         " letters, digits, `_` or `-`, e.g. `create_users`");

  std::tm utc;
  if (!gmtime_r(&now, &utc) || utc.tm_year + 1900 < 1000 ||
      utc.tm_year + 1900 > 9999)
    Fail("the clock reads " + std::to_string(static_cast<long long>(now)) +
         " seconds since 1970; expected a time between the years 1000 and "
         "9999 for a migration version");
  char version[32];
  strftime(version, sizeof version, "%Y%m%d%H%M%S", &utc);
  std::string path = JoinPath(dir, std::string(version) + "_" + name + ".sql");

  std::string err;
  switch (disk->Stat(dir)) {
    case DiskInterface::Kind::kMissing:
      if (!disk->MakeDirs(dir, &err)) Fail(err);  // Names the directory.
      break;
    case DiskInterface::Kind::kDirectory: {
      std::vector<std::string> names;
      if (!disk->ListDirectory(dir, &names, &err))
        Fail("cannot list the migrations directory: " + err);
      for (const std::string& entry : names) {
        MigrationFileName existing;
        std::string ignored;
        if (IsMigrationFileName(entry) &&
            TryParseMigrationFileName(entry, &existing, &ignored) &&
            existing.version == std::stoll(version))
          Fail(JoinPath(dir, entry) + " already has the version " + version +
               "; expected a new version (wait a second and run again)");
      }
      break;
    }
    default:
      Fail("`" + dir + "` is not a directory; expected a directory for the "
           "migration files");
  }
  if (disk->Stat(path) != DiskInterface::Kind::kMissing)
    Fail(path + " already exists; expected a new migration name");
  const std::string kTemplate = "-- migrate:up\n\n\n-- migrate:down\n\n";
  if (!disk->WriteFileAtomically(path, kTemplate, 0644, &err))
    Fail(err);  // Names the file.
  return path;
}
