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

/// A line slugwright accepted but writes differently from how it was
/// written (e.g. `web:cmd` becomes `web: cmd`), so that Heroku's Cedar and
/// Fir readers both read what was validated.
struct ProcfileWarning {
  int line = 0;
  std::string text;
  std::string message;

  /// "Procfile:3: `web:x`: <message>".
  std::string Format(const std::string& file_name) const;
};

/// The process types of a Procfile, in file order.
struct Procfile {
  std::vector<ProcessType> processes;
  /// Lines normalised on the way in, in file order.
  std::vector<ProcfileWarning> warnings;

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

/// Whose reading of process type names a Procfile is checked against:
/// the platform that builds it (bin/compile: Cedar, bin/build: Fir), or
/// both, for an app that must run the same on either.
enum class ProcfilePlatform {
  /// Names as Cedar runs them (`[A-Za-z0-9_-]+`, any length), kept as
  /// written, with a warning where Fir would rename or refuse them.
  kCedar,
  /// Names as heroku/procfile reads them: upper case and `_` rewritten
  /// (lowercase, `-`) with a warning; anything else not `[a-z0-9-]`, 1 to
  /// 63 characters, starting and ending with a letter or digit, refused.
  kFir,
  /// Only names both read alike: `[a-z0-9-]`, 1 to 63, no `-` at an end.
  kBoth,
};

/// "cedar", "fir", "both".
const char* ProcfilePlatformName(ProcfilePlatform platform);
/// Reads "cedar", "fir" or "both"; false for anything else.
bool ParseProcfilePlatform(const std::string& text, ProcfilePlatform* platform);

/// The largest Procfile accepted; anything bigger is a mistake.
constexpr size_t kMaxProcfileBytes = 1 << 20;

/// Parses a Procfile as `platform` reads it (buildpack/heroku_procfile_readers.h
/// has both readers): `name: command` per line, blank lines and `#`
/// comments ignored, names as ProcfilePlatform says. What the readers take
/// alike but differently from the canonical form (a BOM, CRLF or lone-CR
/// line ends, blanks before the name, no blank after the colon) is
/// accepted with a warning; WriteCanonicalProcfile() then writes it so
/// both read it the same. Lines whose meaning the readers do not agree on
/// (no colon, blank before the colon, a duplicate type) fail with what
/// each would do, on every platform. Empty files, NUL bytes, control
/// characters and invalid UTF-8 are errors too.
bool ParseProcfile(const std::string& contents, ProcfilePlatform platform, Procfile* procfile,
                   ProcfileError* error);

/// ParseProcfile() for ProcfilePlatform::kBoth.
bool ParseProcfile(const std::string& contents, Procfile* procfile,
                   ProcfileError* error);

/// The canonical text of a Procfile that ParseProcfile() read from
/// `contents` into `parsed`: every process line as `name: command`, comment
/// and blank lines kept, LF line ends, no BOM. A Procfile already in that
/// form comes back byte for byte.
std::string WriteCanonicalProcfile(const std::string& contents, const Procfile& parsed);

/// True when `text` is well-formed UTF-8; otherwise sets *bad_offset to the
/// first offending byte.
bool IsValidUtf8(const std::string& text, size_t* bad_offset);

#endif  // SLUGWRIGHT_BUILDPACK_PROCFILE_H_
