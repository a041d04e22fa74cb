#include "rehearse/rehearsal_progress.h"

#include <regex>

#include "base/duration.h"
#include "base/text.h"
#include "rehearse/rehearsal_report.h"

void CopyProgress::Feed(const std::string& line) {
  static const std::regex kDumping(R"(dumping contents of table \"(.*)\")");
  static const std::regex kProcessing(R"(processing data for table \"(.*)\")");
  static const std::regex kCreating(R"(creating (INDEX|CONSTRAINT|FK CONSTRAINT) )");
  static const std::regex kFinished(R"(finished item \d+ (TABLE DATA|INDEX|CONSTRAINT|FK CONSTRAINT) )");
  std::smatch m;
  if (std::regex_search(line, m, kDumping)) {
    ++tables_;
    current_ = m[1];
  } else if (std::regex_search(line, m, kProcessing)) {
    if (!parallel_) ++tables_;
    current_ = m[1];
  } else if (std::regex_search(line, m, kFinished)) {
    if (!parallel_) return;
    if (m[1] == "TABLE DATA")
      ++tables_;
    else
      ++post_data_;
  } else if (std::regex_search(line, m, kCreating)) {
    if (!parallel_) ++post_data_;
  }
}

std::string FormatCopyProgress(const std::string& phase, int tables, int tables_total,
                               int post_data, int post_data_total, int64_t bytes,
                               const std::string& bytes_what, double elapsed) {
  std::string text = phase + ": " + std::to_string(tables) +
                     (tables_total > 0 ? "/" + std::to_string(tables_total) : "") +
                     (tables_total == 1 ? " table" : " tables");
  if (post_data_total > 0)
    text += ", " + std::to_string(post_data) + "/" + std::to_string(post_data_total) +
            " indexes and constraints";
  if (bytes >= 0) text += ", " + FormatBytes(bytes) + " " + bytes_what;
  return text + ", " + FormatDuration(elapsed);
}

ProgressPrinter::ProgressPrinter(std::ostream& out, bool terminal, double interval)
    : out_(out), terminal_(terminal), interval_(interval) {}

void ProgressPrinter::Update(const std::string& text, double now) {
  if (!started_) {
    started_ = true;
    last_ = now;
    if (!terminal_) return;
  } else if (now - last_ < (terminal_ ? 0.1 : interval_)) {
    return;
  }
  if (terminal_ && text == last_text_ && drawn_) return;
  last_ = now;
  last_text_ = text;
  if (terminal_) {
    out_ << "\r\033[K       " << text << std::flush;
    drawn_ = true;
  } else {
    out_ << "       " << text << "\n" << std::flush;
    ++lines_printed_;
  }
}

void ProgressPrinter::Done() {
  if (terminal_ && drawn_) out_ << "\r\033[K" << std::flush;
  drawn_ = false;
  started_ = false;
  last_text_.clear();
}
