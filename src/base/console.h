#ifndef SLUGWRIGHT_BASE_CONSOLE_H_
#define SLUGWRIGHT_BASE_CONSOLE_H_

#include <memory>
#include <mutex>
#include <ostream>
#include <string>

#include "base/log.h"

class Redactor;

/// Where the migration commands print: Heroku-style lines (`-----> Step`,
/// seven-space details, ` !     ` problems), every one scrubbed of secrets
/// first. Everything goes through spdlog loggers (log.h): with the default
/// options the bytes are exactly those lines; with LogFormat::kJson each
/// line and each structured Event() is one JSON object on `err`. The
/// level filters (debug lines need --verbose). Thread-safe, because hook
/// output arrives from reader threads.
class Console {
 public:
  /// Steps and details go to `out`, warnings and errors to `err`.
  Console(std::ostream& out, std::ostream& err, const Redactor* redactor);

  /// Level and format (human by default).
  void Configure(const LogOptions& options);
  bool json() const { return options_.format == LogFormat::kJson; }

  void Step(const std::string& text);
  void Detail(const std::string& text);
  /// A detail shown only at level debug (--verbose).
  void Debug(const std::string& text);
  void Warning(const std::string& text);
  void Error(const std::string& text);
  /// One line of a hook's or command's output, behind `prefix`.
  void ProcessLine(const std::string& prefix, const std::string& line);
  /// A structured event (run started, lock acquired, migration applied...):
  /// one JSON object in JSON mode; nothing in human mode, whose lines
  /// already say it.
  void Event(const std::string& name, const LogFields& fields,
             LogLevel level = LogLevel::kInfo);
  /// Progress of long work: in JSON mode a `progress` event; on a terminal
  /// (set_terminal) one line redrawn in place, ended by EndProgress(); else
  /// a detail line.
  void Progress(const std::string& text, const LogFields& fields);
  void EndProgress();
  void set_terminal(bool on) { terminal_ = on; }
  /// Machine-readable output (JSON) to `out`, as is but scrubbed.
  void Data(const std::string& text);
  /// Sends steps and details to `err` too, keeping `out` for Data().
  void set_data_mode(bool on) { data_mode_ = on; }
  std::string Scrub(const std::string& text) const;
  /// The spdlog logger of `err` (all of JSON mode), e.g. to add a sink.
  const std::shared_ptr<spdlog::logger>& err_logger() const { return err_log_; }

 private:
  enum class Kind { kStep, kDetail, kWarning };
  void Write(Kind kind, LogLevel level, const char* event, const std::string& text);
  /// Ends a line redrawn by Progress() before other output.
  void EndProgressLocked();

  std::ostream& out_;
  std::ostream& err_;
  const Redactor* redactor_;
  LogOptions options_;
  std::shared_ptr<spdlog::logger> out_log_;
  std::shared_ptr<spdlog::logger> err_log_;
  bool data_mode_ = false;
  bool terminal_ = false;
  bool progress_open_ = false;
  std::mutex mutex_;
};

#endif  // SLUGWRIGHT_BASE_CONSOLE_H_
