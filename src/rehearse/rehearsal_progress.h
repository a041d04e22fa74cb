#ifndef SLUGWRIGHT_REHEARSE_REHEARSAL_PROGRESS_H_
#define SLUGWRIGHT_REHEARSE_REHEARSAL_PROGRESS_H_

#include <cstdint>
#include <ostream>
#include <string>

/// Follows the --verbose stderr of pg_dump or pg_restore: how many tables'
/// data are dumped or restored, how many indexes and constraints are
/// built, and which table is being copied.
class CopyProgress {
 public:
  /// `parallel_restore`: pg_restore --jobs > 1, which reports "finished
  /// item" lines (a table counts once finished); otherwise a table counts
  /// once its data starts.
  explicit CopyProgress(bool parallel_restore = false) : parallel_(parallel_restore) {}
  void Feed(const std::string& line);
  int tables() const { return tables_; }
  int post_data() const { return post_data_; }
  /// The last table whose data started, e.g. "public.orders".
  const std::string& current() const { return current_; }

 private:
  bool parallel_;
  int tables_ = 0;
  int post_data_ = 0;
  std::string current_;
};

/// "restore: 5/7 tables, 2/9 indexes and constraints, 120 MB in the copy,
/// 12s". A total of 0 or less is unknown; bytes < 0 are left out.
std::string FormatCopyProgress(const std::string& phase, int tables, int tables_total,
                               int post_data, int post_data_total, int64_t bytes,
                               const std::string& bytes_what, double elapsed_seconds);

/// Shows progress of a long phase. On a terminal: one line redrawn in
/// place (at most every 100 ms), erased by Done(). Otherwise: a plain
/// detail line every `interval_seconds`, so logs show it is alive without
/// filling up.
class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool terminal, double interval_seconds = 10);
  /// `now` in seconds on any monotonic clock.
  void Update(const std::string& text, double now);
  void Done();
  int lines_printed() const { return lines_printed_; }

 private:
  std::ostream& out_;
  bool terminal_;
  double interval_;
  bool started_ = false;
  double last_ = 0;
  bool drawn_ = false;
  std::string last_text_;
  int lines_printed_ = 0;
};

#endif  // SLUGWRIGHT_REHEARSE_REHEARSAL_PROGRESS_H_
