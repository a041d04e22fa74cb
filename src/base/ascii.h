#ifndef SLUGWRIGHT_BASE_ASCII_H_
#define SLUGWRIGHT_BASE_ASCII_H_

// Byte classes of ASCII text, as the C locale has them, for the readers of
// SQL, file names and directives: one home instead of a copy per file.
// Bytes of 0x80 and above are none of these.

#include <string>
#include <string_view>

/// `0`-`9`.
inline bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
/// `a`-`z` and `A`-`Z`.
inline bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
/// A space or a tab: what separates words on one line.
inline bool IsAsciiBlank(char c) { return c == ' ' || c == '\t'; }
/// `\s` of the C locale: space, tab, LF, CR, form feed, vertical tab.
inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
/// `c` with `A`-`Z` lowered; every other byte as it is.
inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
/// `text` with `A`-`Z` lowered (as PostgreSQL folds unquoted names).
inline std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = AsciiLower(c);
  return lower;
}

#endif  // SLUGWRIGHT_BASE_ASCII_H_
