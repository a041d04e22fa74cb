#include "base/redactor.h"

#include <algorithm>

#include "base/text.h"

// The generic masks are scanned by hand rather than with std::regex: every
// console line passes through Scrub(), and compiling and running the two
// patterns cost about 3 M instructions for a single line. Each scanner
// matches exactly what its pattern (quoted above it) matches, leftmost
// first, as ECMAScript's regex_replace does.

namespace {

bool IsSpace(char c) {  // \s in the C locale
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsSchemeChar(char c) {
  return IsLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
}

/// `([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@\s/]*@` at `start`: on a
/// match, the end of the first group and of the whole match. Each part
/// stops at a character the next part needs, so no backtracking is needed.
/// On no match, *match_end is where to look next: a match starting
/// further into the same scheme would fail the same way.
bool MatchUrlPassword(const std::string& s, size_t start, size_t* group_end,
                      size_t* match_end) {
  size_t i = start;
  if (i >= s.size() || !IsLetter(s[i])) return false;
  while (i < s.size() && IsSchemeChar(s[i])) ++i;
  *match_end = i;
  if (s.compare(i, 3, "://") != 0) return false;
  i += 3;
  while (i < s.size() && s[i] != ':' && s[i] != '/' && s[i] != '@' && !IsSpace(s[i])) ++i;
  if (i >= s.size() || s[i] != ':') return false;
  *group_end = ++i;
  while (i < s.size() && s[i] != '@' && s[i] != '/' && !IsSpace(s[i])) ++i;
  if (i >= s.size() || s[i] != '@') return false;
  *match_end = i + 1;
  return true;
}

/// `'(\\.|[^'])*'` at `quote`, with ECMAScript's priorities (an escape
/// before a plain character, one more repetition before the closing
/// quote): the end of the match, or npos. ends[i] is where the rest of
/// the pattern, tried from i, ends; filled from the right.
size_t MatchQuotedValue(const std::string& s, size_t quote) {
  const size_t n = s.size();
  std::vector<size_t> ends(n + 1 - quote, std::string::npos);
  auto at = [&](size_t i) -> size_t& { return ends[i - quote]; };
  for (size_t i = n; i-- > quote + 1;) {
    size_t end = std::string::npos;
    if (s[i] == '\'') {
      end = i + 1;
    } else {
      bool escape = s[i] == '\\' && i + 1 < n && s[i + 1] != '\n' && s[i + 1] != '\r';
      if (escape) end = i + 2 < n ? at(i + 2) : std::string::npos;
      if (end == std::string::npos && i + 1 < n) end = at(i + 1);
    }
    at(i) = end;
  }
  return quote + 1 < n ? at(quote + 1) : std::string::npos;
}

/// `(password\s*=\s*)('(\\.|[^'])*'|\S+)`, case-insensitively, at `start`.
bool MatchConninfoPassword(const std::string& s, size_t start, size_t* group_end,
                           size_t* match_end) {
  static const char kWord[] = "password";
  size_t i = start;
  for (const char* w = kWord; *w; ++w, ++i)
    if (i >= s.size() || (s[i] | 0x20) != *w) return false;
  while (i < s.size() && IsSpace(s[i])) ++i;
  if (i >= s.size() || s[i] != '=') return false;
  ++i;
  while (i < s.size() && IsSpace(s[i])) ++i;
  *group_end = i;
  if (i < s.size() && s[i] == '\'') {
    size_t end = MatchQuotedValue(s, i);
    if (end != std::string::npos) {
      *match_end = end;
      return true;
    }
  }
  size_t end = i;
  while (end < s.size() && !IsSpace(s[end])) ++end;
  if (end == i) return false;
  *match_end = end;
  return true;
}

/// regex_replace(text, pattern, "$1" + replacement) for a `match` of the
/// pattern whose first group starts the match. A failed match may move
/// *match_end past `pos` to skip starts that cannot match either.
template <typename Match>
std::string ReplaceAfterGroup(const std::string& text, Match match, const std::string& replacement) {
  std::string out;
  size_t copied = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t group_end = 0, match_end = pos + 1;
    if (!match(text, pos, &group_end, &match_end)) {
      pos = std::max(pos + 1, match_end);
      continue;
    }
    if (out.empty()) out.reserve(text.size());
    out.append(text, copied, group_end - copied).append(replacement);
    copied = pos = match_end;
  }
  if (copied == 0) return text;
  return out.append(text, copied, std::string::npos);
}

}  // namespace

void Redactor::AddSecret(const std::string& secret) {
  if (secret.size() < 3) return;
  auto add = [this](const std::string& s) {
    if (std::find(secrets_.begin(), secrets_.end(), s) == secrets_.end())
      secrets_.push_back(s);
  };
  add(secret);
  add(PercentEncode(secret));
  // Longest first, so a URL is masked whole before the password inside it.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::Scrub(const std::string& text) const {
  std::string out = text;
  for (const std::string& secret : secrets_) {
    for (size_t pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos + std::char_traits<char>::length(kMask)))
      out.replace(pos, secret.size(), kMask);
  }
  // Any URL with a password, and any conninfo password setting.
  out = ReplaceAfterGroup(out, MatchUrlPassword, std::string(kMask) + "@");
  out = ReplaceAfterGroup(out, MatchConninfoPassword, kMask);
  return out;
}
