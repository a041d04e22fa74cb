#include "postgres/database_url.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>
#include <regex>

#include "base/exit_codes.h"
#include "base/text.h"

DatabaseTarget DatabaseTarget::Parse(const std::string& url_or_conninfo) {
  if (url_or_conninfo.find_first_not_of(" \t\r\n") == std::string::npos)
    throw UserError(kExitUsage, "the database URL is empty");
  char* err = nullptr;
  PQconninfoOption* options = PQconninfoParse(url_or_conninfo.c_str(), &err);
  if (!options) {
    std::string reason = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
      reason.pop_back();
    // libpq's message can quote the offending part of the URL: scrub it.
    Redactor redactor;
    redactor.AddSecret(url_or_conninfo);
    throw UserError(kExitUsage, "the database URL is not valid: " + redactor.Scrub(reason) +
                                    " (expected postgres://user:password@host:port/dbname)");
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

