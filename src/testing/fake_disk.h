#ifndef SLUGWRIGHT_TESTING_FAKE_DISK_H_
#define SLUGWRIGHT_TESTING_FAKE_DISK_H_

// An in-memory DiskInterface for tests of code that reads files and makes
// temporary directories: files and directories by absolute path, nothing
// on the real disk, and a record of the temporary directories made.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/disk_interface.h"

/// Files and directories in memory. Writing a file creates its parent
/// directories; MakeTempDir hands out /tmp/fake-temp-1, -2, ...
class InMemoryDisk : public DiskInterface {
 public:
  std::map<std::string, std::string> files;
  std::set<std::string> dirs;
  /// Every temporary directory made, in order; and those still there.
  std::vector<std::string> temp_dirs_made;
  /// MakeTempDir fails with this message when not empty.
  std::string temp_dir_error;

  void AddFile(const std::string& path, const std::string& contents) {
    files[path] = contents;
    AddParents(path);
  }
  /// Whether anything (a file or directory) is at or under `path`.
  bool Exists(const std::string& path) const {
    if (files.count(path) || dirs.count(path)) return true;
    for (const auto& [file, contents] : files)
      if (Under(file, path)) return true;
    return false;
  }
  /// The temporary directories made and not removed.
  std::vector<std::string> LeftoverTempDirs() const {
    std::vector<std::string> left;
    for (const std::string& dir : temp_dirs_made)
      if (Exists(dir)) left.push_back(dir);
    return left;
  }

  Kind Stat(const std::string& given) override {
    std::string path = Strip(given);
    if (files.count(path)) return Kind::kFile;
    if (dirs.count(path)) return Kind::kDirectory;
    return Kind::kMissing;
  }
  bool IsSymlink(const std::string&) override { return false; }
  bool ReadFile(const std::string& path, size_t limit, std::string* contents,
                std::string* err) override {
    auto it = files.find(path);
    if (it == files.end()) {
      *err = path + ": No such file or directory";
      return false;
    }
    if (it->second.size() > limit) {
      *err = path + ": larger than the limit of " + std::to_string(limit) + " bytes";
      return false;
    }
    *contents = it->second;
    return true;
  }
  bool WriteFileAtomically(const std::string& path, const std::string& contents, int,
                           std::string* err) override {
    if (!dirs.count(Parent(path))) {
      *err = "cannot create a temporary file beside " + path + ": No such file or directory";
      return false;
    }
    files[path] = contents;
    return true;
  }
  bool MakeDirs(const std::string& path, std::string*) override {
    dirs.insert(Strip(path));
    AddParents(Strip(path));
    return true;
  }
  bool Canonical(const std::string& path, std::string* out, std::string*) override {
    *out = Strip(path);
    return true;
  }
  bool ListDirectory(const std::string& given, std::vector<std::string>* names,
                     std::string* err) override {
    std::string path = Strip(given);
    if (!dirs.count(path)) {
      *err = path + ": No such file or directory";
      return false;
    }
    std::set<std::string> found;
    for (const auto& [file, contents] : files)
      if (Parent(file) == path) found.insert(file.substr(path.size() + 1));
    for (const std::string& dir : dirs)
      if (dir != path && Parent(dir) == path) found.insert(dir.substr(path.size() + 1));
    names->assign(found.begin(), found.end());
    return true;
  }
  std::vector<std::string> FindFiles(const std::string&, const std::string&) override {
    return {};
  }
  bool MakeTempDir(const std::string& prefix, std::string* path, std::string* err) override {
    if (!temp_dir_error.empty()) {
      *err = temp_dir_error;
      return false;
    }
    *path = "/tmp/" + prefix + std::to_string(temp_dirs_made.size() + 1);
    MakeDirs(*path, err);
    temp_dirs_made.push_back(*path);
    return true;
  }
  bool RemoveAll(const std::string& given, std::string*) override {
    std::string path = Strip(given);
    for (auto it = files.begin(); it != files.end();)
      it = it->first == path || Under(it->first, path) ? files.erase(it) : std::next(it);
    for (auto it = dirs.begin(); it != dirs.end();)
      it = *it == path || Under(*it, path) ? dirs.erase(it) : std::next(it);
    return true;
  }

 private:
  static std::string Strip(std::string path) {
    if (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
  }
  static std::string Parent(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
  }
  static bool Under(const std::string& path, const std::string& dir) {
    return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
           path[dir.size()] == '/';
  }
  void AddParents(const std::string& path) {
    for (std::string p = Parent(path); p != "/" && p != "."; p = Parent(p)) dirs.insert(p);
    dirs.insert("/");
  }
};

#endif  // SLUGWRIGHT_TESTING_FAKE_DISK_H_
