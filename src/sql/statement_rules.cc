#include "sql/statement_rules.h"

#include <cctype>

#include "sql/statement_classifier.h"

namespace {

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

/// `SET [SESSION|LOCAL] standard_conforming_strings {=|TO} off|false`.
bool TurnsStandardConformingStringsOff(const ClassifiedStatement& s) {
  if (s.kind != StatementKind::kSet || s.setting != "standard_conforming_strings") return false;
  std::string value;
  for (char c : s.set_value) value += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return value == "off" || value == "false";
}

}  // namespace

bool CannotRunInTransaction(const SqlStatement& statement) {
  return ClassifyStatement(statement.text).CannotRunInTransaction();
}

std::string CheckStatement(const SqlStatement& statement, bool in_transaction,
                           const std::string& annotation) {
  ClassifiedStatement s = ClassifyStatement(statement.text);
  if (s.kind == StatementKind::kOther) return "";
  if (s.copy_from_stdin)
    return "`COPY ... FROM STDIN` reads rows that slugwright does not send (it sends no COPY "
           "data, inline or otherwise); load them with INSERT ... VALUES";
  // `COPY table [(columns)] TO STDOUT` or `COPY (query) TO STDOUT`: the
  // target comes last, after the query's closing parenthesis.
  if (s.copy_to_stdout)
    return "`COPY ... TO STDOUT` sends rows to the client, and slugwright reads none (the "
           "migration would fail at that statement); to export rows, write them to a file "
           "on the server with `COPY ... TO '/path'`, or run the export outside the "
           "migration (`psql -c \"\\copy ... to 'file'\"`); to check data, use a SELECT "
           "or a DO block that raises";
  if (in_transaction && s.CannotRunInTransaction())
    return "`" + Lead(s.keywords, 4) + "` cannot run inside a transaction block, and this "
           "migration runs in one; add `" + annotation +
           "` so its statements are sent one by one";
  // The server reads a migration sent in one transaction whole, with the
  // session's setting, before this SET runs: the strings after it would be
  // read with standard_conforming_strings on, not off as psql (which sends
  // statements one by one) and the splitter read them.
  if (in_transaction && TurnsStandardConformingStringsOff(s))
    return "`SET standard_conforming_strings = off` in a migration that runs in one "
           "transaction: PostgreSQL reads the whole migration before this SET runs, so the "
           "strings after it would still be read with standard_conforming_strings on (psql, "
           "which sends statements one by one, would read them with it off); write those "
           "strings as E'...' and drop the SET, or add `" + annotation +
           "` so its statements are sent one by one";
  if (!in_transaction && s.kind == StatementKind::kTransactionControl)
    return "`" + Lead(s.keywords, 2) + "`: explicit transaction control in a `transaction:false` "
           "migration, whose statements slugwright sends one by one: an error inside would "
           "show as \"current transaction is aborted\" and leave the migration half done. "
           "Remove the transaction control and `transaction:false` to run it in one "
           "transaction, or split it into two migrations";
  return "";
}
