#include "base/console.h"

#include "base/build_output.h"
#include "base/redactor.h"

Console::Console(std::ostream& out, std::ostream& err, const Redactor* redactor)
    : out_(out), err_(err), redactor_(redactor) {}

std::string Console::Scrub(const std::string& text) const {
  return redactor_ ? redactor_->Scrub(text) : text;
}

void Console::Write(std::ostream& stream, const char* prefix, const std::string& text) {
  std::string clean = Scrub(text);
  std::lock_guard<std::mutex> lock(mutex_);
  BuildOutput output(stream);
  if (std::string(prefix) == "step")
    output.Step(clean);
  else if (std::string(prefix) == "detail")
    output.Detail(clean);
  else
    output.Warning(clean);
}

void Console::Step(const std::string& text) { Write(data_mode_ ? err_ : out_, "step", text); }
void Console::Detail(const std::string& text) {
  Write(data_mode_ ? err_ : out_, "detail", text);
}
void Console::Warning(const std::string& text) { Write(err_, "warning", text); }
void Console::Error(const std::string& text) { Write(err_, "error", text); }

void Console::ProcessLine(const std::string& prefix, const std::string& line) {
  std::string clean = Scrub(line);
  std::lock_guard<std::mutex> lock(mutex_);
  (data_mode_ ? err_ : out_) << "       " << prefix << clean << "\n" << std::flush;
}

void Console::Data(const std::string& text) {
  std::string clean = Scrub(text);
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << clean << std::flush;
}
