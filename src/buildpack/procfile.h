#ifndef SLUGWRIGHT_BUILDPACK_PROCFILE_H_
#define SLUGWRIGHT_BUILDPACK_PROCFILE_H_

#include <string>
#include <vector>

/// One `type: command` line of a Procfile.
struct ProcessType {
  std::string name;
  std::string command;
  /// 1-based line number in the file it came from.
  int line = 0;
};

/// The process types of a Procfile, in file order.
struct Procfile {
  std::vector<ProcessType> processes;

  const ProcessType* Find(const std::string& name) const;
};

/// Why a Procfile was rejected: where, the offending text, and what was
/// expected.
struct ProcfileError {
  int line = 0;
  std::string text;
  std::string reason;

  /// "Procfile:3: `web npm start`: <reason>", text shortened if long.
  std::string Format(const std::string& file_name) const;
};

/// The largest Procfile accepted; anything bigger is a mistake.
constexpr size_t kMaxProcfileBytes = 1 << 20;

/// Parses a Procfile as Heroku does: `name: command` per line, names made
/// of `[A-Za-z0-9_-]`, blank lines and `#` comments ignored, CRLF and a
/// UTF-8 BOM tolerated. Where Heroku would silently drop a line or let a
/// later duplicate win, this fails instead. Empty files, NUL bytes and
/// invalid UTF-8 are errors too.
bool ParseProcfile(const std::string& contents, Procfile* procfile,
                   ProcfileError* error);

/// True when `text` is well-formed UTF-8; otherwise sets *bad_offset to the
/// first offending byte.
bool IsValidUtf8(const std::string& text, size_t* bad_offset);

#endif  // SLUGWRIGHT_BUILDPACK_PROCFILE_H_
