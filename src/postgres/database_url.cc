#include "postgres/database_url.h"

#include <libpq-fe.h>

#include <algorithm>
#include <memory>

#include "base/exit_codes.h"
#include "base/text.h"

namespace {

/// `text` with every byte a URL's userinfo cannot hold as is encoded; a
/// valid `%XX` escape stays an escape, a `%` that starts none is encoded.
std::string EncodeUserinfoPart(const std::string& text) {
  return PercentEncode(text, "!$&'()*+,;=", /*keep_escapes=*/true);
}

/// A postgres:// URL as users paste it, with a password that may hold
/// any of `/ : @ ? # %` unencoded: the userinfo runs to the last `@`, the
/// user to its first `:`. Returns the URL with user and password encoded
/// (libpq would otherwise read `/` as the end of the host and print the
/// rest), and sets `*password_forms` to what the password may appear as.
std::string EncodeUrlUserinfo(const std::string& url, std::vector<std::string>* password_forms) {
  size_t scheme_end = url.find("://");
  size_t at = url.rfind('@');
  if (scheme_end == std::string::npos || at == std::string::npos || at < scheme_end) return url;
  size_t start = scheme_end + 3;
  size_t authority_end = std::min(url.find_first_of("/?#", start), url.size());
  if (at > authority_end) {
    // An `@` past where a strict parser ends the host: a password holding
    // `/`, `?` or `#`, unless the `@` sits in a query value (`?k=a@b`).
    size_t query = url.find('?', start);
    if (query != std::string::npos && query < at &&
        url.substr(query, at - query).find('=') != std::string::npos)
      return url;
  }
  std::string userinfo = url.substr(start, at - start);
  size_t colon = userinfo.find(':');
  std::string user = userinfo.substr(0, colon);
  std::string out = url.substr(0, start) + EncodeUserinfoPart(user);
  if (colon != std::string::npos) {
    std::string password = userinfo.substr(colon + 1);
    password_forms->push_back(password);
    password_forms->push_back(PercentDecode(password));
    password_forms->push_back(userinfo);
    out += ":" + EncodeUserinfoPart(password);
  }
  return out + url.substr(at);
}

}  // namespace

DatabaseTarget DatabaseTarget::Parse(const std::string& url_or_conninfo) {
  const std::string kExpected = " (expected postgres://user:password@host:port/dbname)";
  if (url_or_conninfo.find_first_not_of(" \t\r\n") == std::string::npos)
    throw UserError(kExitUsage, "the database URL is empty");
  std::vector<std::string> secrets = {url_or_conninfo};
  std::string text = url_or_conninfo;
  size_t scheme_end = text.find("://");
  if (StartsWith(text, "postgres://") || StartsWith(text, "postgresql://")) {
    text = EncodeUrlUserinfo(text, &secrets);
  } else if (scheme_end != std::string::npos &&
             text.find_first_of(" =") > scheme_end) {
    std::string scheme = text.substr(0, scheme_end);
    throw UserError(kExitUsage, "the database URL is not valid: it starts with `" +
                                    (scheme.size() > 20 ? scheme.substr(0, 20) + "…" : scheme) +
                                    "://`; slugwright needs a PostgreSQL URL, postgres:// or "
                                    "postgresql://, or a libpq `key=value` string" + kExpected);
  } else if (text.find('=') == std::string::npos) {
    throw UserError(kExitUsage, "the database URL is not valid: it is neither a postgres:// URL nor a libpq "
                                "`key=value` string" + kExpected);
  }
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(text.c_str(), &err);
  if (!options) {
    std::string reason = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
      reason.pop_back();
    // libpq's message can quote the offending part of the URL: scrub it
    // by every form the password was given or read in.
    Redactor redactor;
    redactor.AddSecret(text);
    for (const std::string& secret : secrets) redactor.AddSecret(secret);
    throw UserError(kExitUsage, "the database URL is not valid: " + redactor.Scrub(reason) +
                                    kExpected);
  }
  DatabaseTarget target;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    std::string keyword = o->keyword;
    if (keyword == "password")
      target.password_ = o->val;
    else
      target.params_[keyword] = o->val;
  }
  PQconninfoFree(options);
  return target;
}

std::string QuoteConninfoValue(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string DatabaseTarget::Conninfo(
    const std::map<std::string, std::string>& settings, bool with_password) const {
  std::map<std::string, std::string> all = params_;
  for (const auto& [key, value] : settings) all[key] = value;
  if (with_password && !password_.empty()) all["password"] = password_;
  std::string out;
  for (const auto& [key, value] : all) {
    if (!out.empty()) out += ' ';
    out += key + "=" + QuoteConninfoValue(value);
  }
  return out;
}

std::string DatabaseTarget::Get(const std::string& keyword) const {
  if (keyword == "password") return "";
  auto it = params_.find(keyword);
  return it == params_.end() ? "" : it->second;
}

std::string DatabaseTarget::Describe() const {
  std::string user = Get("user");
  std::string host = Get("host");
  if (host.empty()) host = Get("hostaddr");
  if (host.empty()) host = "localhost";
  std::string port = Get("port");
  std::string dbname = Get("dbname");
  if (dbname.empty()) dbname = user;
  std::string out = user.empty() ? "" : user + "@";
  out += host;
  if (!port.empty()) out += ":" + port;
  out += "/" + dbname;
  return out;
}

