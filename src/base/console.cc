#include "base/console.h"

#include <spdlog/logger.h>
#include <sstream>

#include "base/build_output.h"
#include "base/redactor.h"

namespace {

spdlog::level::level_enum Level(LogLevel level) {
  return static_cast<spdlog::level::level_enum>(SpdlogLevel(level));
}

}  // namespace

Console::Console(std::ostream& out, std::ostream& err, const Redactor* redactor)
    : out_(out), err_(err), redactor_(redactor) {
  Configure(LogOptions());
}

void Console::Configure(const LogOptions& options) {
  std::lock_guard<std::mutex> lock(mutex_);
  options_ = options;
  out_log_ = MakeStreamLogger("slugwright", out_, options.format, options.level);
  err_log_ = MakeStreamLogger("slugwright", err_, options.format, options.level);
}

std::string Console::Scrub(const std::string& text) const {
  return redactor_ ? redactor_->Scrub(text) : text;
}

void Console::Write(Kind kind, LogLevel level, const char* event, const std::string& text) {
  std::string clean = Scrub(text);
  std::lock_guard<std::mutex> lock(mutex_);
  EndProgressLocked();
  if (json()) {
    err_log_->log(Level(level), "{}", JsonEventMembers(event, {{"message", clean}}));
    return;
  }
  std::ostringstream lines;
  BuildOutput output(lines);
  if (kind == Kind::kStep)
    output.Step(clean);
  else if (kind == Kind::kDetail)
    output.Detail(clean);
  else
    output.Warning(clean);
  bool to_out = kind != Kind::kWarning && !data_mode_;
  (to_out ? out_log_ : err_log_)->log(Level(level), "{}", lines.str());
}

void Console::Step(const std::string& text) { Write(Kind::kStep, LogLevel::kInfo, "step", text); }
void Console::Detail(const std::string& text) {
  Write(Kind::kDetail, LogLevel::kInfo, "detail", text);
}
void Console::Debug(const std::string& text) {
  Write(Kind::kDetail, LogLevel::kDebug, "debug", text);
}
void Console::Warning(const std::string& text) {
  Write(Kind::kWarning, LogLevel::kWarn, "warning", text);
}
void Console::Error(const std::string& text) {
  Write(Kind::kWarning, LogLevel::kError, "error", text);
}

void Console::ProcessLine(const std::string& prefix, const std::string& line) {
  std::string clean = Scrub(line);
  std::lock_guard<std::mutex> lock(mutex_);
  EndProgressLocked();
  if (json()) {
    err_log_->info("{}", JsonEventMembers("output", {{"prefix", prefix}, {"line", clean}}));
    return;
  }
  (data_mode_ ? err_log_ : out_log_)->info("{}", "       " + prefix + clean + "\n");
}

void Console::Event(const std::string& name, const LogFields& fields, LogLevel level) {
  if (!json()) return;
  LogFields clean = fields;
  for (LogField& f : clean)
    if (f.kind == LogField::Kind::kText) f.text = Scrub(f.text);
  std::lock_guard<std::mutex> lock(mutex_);
  err_log_->log(Level(level), "{}", JsonEventMembers(name, clean));
}

void Console::Progress(const std::string& text, const LogFields& fields) {
  if (json()) {
    LogFields with_message = fields;
    with_message.emplace_back("message", text);
    Event("progress", with_message);
    return;
  }
  if (!terminal_) {
    Detail(text);
    return;
  }
  std::string clean = Scrub(text);
  std::lock_guard<std::mutex> lock(mutex_);
  // Carriage return, the line, erase to its end: redrawn in place.
  (data_mode_ ? err_log_ : out_log_)->info("{}", "\r       " + clean + "\033[K");
  progress_open_ = true;
}

void Console::EndProgress() {
  std::lock_guard<std::mutex> lock(mutex_);
  EndProgressLocked();
}

void Console::EndProgressLocked() {
  if (!progress_open_) return;
  progress_open_ = false;
  (data_mode_ ? err_log_ : out_log_)->info("{}", "\r\033[K");
}

void Console::Data(const std::string& text) {
  std::string clean = Scrub(text);
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << clean << std::flush;
}
