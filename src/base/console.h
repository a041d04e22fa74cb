#ifndef SLUGWRIGHT_BASE_CONSOLE_H_
#define SLUGWRIGHT_BASE_CONSOLE_H_

#include <mutex>
#include <ostream>
#include <string>

class Redactor;

/// Where the migration commands print: Heroku-style lines (`-----> Step`,
/// seven-space details, ` !     ` problems), every one scrubbed of secrets
/// first. Thread-safe, because hook output arrives from reader threads.
class Console {
 public:
  /// Steps and details go to `out`, warnings and errors to `err`.
  Console(std::ostream& out, std::ostream& err, const Redactor* redactor);

  void Step(const std::string& text);
  void Detail(const std::string& text);
  void Warning(const std::string& text);
  void Error(const std::string& text);
  /// One line of a hook's or command's output, behind `prefix`.
  void ProcessLine(const std::string& prefix, const std::string& line);
  /// Machine-readable output (JSON) to `out`, as is but scrubbed.
  void Data(const std::string& text);
  /// Sends steps and details to `err` too, keeping `out` for Data().
  void set_data_mode(bool on) { data_mode_ = on; }
  std::string Scrub(const std::string& text) const;

 private:
  void Write(std::ostream& stream, const char* prefix, const std::string& text);

  std::ostream& out_;
  std::ostream& err_;
  const Redactor* redactor_;
  bool data_mode_ = false;
  std::mutex mutex_;
};

#endif  // SLUGWRIGHT_BASE_CONSOLE_H_
