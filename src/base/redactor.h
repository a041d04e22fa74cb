#ifndef SLUGWRIGHT_BASE_REDACTOR_H_
#define SLUGWRIGHT_BASE_REDACTOR_H_

#include <string>
#include <vector>

/// Removes secrets from text meant for people: every output line, log line,
/// error message and hook output passes through Scrub(). It masks the
/// registered secrets (a database password, also percent-encoded, and
/// whole URLs) and, generically, the password part of any `scheme://user:
/// password@` URL and of any `password=...` conninfo setting.
class Redactor {
 public:
  static constexpr const char* kMask = "********";

  /// Registers a secret; empty and very short ones (under 3 characters,
  /// which would mask ordinary text) only get the generic treatment.
  void AddSecret(const std::string& secret);
  std::string Scrub(const std::string& text) const;

 private:
  std::vector<std::string> secrets_;
};

#endif  // SLUGWRIGHT_BASE_REDACTOR_H_
