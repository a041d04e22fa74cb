#include "sql/statement_rules.h"

#include <cctype>
#include <regex>

namespace {

/// True when `pattern` matches at the start of `text` (a statement starts
/// at its first token: the splitter drops the comments before it).
bool Matches(const std::string& text, const std::regex& pattern) {
  return std::regex_search(text, pattern, std::regex_constants::match_continuous);
}

/// The first words of `text`, upper-cased and single-spaced, for messages.
std::string Lead(const std::string& text, size_t words) {
  std::string out;
  size_t count = 0;
  bool in_word = false;
  for (char c : text) {
    bool word_char = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    if (word_char) {
      if (!in_word && count++ == words) break;
      if (!in_word && !out.empty()) out += ' ';
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else if (count >= words && in_word) {
      break;
    }
    in_word = word_char;
  }
  return out;
}

/// `text` with what is inside '...' and "..." blanked, so a keyword in a
/// string literal or quoted identifier does not match ('' and "" stay
/// inside: the quote closes and opens again).
std::string WithoutQuoted(const std::string& text) {
  std::string out = text;
  char quote = 0;
  for (char& c : out) {
    if (quote) {
      if (c == quote) quote = 0; else c = ' ';
    } else if (c == '\'' || c == '"') {
      quote = c;
    }
  }
  return out;
}

/// What PostgreSQL refuses inside a transaction block.
const std::regex& NoTransactionStatement() {
  static const std::regex kNoTransaction(
      R"(\s*(CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|REINDEX\b[^;]*?\bCONCURRENTLY|VACUUM|CREATE\s+DATABASE|DROP\s+DATABASE|CREATE\s+TABLESPACE|DROP\s+TABLESPACE|ALTER\s+SYSTEM)\b)",
      std::regex::icase | std::regex::optimize);
  return kNoTransaction;
}

}  // namespace

bool CannotRunInTransaction(const SqlStatement& statement) {
  return std::regex_search(statement.text, NoTransactionStatement(),
                           std::regex_constants::match_continuous);
}

std::string CheckStatement(const SqlStatement& statement, bool in_transaction,
                           const std::string& annotation) {
  using std::regex;
  const auto icase = regex::icase | regex::optimize;
  static const regex kCopyFromStdin(R"(\s*COPY\b[^;]*?\bFROM\s+STDIN\b)", icase);
  // `COPY table [(columns)] TO STDOUT` or `COPY (query) TO STDOUT`: the
  // target comes last, after the query's closing parenthesis.
  static const regex kCopyToStdout(R"(\s*COPY\b[\s\S]*\bTO\s+STDOUT\b)", icase);
  static const regex kTransactionControl(
      R"(\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\s+TRANSACTION)\b)",
      icase);
  const std::string& text = statement.text;
  if (Matches(text, kCopyFromStdin))
    return "`COPY ... FROM STDIN` reads rows that slugwright does not send (it sends no COPY "
           "data, inline or otherwise); load them with INSERT ... VALUES";
  if (Matches(WithoutQuoted(text), kCopyToStdout))
    return "`COPY ... TO STDOUT` sends rows to the client, and slugwright reads none (the "
           "migration would fail at that statement); to export rows, write them to a file "
           "on the server with `COPY ... TO '/path'`, or run the export outside the "
           "migration (`psql -c \"\\copy ... to 'file'\"`); to check data, use a SELECT "
           "or a DO block that raises";
  std::smatch m;
  if (in_transaction && std::regex_search(text, m, NoTransactionStatement(),
                                          std::regex_constants::match_continuous))
    return "`" + Lead(m.str(1), 4) + "` cannot run inside a transaction block, and this "
           "migration runs in one; add `" + annotation +
           "` so its statements are sent one by one";
  // The server reads a migration sent in one transaction whole, with the
  // session's setting, before this SET runs: the strings after it would be
  // read with standard_conforming_strings on, not off as psql (which sends
  // statements one by one) and the splitter read them.
  static const regex kStringsOff(
      R"(\s*SET\s+(SESSION\s+|LOCAL\s+)?standard_conforming_strings\s*(=|TO)\s*'?(off|false)\b)",
      icase);
  if (in_transaction && Matches(text, kStringsOff))
    return "`SET standard_conforming_strings = off` in a migration that runs in one "
           "transaction: PostgreSQL reads the whole migration before this SET runs, so the "
           "strings after it would still be read with standard_conforming_strings on (psql, "
           "which sends statements one by one, would read them with it off); write those "
           "strings as E'...' and drop the SET, or add `" + annotation +
           "` so its statements are sent one by one";
  if (!in_transaction && Matches(text, kTransactionControl))
    return "`" + Lead(text, 2) + "`: explicit transaction control in a `transaction:false` "
           "migration, whose statements slugwright sends one by one: an error inside would "
           "show as \"current transaction is aborted\" and leave the migration half done. "
           "Remove the transaction control and `transaction:false` to run it in one "
           "transaction, or split it into two migrations";
  return "";
}
