#include "base/build_output.h"

void BuildOutput::Step(const std::string& title) {
  out_ << "-----> " << title << "\n" << std::flush;
}

void BuildOutput::Detail(const std::string& text) { Prefixed("       ", text); }

void BuildOutput::Warning(const std::string& text) { Prefixed(" !     ", text); }

void BuildOutput::Error(const std::string& text) { Prefixed(" !     ", text); }

void BuildOutput::Prefixed(const char* prefix, const std::string& text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out_ << prefix << text.substr(start, end - start) << "\n";
    start = end + 1;
  }
  out_ << std::flush;
}
