#ifndef SLUGWRIGHT_BASE_LOG_H_
#define SLUGWRIGHT_BASE_LOG_H_

// How the migration commands log, through spdlog: the level (--verbose,
// SLUGWRIGHT_LOG_LEVEL) and the format, either Heroku-style human lines
// (the default, written as is) or one JSON object per event for log drains
// (--log-format json, SLUGWRIGHT_LOG_FORMAT=json). Console (console.h)
// owns the spdlog loggers; this file makes them.

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace spdlog {
class logger;
}

enum class LogFormat { kHuman, kJson };

/// spdlog's levels, in order.
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

struct LogOptions {
  LogFormat format = LogFormat::kHuman;
  LogLevel level = LogLevel::kInfo;
};

/// The options from the flags, falling back on SLUGWRIGHT_LOG_FORMAT and
/// SLUGWRIGHT_LOG_LEVEL; `verbose` means debug. Empty `format_flag` means
/// "from the environment". Throws UserError(kExitUsage) naming the flag or
/// variable for an unknown value.
LogOptions ResolveLogOptions(const std::string& format_flag, bool verbose);

/// One key and value of a structured event: text, a whole number (written
/// as a JSON integer, exact to 64 bits: versions have 14 to 18 digits), a
/// real number or a boolean.
struct LogField {
  enum class Kind { kText, kInteger, kReal, kBoolean };
  LogField(std::string k, std::string v) : key(std::move(k)), text(std::move(v)) {}
  LogField(std::string k, const char* v) : key(std::move(k)), text(v) {}
  LogField(std::string k, double v) : key(std::move(k)), kind(Kind::kReal), real(v) {}
  LogField(std::string k, int64_t v) : key(std::move(k)), kind(Kind::kInteger), integer(v) {}
  LogField(std::string k, int v) : key(std::move(k)), kind(Kind::kInteger), integer(v) {}
  LogField(std::string k, size_t v)
      : key(std::move(k)), kind(Kind::kInteger), integer(static_cast<int64_t>(v)) {}
  LogField(std::string k, bool v) : key(std::move(k)), kind(Kind::kBoolean), boolean(v) {}
  std::string key;
  Kind kind = Kind::kText;
  std::string text;
  int64_t integer = 0;
  double real = 0;
  bool boolean = false;
};
using LogFields = std::vector<LogField>;

/// The members of a JSON event object without its braces:
/// `"event":"NAME","k":v,...` (text JSON-escaped, invalid UTF-8 replaced).
/// The JSON formatter wraps it with the time and level.
std::string JsonEventMembers(const std::string& event, const LogFields& fields);

/// An spdlog logger writing to `stream` (unregistered, flushed after each
/// line). kHuman writes each message as is (the caller formats and ends
/// its lines); kJson writes `{"time":...,"level":...,<members>}` and a
/// newline, the message being JsonEventMembers().
std::shared_ptr<spdlog::logger> MakeStreamLogger(const std::string& name, std::ostream& stream,
                                                 LogFormat format, LogLevel level);

/// LogLevel as spdlog's level number.
int SpdlogLevel(LogLevel level);

#endif  // SLUGWRIGHT_BASE_LOG_H_
