#include "testing/npm_tools.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "testing/process_harness.h"

namespace {

std::string CacheRoot() {
  const char* root = std::getenv("SLUGWRIGHT_NPM_CACHE");
  return root && *root ? root : "/var/tmp/slugwright-npm";
}

/// "sequelize-cli sequelize pg" -> "sequelize-cli_sequelize_pg".
std::string DirectoryName(const std::string& packages) {
  std::string name;
  for (char c : packages) name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return name;
}

/// Holds an exclusive flock on `path` while alive.
class FileLock {
 public:
  explicit FileLock(const std::string& path) : fd_(open(path.c_str(), O_CREAT | O_RDWR, 0644)) {
    if (fd_ >= 0) flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

}  // namespace

std::string InstallNpmTools(const std::string& packages, std::string* why) {
  namespace fs = std::filesystem;
  ProcessHarness shell;
  if (shell.RunShell("command -v npm").code != 0) {
    *why = "npm is not installed: the real tool cannot be fetched";
    return "";
  }
  std::error_code ec;
  fs::create_directories(CacheRoot(), ec);
  std::string prefix = CacheRoot() + "/" + DirectoryName(packages);
  FileLock lock(prefix + ".lock");
  if (fs::exists(prefix + "/node_modules/.bin")) return prefix;
  std::string staging = prefix + ".partial";
  fs::remove_all(staging, ec);
  fs::create_directories(staging, ec);
  shell.set_dir(staging);
  RunResult install = shell.RunShell("timeout 180 npm install --prefix '" + staging +
                                         "' --no-audit --no-fund " + packages,
                                     {}, 200);
  if (install.code != 0) {
    *why = "`npm install " + packages + "` failed (no registry?): " + install.all();
    fs::remove_all(staging, ec);
    return "";
  }
  fs::rename(staging, prefix, ec);
  if (ec) {
    *why = "could not publish " + prefix + ": " + ec.message();
    return "";
  }
  return prefix;
}
