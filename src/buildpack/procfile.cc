#include "buildpack/procfile.h"

#include <cstdio>
#include <map>

namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

const size_t kMaxProcessTypeLength = 63;

std::string Trim(const std::string& s) {
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

bool ParseProcfile(const std::string& raw, Procfile* procfile,
                   ProcfileError* error) {
  procfile->processes.clear();
  *error = ProcfileError();
  if (raw.size() > kMaxProcfileBytes) {
    error->reason = "the file is " + std::to_string(raw.size()) +
                    " bytes; a Procfile is at most " +
                    std::to_string(kMaxProcfileBytes) + " bytes";
    return false;
  }
  std::string contents = raw;
  if (contents.compare(0, 3, "\xEF\xBB\xBF") == 0) contents.erase(0, 3);

  std::map<std::string, int> seen;
  int line_no = 0;
  size_t start = 0;
  while (start < contents.size()) {
    size_t end = contents.find('\n', start);
    if (end == std::string::npos) end = contents.size();
    std::string line = contents.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();

    error->text.clear();
    size_t nul = line.find('\0');
    if (nul != std::string::npos) {
      error->line = line_no;
      error->reason = "contains a NUL byte at column " +
                      std::to_string(nul + 1) + "; a Procfile is text";
      return false;
    }
    for (size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      if ((c < 0x20 && c != '\t') || c == 0x7F) {
        char hex[8];
        snprintf(hex, sizeof hex, "0x%02X", c);
        error->line = line_no;
        error->reason = std::string("control character ") + hex +
                        (c == '\r' ? " (a stray carriage return)" : "") +
                        " at column " + std::to_string(i + 1) +
                        "; a Procfile line is printable text ending in LF or "
                        "CRLF";
        return false;
      }
    }
    size_t bad;
    if (!IsValidUtf8(line, &bad)) {
      error->line = line_no;
      error->reason = "invalid UTF-8 at column " + std::to_string(bad + 1) +
                      "; save the Procfile as UTF-8";
      return false;
    }
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;

    error->line = line_no;
    error->text = trimmed;
    if (IsBlank(line[0])) {
      error->reason =
          "starts with whitespace; Heroku only reads a process type that "
          "starts at the beginning of the line and would ignore this one";
      return false;
    }
    size_t colon = trimmed.find(':');
    if (colon == std::string::npos) {
      error->reason =
          "expected `<process type>: <command>`; Heroku would silently "
          "ignore this line";
      return false;
    }
    std::string name = trimmed.substr(0, colon);
    std::string command = Trim(trimmed.substr(colon + 1));
    if (name.empty()) {
      error->reason = "missing process type before `:`";
      return false;
    }
    if (IsBlank(name.back())) {
      error->reason = "whitespace between the process type and `:`; write `" +
                      Trim(name) + ":`, or Heroku would ignore this line";
      return false;
    }
    if (name.size() > kMaxProcessTypeLength) {
      error->reason = "process type is " + std::to_string(name.size()) +
                      " characters; at most " +
                      std::to_string(kMaxProcessTypeLength) + " are allowed";
      return false;
    }
    for (char c : name) {
      if (!IsNameChar(c)) {
        error->reason = "process type `" + Shorten(name) +
                        "` may only contain letters, digits, `_` and `-`; "
                        "Heroku would silently ignore this line";
        return false;
      }
    }
    if (command.empty()) {
      error->reason = "process type `" + name + "` has no command";
      return false;
    }
    auto [it, inserted] = seen.emplace(name, line_no);
    if (!inserted) {
      error->reason = "process type `" + name + "` is already defined on line " +
                      std::to_string(it->second) +
                      "; Heroku would silently use only the last one";
      return false;
    }
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
