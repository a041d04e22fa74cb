#ifndef SLUGWRIGHT_SQL_SOURCE_TEXT_H_
#define SLUGWRIGHT_SQL_SOURCE_TEXT_H_

// Source text as slugwright reports on it, before any SQL is read: whether
// it is UTF-8, where a byte offset is as a line and column, and text made
// safe to quote in a message. Knows no migration.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

/// The offset of the first byte that starts an invalid UTF-8 sequence
/// (overlong forms, surrogates and code points above U+10FFFF included),
/// or npos when `text` is valid UTF-8.
size_t FindInvalidUtf8(std::string_view text);

/// The 1-based line and byte column of `offset` in `text`; LF, CRLF and a
/// lone CR each end a line.
std::pair<int, size_t> LineAndColumn(std::string_view text, size_t offset);

/// "0x" and two upper-case hexadecimal digits: `byte` for a message.
std::string HexByte(unsigned char byte);

/// `text` for a message, control characters (and DEL) shown as `\xNN`.
std::string Printable(std::string_view text);

#endif  // SLUGWRIGHT_SQL_SOURCE_TEXT_H_
