#include "base/log.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>

#include "base/exit_codes.h"

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

LogFormat ParseFormat(const std::string& text, const std::string& origin) {
  if (text == "human" || text == "text") return LogFormat::kHuman;
  if (text == "json") return LogFormat::kJson;
  throw UserError(kExitUsage, origin + ": unknown log format `" + text +
                                  "`; expected `human` or `json`");
}

LogLevel ParseLevel(const std::string& text, const std::string& origin) {
  if (text == "trace") return LogLevel::kTrace;
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "warn" || text == "warning") return LogLevel::kWarn;
  if (text == "error") return LogLevel::kError;
  if (text == "off") return LogLevel::kOff;
  throw UserError(kExitUsage, origin + ": unknown log level `" + text +
                                  "`; expected trace, debug, info, warn, error or off");
}

std::string JsonString(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// `{"time":"2024-01-02T03:04:05.678Z","level":"info",<payload>}` per
/// message: the format of --log-format json.
class JsonLineFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    auto since_epoch = msg.time.time_since_epoch();
    std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    int millis = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[40];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    std::string head = std::string("{\"time\":\"") + stamp + "." +
                       std::to_string(1000 + millis).substr(1) + "Z\",\"level\":\"" +
                       std::string(spdlog::level::to_string_view(msg.level).data(),
                                   spdlog::level::to_string_view(msg.level).size()) +
                       "\",";
    dest.append(head.data(), head.data() + head.size());
    dest.append(msg.payload.data(), msg.payload.data() + msg.payload.size());
    dest.push_back('}');
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLineFormatter>();
  }
};

}  // namespace

LogOptions ResolveLogOptions(const std::string& format_flag, bool verbose) {
  LogOptions options;
  if (!format_flag.empty())
    options.format = ParseFormat(format_flag, "--log-format");
  else if (!Env("SLUGWRIGHT_LOG_FORMAT").empty())
    options.format = ParseFormat(Env("SLUGWRIGHT_LOG_FORMAT"), "SLUGWRIGHT_LOG_FORMAT");
  if (verbose)
    options.level = LogLevel::kDebug;
  else if (!Env("SLUGWRIGHT_LOG_LEVEL").empty())
    options.level = ParseLevel(Env("SLUGWRIGHT_LOG_LEVEL"), "SLUGWRIGHT_LOG_LEVEL");
  return options;
}

std::string JsonEventMembers(const std::string& event, const LogFields& fields) {
  std::string members = "\"event\":" + JsonString(event);
  for (const LogField& f : fields) {
    members += "," + JsonString(f.key) + ":";
    switch (f.kind) {
      case LogField::Kind::kBoolean: members += f.boolean ? "true" : "false"; break;
      case LogField::Kind::kInteger: members += std::to_string(f.integer); break;
      case LogField::Kind::kReal: members += nlohmann::json(f.real).dump(); break;
      case LogField::Kind::kText: members += JsonString(f.text); break;
    }
  }
  return members;
}

int SpdlogLevel(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace: return spdlog::level::trace;
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
    case LogLevel::kOff: return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> MakeStreamLogger(const std::string& name, std::ostream& stream,
                                                 LogFormat format, LogLevel level) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream, /*force_flush=*/true);
  if (format == LogFormat::kJson)
    sink->set_formatter(std::make_unique<JsonLineFormatter>());
  else
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%v", spdlog::pattern_time_type::utc, std::string()));
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  logger->set_level(static_cast<spdlog::level::level_enum>(SpdlogLevel(level)));
  logger->flush_on(spdlog::level::trace);
  return logger;
}
