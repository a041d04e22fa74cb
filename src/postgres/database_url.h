#ifndef SLUGWRIGHT_POSTGRES_DATABASE_URL_H_
#define SLUGWRIGHT_POSTGRES_DATABASE_URL_H_

#include <map>
#include <string>
#include <vector>

#include "base/redactor.h"
#include "base/text.h"

/// Where to connect: a Heroku-style URL (`postgres://user:pass@host:port/db
/// ?sslmode=require`) or a libpq `keyword=value` string, parsed by libpq
/// itself (PQconninfoParse) so every form libpq accepts is accepted. The
/// password is kept so libpq can use it, and never included in Describe().
class DatabaseTarget {
 public:
  /// Throws UserError(kExitUsage) for text libpq cannot parse; the message
  /// never contains the text itself (it may hold a password).
  static DatabaseTarget Parse(const std::string& url_or_conninfo);

  /// The `keyword='value'` string to connect with, with `settings` added or
  /// replacing what the URL said; the password is included unless
  /// `with_password` is false (for a child process that gets it in
  /// PGPASSWORD, so it never shows in a process list).
  std::string Conninfo(const std::map<std::string, std::string>& settings = {},
                       bool with_password = true) const;
  /// "user@host:port/dbname" for messages: no password.
  std::string Describe() const;
  /// A parsed setting ("host", "dbname", "sslmode", ...); empty when unset.
  std::string Get(const std::string& keyword) const;
  const std::string& password() const { return password_; }

 private:
  std::map<std::string, std::string> params_;
  std::string password_;
};

/// A value for a libpq `keyword=value` string: single-quoted, with `'` and
/// `\` escaped.
std::string QuoteConninfoValue(const std::string& value);

#endif  // SLUGWRIGHT_POSTGRES_DATABASE_URL_H_
