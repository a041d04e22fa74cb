#include "base/redactor.h"

#include <algorithm>
#include <regex>

#include "base/text.h"

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
  static const std::regex kUrlPassword(R"(([A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)[^@\s/]*@)");
  static const std::regex kConninfoPassword(R"((password\s*=\s*)('(\\.|[^'])*'|\S+))",
                                            std::regex::icase);
  out = std::regex_replace(out, kUrlPassword, std::string("$1") + kMask + "@");
  out = std::regex_replace(out, kConninfoPassword, std::string("$1") + kMask);
  return out;
}
