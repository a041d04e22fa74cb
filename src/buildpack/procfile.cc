#include "buildpack/procfile.h"

#include <cctype>
#include <cstdio>
#include <map>

namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

const size_t kMaxProcessTypeLength = 63;

/// Trims spaces and tabs only, as Heroku's Procfile readers do.
std::string TrimBlanks(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && IsBlank(s[begin])) ++begin;
  while (end > begin && IsBlank(s[end - 1])) --end;
  return s.substr(begin, end - begin);
}

std::string Shorten(const std::string& text) {
  const size_t kMax = 120;
  if (text.size() <= kMax) return text;
  size_t cut = kMax;
  // Do not cut a UTF-8 sequence in half.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
    --cut;
  return text.substr(0, cut) + "... (" + std::to_string(text.size()) +
         " bytes)";
}

}  // namespace

const ProcessType* Procfile::Find(const std::string& name) const {
  for (const ProcessType& p : processes)
    if (p.name == name) return &p;
  return nullptr;
}

std::string ProcfileError::Format(const std::string& file_name) const {
  std::string out = file_name;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!text.empty()) out += "`" + Shorten(text) + "`: ";
  return out + reason;
}

bool IsValidUtf8(const std::string& text, size_t* bad_offset) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    size_t len;
    unsigned min;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000;
    } else {
      *bad_offset = i;
      return false;
    }
    if (i + len > n) {
      *bad_offset = i;
      return false;
    }
    unsigned cp = c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) {
        *bad_offset = i;
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      *bad_offset = i;
      return false;
    }
    i += len;
  }
  return true;
}

