#ifndef SLUGWRIGHT_SQL_IDENTIFIER_BYTES_H_
#define SLUGWRIGHT_SQL_IDENTIFIER_BYTES_H_

// Which bytes make up PostgreSQL's unquoted identifiers and dollar-quote
// tags, as its lexer (scan.l) reads them; shared by the splitter and the
// token lexer.

#include "base/ascii.h"

/// A byte that may begin an identifier or a dollar-quote tag: a letter, an
/// underscore or any byte of a non-ASCII character.
inline bool IsIdentStart(char c) {
  return IsAsciiLetter(c) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

/// A byte that may continue a dollar-quote tag.
inline bool IsTagCont(char c) { return IsIdentStart(c) || IsAsciiDigit(c); }

/// A byte that may continue an identifier: unlike a tag, `$` is allowed, so
/// `a$b$` is one identifier and not the start of a dollar quote.
inline bool IsIdentCont(char c) { return IsTagCont(c) || c == '$'; }

#endif  // SLUGWRIGHT_SQL_IDENTIFIER_BYTES_H_
