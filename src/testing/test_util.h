#ifndef SLUGWRIGHT_TESTING_TEST_UTIL_H_
#define SLUGWRIGHT_TESTING_TEST_UTIL_H_

#include <functional>
#include <string>
#include <vector>

/// A fresh directory under $TMPDIR for one test, removed with everything in
/// it when the object goes away.
class ScopedTempDir {
 public:
  ScopedTempDir();
  ~ScopedTempDir();
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  /// Writes `contents` to `relative` (creating parent directories) and
  /// returns the full path.
  std::string Write(const std::string& relative, const std::string& contents) const;
  /// Makes `relative` a symlink to `target`.
  void Symlink(const std::string& target, const std::string& relative) const;
  std::string Read(const std::string& relative) const;

 private:
  std::string path_;
};

/// Whether `text` holds `part` anywhere (what most output checks ask).
inline bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Polls `condition` every 20 ms for up to `seconds`; whether it held.
bool WaitUntil(const std::function<bool()>& condition, double seconds);

/// Sleeps for `seconds` (fractions allowed).
void SleepSeconds(double seconds);

/// The names in `dir` (not . and ..); empty when it cannot be listed.
std::vector<std::string> DirectoryEntries(const std::string& dir);

/// The command lines (NULs as spaces) of the running processes that
/// mention `text`: what a command started in a directory left running.
std::vector<std::string> ProcessesMentioning(const std::string& text);

#endif  // SLUGWRIGHT_TESTING_TEST_UTIL_H_
