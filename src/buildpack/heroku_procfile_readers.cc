#include "buildpack/heroku_procfile_readers.h"

#include <cctype>
#include <regex>

namespace {

bool IsFirBlank(char c) { return c == ' ' || c == '\t'; }
bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// A strict Fir key: [a-z0-9], or [a-z0-9][a-z0-9-]*[a-z0-9]; 1..63.
bool IsStrictFirKey(const std::string& key) {
  if (key.empty() || key.size() > 63) return false;
  if (!IsLowerAlnum(key.front()) || !IsLowerAlnum(key.back())) return false;
  for (char c : key)
    if (!IsLowerAlnum(c) && c != '-') return false;
  return true;
}

std::string Describe(const std::map<std::string, std::string>& table) {
  std::string out;
  for (const auto& [name, command] : table) out += (out.empty() ? "" : ", ") + name;
  return out.empty() ? "nothing" : out;
}

}  // namespace

std::map<std::string, std::string> ReadProcfileAsCedar(const std::string& text) {
  // ECMAScript std::regex: [[:space:]] and \s are the same class here.
  static const std::regex kLine(R"(^[[:space:]]*([a-zA-Z0-9_-]+):?\s+(.*))");
  std::map<std::string, std::string> table;
  std::string normalised;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      normalised += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      normalised += text[i];
    }
  }
  size_t start = 0;
  while (start <= normalised.size()) {
    size_t end = normalised.find('\n', start);
    if (end == std::string::npos) end = normalised.size();
    std::string line = normalised.substr(start, end - start);
    std::smatch m;
    if (std::regex_search(line, m, kLine)) table[m[1]] = m[2];
    start = end + 1;
  }
  return table;
}

bool ReadProcfileAsFir(const std::string& text, std::map<std::string, std::string>* processes,
                       std::vector<std::string>* warnings, std::string* error) {
  processes->clear();
  size_t start = 0;
  int line_no = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t first = 0;
    while (first < line.size() && IsFirBlank(line[first])) ++first;
    if (first == line.size() || line[first] == '#') continue;
    if (line.find('\r') != std::string::npos) {
      *error = "line " + std::to_string(line_no) + ": a carriage return inside the line";
      return false;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) {
      *error = "line " + std::to_string(line_no) + ": no `:` after the key";
      return false;
    }
    std::string key = line.substr(0, colon);
    if (!IsStrictFirKey(key)) {
      // The permissive path: leading blanks dropped, `_` -> `-`, lowercase.
      std::string fixed;
      for (char c : key.substr(first)) fixed += c == '_' ? '-' : static_cast<char>(std::tolower(c));
      if (!IsStrictFirKey(fixed)) {
        *error = "line " + std::to_string(line_no) + ": invalid key `" + key + "`";
        return false;
      }
      warnings->push_back("Procfile key " + key + " has been corrected to " + fixed);
      key = fixed;
    }
    size_t value_start = colon + 1;
    while (value_start < line.size() && IsFirBlank(line[value_start])) ++value_start;
    std::string value = line.substr(value_start);
    if (value.empty()) {
      *error = "line " + std::to_string(line_no) + ": key `" + key + "` has no value";
      return false;
    }
    if (processes->count(key)) warnings->push_back("Duplicate key `" + key + "`");
    (*processes)[key] = value;
  }
  return true;
}

std::string CheckBothReadersAgree(const std::string& written, const Procfile& validated) {
  return CheckReadersAgree(written, validated, ProcfilePlatform::kBoth);
}

std::string CheckReadersAgree(const std::string& written, const Procfile& validated,
                              ProcfilePlatform platform) {
  std::map<std::string, std::string> expected;
  for (const ProcessType& p : validated.processes) expected[p.name] = p.command;
  std::map<std::string, std::string> cedar = ReadProcfileAsCedar(written);
  if (platform != ProcfilePlatform::kFir && cedar != expected)
    return "Cedar would read " + Describe(cedar) + " where slugwright validated " +
           Describe(expected);
  if (platform == ProcfilePlatform::kCedar) return "";
  std::map<std::string, std::string> fir;
  std::vector<std::string> warnings;
  std::string error;
  if (!ReadProcfileAsFir(written, &fir, &warnings, &error)) return "Fir would refuse it: " + error;
  if (!warnings.empty()) return "Fir would warn: " + warnings[0];
  if (fir != expected)
    return "Fir would read " + Describe(fir) + " where slugwright validated " + Describe(expected);
  return "";
}