namespace {

/// One physical line: Cedar and Fir both end a line at LF or CRLF, and
/// Cedar also at a lone CR.
struct Line {
  std::string text;
  bool lone_cr = false;  // ended by a CR not followed by LF
  bool crlf = false;     // ended by CR LF
};

std::vector<Line> SplitLines(const std::string& contents) {
  std::vector<Line> lines;
  size_t start = 0;
  while (start < contents.size()) {
    size_t end = contents.find_first_of("\r\n", start);
    if (end == std::string::npos) {
      lines.push_back({contents.substr(start), false});
      break;
    }
    Line line{contents.substr(start, end - start), false};
    if (contents[end] == '\r' && end + 1 < contents.size() && contents[end + 1] == '\n') {
      line.crlf = true;
      start = end + 2;
    } else {
      line.lone_cr = contents[end] == '\r';
      start = end + 1;
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

/// The byte-level checks every line passes first: no NUL, no control
/// characters but tab, valid UTF-8. Returns the reason, or "".
std::string CheckBytes(const std::string& line) {
  size_t nul = line.find('\0');
  if (nul != std::string::npos)
    return "contains a NUL byte at column " + std::to_string(nul + 1) + "; a Procfile is text";
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      char hex[8];
      snprintf(hex, sizeof hex, "0x%02X", c);
      return std::string("control character ") + hex + " at column " + std::to_string(i + 1) +
             "; a Procfile line is printable text";
    }
  }
  size_t bad;
  if (!IsValidUtf8(line, &bad))
    return "invalid UTF-8 at column " + std::to_string(bad + 1) + "; save the Procfile as UTF-8";
  return "";
}

bool IsFirNameChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

/// What a platform makes of a process type name.
struct NameReading {
  /// Why the line is refused; "" when it is read.
  std::string error;
  /// The name the platform runs (Fir rewrites some).
  std::string name;
  /// Said about a name that is read but that the other platform reads
  /// differently (or that Fir rewrote); "" when there is nothing to say.
  std::string warning;
};

/// Why Fir refuses `fir_name` (a name after its rewrite of upper case and
/// `_`), or "" when it reads it.
std::string WhyFirRefuses(const std::string& fir_name) {
  if (fir_name.size() > kMaxProcessTypeLength)
    return "it is " + std::to_string(fir_name.size()) + " characters and Fir allows at most " +
           std::to_string(kMaxProcessTypeLength);
  if (fir_name.front() == '-' || fir_name.back() == '-')
    return "it starts or ends with `-`, and Fir wants a letter or digit there";
  for (char c : fir_name)
    if (!IsFirNameChar(c)) return "it has a character Fir does not allow";
  return "";
}

/// Reads `name` (a run of `[A-Za-z0-9_-]`, or anything before the colon)
/// as `platform` does.
NameReading ReadName(const std::string& name, ProcfilePlatform platform) {
  NameReading r;
  r.name = name;
  if (name.empty()) {
    r.error = "missing process type before `:`";
    return r;
  }
  for (char c : name) {
    if (!IsNameChar(c)) {
      r.error = "process type `" + Shorten(name) +
                "` may only contain lowercase letters, digits and `-`; Cedar skips this line "
                "without a word and Fir refuses the Procfile";
      return r;
    }
  }
  std::string fir;
  for (char c : name) fir += c == '_' ? '-' : static_cast<char>(std::tolower(c));
  std::string fir_refuses = WhyFirRefuses(fir);
  switch (platform) {
    case ProcfilePlatform::kCedar:
      if (!fir_refuses.empty())
        r.warning = "process type `" + Shorten(name) +
                    "` kept as Cedar runs it; Fir would refuse the Procfile: " + fir_refuses;
      else if (fir != name)
        r.warning = "process type `" + name + "` kept as Cedar runs it; Fir would rename it `" +
                    fir + "` (and `heroku ps:scale` would need the new name)";
      return r;
    case ProcfilePlatform::kFir:
      if (!fir_refuses.empty()) {
        r.error = fir != name && fir_refuses.find("at most") == std::string::npos
                      ? "process type `" + Shorten(name) + "` (`" + Shorten(fir) +
                            "` as Fir rewrites it): Fir refuses the Procfile: " + fir_refuses
                      : "process type `" + Shorten(name) + "`: Fir refuses the Procfile: " +
                            fir_refuses;
        return r;
      }
      if (fir != name) {
        r.warning = "process type `" + name + "`: Fir renames it `" + fir +
                    "`, as heroku/procfile does (the formation and `heroku ps:scale` use `" +
                    fir + "`)";
        r.name = fir;
      }
      return r;
    case ProcfilePlatform::kBoth:
      break;
  }
  if (name.size() > kMaxProcessTypeLength) {
    r.error = "process type is " + std::to_string(name.size()) + " characters; at most " +
              std::to_string(kMaxProcessTypeLength) + " are allowed (Fir refuses longer ones)";
  } else if (fir != name) {
    r.error = "process type `" + name + "`: Cedar runs it as `" + name +
              "`, but Fir renames it `" + fir + "`; name it `" + fir +
              "` so both run the same process type";
  } else if (name.front() == '-' || name.back() == '-') {
    r.error = "process type `" + name +
              "` starts or ends with `-`: Cedar accepts it, Fir refuses the Procfile; start and "
              "end it with a letter or digit";
  } else if (!fir_refuses.empty()) {
    r.error = "process type `" + name + "` has an invalid character";
  }
  return r;
}

/// Reads one `name: command` line (blanks around it already trimmed into
/// `trimmed`) as `platform` does, refusing what Cedar and Fir would read
/// differently. Returns the reason it is refused, or "" with *name,
/// *command and *name_warning set.
std::string ParseProcessLine(const std::string& trimmed, ProcfilePlatform platform,
                             std::string* name, std::string* command,
                             std::string* name_warning) {
  // The name as Cedar reads it: a run of [A-Za-z0-9_-] after blanks.
  size_t name_end = 0;
  while (name_end < trimmed.size() && IsNameChar(trimmed[name_end])) ++name_end;
  std::string word = trimmed.substr(0, name_end);
  std::string rest = TrimBlanks(trimmed.substr(name_end));
  size_t colon = trimmed.find(':');
  if (colon == std::string::npos) {
    if (!word.empty() && name_end < trimmed.size() && IsBlank(trimmed[name_end]))
      return "no `:` after the process type: Cedar would run `" + Shorten(word) + "` as `" +
             Shorten(rest) + "`, Fir refuses the line; write `" + Shorten(word) + ": " +
             Shorten(rest) + "`";
    return "expected `<process type>: <command>`; Cedar skips this line without a word and "
           "Fir refuses the Procfile";
  }
  if (name_end < colon && !IsBlank(trimmed[name_end]))
    return ReadName(trimmed.substr(0, colon), platform).error;
  if (name_end < colon)  // `web : x`: Cedar reads `web` running `: x`.
    return "blank between the process type and `:`: Cedar would run `" + Shorten(word) +
           "` as `" + Shorten(rest) + "`, Fir refuses the line; write `" + Shorten(word) + ":`";
  NameReading reading = ReadName(trimmed.substr(0, colon), platform);
  if (!reading.error.empty()) return reading.error;
  *name = reading.name;
  *name_warning = reading.warning;
  *command = TrimBlanks(trimmed.substr(colon + 1));
  if (command->empty())
    return "process type `" + Shorten(trimmed.substr(0, colon)) +
           "` has no command (Cedar skips such a line or runs nothing; Fir refuses it)";
  return "";
}

}  // namespace

const char* ProcfilePlatformName(ProcfilePlatform platform) {
  switch (platform) {
    case ProcfilePlatform::kCedar: return "cedar";
    case ProcfilePlatform::kFir: return "fir";
    case ProcfilePlatform::kBoth: return "both";
  }
  return "?";
}

bool ParseProcfilePlatform(const std::string& text, ProcfilePlatform* platform) {
  for (ProcfilePlatform p :
       {ProcfilePlatform::kCedar, ProcfilePlatform::kFir, ProcfilePlatform::kBoth}) {
    if (text == ProcfilePlatformName(p)) {
      *platform = p;
      return true;
    }
  }
  return false;
}

bool ParseProcfile(const std::string& raw, Procfile* procfile, ProcfileError* error) {
  return ParseProcfile(raw, ProcfilePlatform::kBoth, procfile, error);
}

bool ParseProcfile(const std::string& raw, ProcfilePlatform platform, Procfile* procfile,
                   ProcfileError* error) {
  procfile->processes.clear();
  procfile->warnings.clear();
  *error = ProcfileError();
  if (raw.size() > kMaxProcfileBytes) {
    error->reason = "the file is " + std::to_string(raw.size()) +
                    " bytes; a Procfile is at most " +
                    std::to_string(kMaxProcfileBytes) + " bytes";
    return false;
  }
  std::string contents = raw;
  auto warn = [procfile](int line, const std::string& text, const std::string& message) {
    procfile->warnings.push_back({line, text, message});
  };
  if (contents.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    contents.erase(0, 3);
    warn(1, "", "starts with a UTF-8 byte-order mark, which would make Cedar skip line 1; "
                "written without it");
  }

  std::map<std::string, int> seen;
  int line_no = 0;
  bool warned_lone_cr = false;
  bool warned_crlf = false;
  for (const Line& physical : SplitLines(contents)) {
    const std::string& line = physical.text;
    ++line_no;
    error->line = line_no;
    error->text.clear();
    error->reason = CheckBytes(line);
    if (!error->reason.empty()) return false;
    if (physical.crlf && !warned_crlf) {
      warned_crlf = true;
      warn(line_no, "", "ends with CRLF (Windows) line ends; written with LF line ends, as "
                        "Heroku reads them on either platform");
    }
    if (physical.lone_cr && !warned_lone_cr) {
      warned_lone_cr = true;
      warn(line_no, "", "ends with a lone carriage return (old Mac line ends): Cedar reads it "
                        "as a line break, Fir does not; written with LF line ends");
    }
    std::string trimmed = TrimBlanks(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    error->text = trimmed;

    std::string name, command, name_warning;
    error->reason = ParseProcessLine(trimmed, platform, &name, &command, &name_warning);
    if (!error->reason.empty()) return false;
    std::string after = trimmed.substr(trimmed.find(':') + 1);
    auto [it, inserted] = seen.emplace(name, line_no);
    if (!inserted) {
      std::string written = trimmed.substr(0, trimmed.find(':'));
      error->reason = "process type `" + name + "`" +
                      (written == name ? "" : " (written `" + written + "`)") +
                      " is already defined on line " +
                      std::to_string(it->second) +
                      "; Cedar would use only the last one without a word (Fir with a warning)";
      return false;
    }
    if (IsBlank(line[0]))
      warn(line_no, trimmed, "starts with blanks (Cedar and Fir both ignore them); written as `" +
                                 Shorten(name + ": " + command) + "`");
    if (!IsBlank(after[0]))
      warn(line_no, trimmed, "no blank after `:`: Cedar would drop this line, Fir reads it; "
                             "written as `" + Shorten(name + ": " + command) + "`");
    if (!name_warning.empty()) warn(line_no, trimmed, name_warning);
    procfile->processes.push_back({name, command, line_no});
  }
  if (procfile->processes.empty()) {
    *error = ProcfileError();
    error->reason = contents.empty() ? "the Procfile is empty"
                                     : "the Procfile defines no process types "
                                       "(only blank lines and comments)";
    return false;
  }
  *error = ProcfileError();
  return true;
}

std::string ProcfileWarning::Format(const std::string& file_name) const {
  return ProcfileError{line, text, message}.Format(file_name);
}

std::string WriteCanonicalProcfile(const std::string& contents, const Procfile& parsed) {
  std::string text = contents.compare(0, 3, "\xEF\xBB\xBF") == 0 ? contents.substr(3) : contents;
  std::map<int, const ProcessType*> by_line;
  for (const ProcessType& p : parsed.processes) by_line[p.line] = &p;
  std::string out;
  int line_no = 0;
  for (const Line& line : SplitLines(text)) {
    auto it = by_line.find(++line_no);
    out += it == by_line.end() ? line.text : it->second->name + ": " + it->second->command;
    out += '\n';
  }
  // A file without a final line end keeps it that way.
  if (!text.empty() && text.back() != '\n' && text.back() != '\r') out.pop_back();
  return out;
}
