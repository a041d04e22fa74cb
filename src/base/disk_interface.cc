#include "base/disk_interface.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

DiskInterface::Kind RealDiskInterface::Stat(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return Kind::kMissing;
  if (S_ISREG(st.st_mode)) return Kind::kFile;
  if (S_ISDIR(st.st_mode)) return Kind::kDirectory;
  return Kind::kOther;
}

bool RealDiskInterface::IsSymlink(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

bool RealDiskInterface::ReadFile(const std::string& path, size_t limit,
                                 std::string* contents, std::string* err) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = path + ": " + strerror(errno);
    return false;
  }
  contents->clear();
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      *err = path + ": " + strerror(errno);
      close(fd);
      return false;
    }
    if (n == 0) break;
    if (contents->size() + static_cast<size_t>(n) > limit) {
      *err = path + ": larger than the limit of " + std::to_string(limit) +
             " bytes";
      close(fd);
      return false;
    }
    contents->append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return true;
}

bool RealDiskInterface::WriteFileAtomically(const std::string& path,
                                            const std::string& contents,
                                            int mode, std::string* err) {
  fs::path target(path);
  std::string tmpl =
      (target.parent_path() / ("." + target.filename().string() + ".XXXXXX"))
          .string();
  std::vector<char> tmp(tmpl.begin(), tmpl.end());
  tmp.push_back('\0');
  int fd = mkstemp(tmp.data());
  if (fd < 0) {
    *err = "cannot create a temporary file beside " + path + ": " +
           strerror(errno);
    return false;
  }
  auto fail = [&](const char* what) {
    *err = std::string(what) + " " + path + ": " + strerror(errno);
    close(fd);
    unlink(tmp.data());
    return false;
  };
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  if (fchmod(fd, static_cast<mode_t>(mode)) != 0) return fail("cannot chmod");
  if (fsync(fd) != 0) return fail("cannot flush");
  if (close(fd) != 0) {
    *err = "cannot write " + path + ": " + strerror(errno);
    unlink(tmp.data());
    return false;
  }
  if (rename(tmp.data(), path.c_str()) != 0) {
    *err = "cannot replace " + path + ": " + strerror(errno);
    unlink(tmp.data());
    return false;
  }
  return true;
}

bool RealDiskInterface::MakeDirs(const std::string& path, std::string* err) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) {
    *err = "cannot create " + path + ": " + ec.message();
    return false;
  }
  return true;
}

bool RealDiskInterface::Canonical(const std::string& path, std::string* out,
                                  std::string* err) {
  std::error_code ec;
  fs::path p = fs::canonical(path, ec);
  if (ec) {
    *err = path + ": " + ec.message();
    return false;
  }
  *out = p.string();
  return true;
}

bool DiskInterface::ListDirectoryEntries(const std::string& path, std::vector<Entry>* entries,
                                         std::string* err) {
  entries->clear();
  std::vector<std::string> names;
  if (!ListDirectory(path, &names, err)) return false;
  for (std::string& name : names) entries->push_back({std::move(name), false, Kind::kMissing});
  return true;
}

namespace {

/// Calls `visit(dir_fd, entry)` for each entry of the directory `path` but
/// `.` and `..`, with readdir rather than std::filesystem: a release lists
/// a directory of 10,000 migrations, and directory_iterator builds a path
/// per entry. False, with *err, when it cannot be opened or read.
template <typename Visit>
bool ReadEachEntry(const std::string& path, std::string* err, Visit visit) {
  DIR* dir = opendir(path.c_str());
  if (!dir) {
    *err = path + ": " + strerror(errno);
    return false;
  }
  const int fd = dirfd(dir);
  for (;;) {
    errno = 0;
    const struct dirent* entry = readdir(dir);
    if (!entry) break;
    const char* name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    visit(fd, *entry);
  }
  int read_error = errno;
  closedir(dir);
  if (read_error != 0) {
    *err = path + ": " + strerror(read_error);
    return false;
  }
  return true;
}

}  // namespace

bool RealDiskInterface::ListDirectoryEntries(const std::string& path,
                                             std::vector<Entry>* entries, std::string* err) {
  entries->clear();
  bool read = ReadEachEntry(path, err, [entries](int, const struct dirent& entry) {
    Entry e{entry.d_name, true, Kind::kOther};
    switch (entry.d_type) {
      case DT_REG:
        e.kind = Kind::kFile;
        break;
      case DT_DIR:
        e.kind = Kind::kDirectory;
        break;
      case DT_LNK:  // Stat() follows it.
      case DT_UNKNOWN:
        e.kind_known = false;
        break;
      default:
        break;
    }
    entries->push_back(std::move(e));
  });
  if (!read) return false;
  std::sort(entries->begin(), entries->end(),
            [](const Entry& a, const Entry& b) { return a.name < b.name; });
  return true;
}

bool RealDiskInterface::ListDirectory(const std::string& path,
                                      std::vector<std::string>* names,
                                      std::string* err) {
  names->clear();
  std::vector<Entry> entries;
  if (!ListDirectoryEntries(path, &entries, err)) return false;
  names->reserve(entries.size());
  for (Entry& e : entries) names->push_back(std::move(e.name));
  return true;
}

std::vector<std::string> RealDiskInterface::FindFiles(const std::string& root,
                                                      const std::string& name) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(
      root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    std::string base = p.filename().string();
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      if (base == ".git" || base == "node_modules" || base == ".slugwright" ||
          it->is_symlink(type_ec)) {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (base == name) found.push_back(fs::relative(p, root, type_ec).string());
  }
  std::sort(found.begin(), found.end());
  return found;
}

bool DiskInterface::MakeTempDir(const std::string&, std::string*, std::string* err) {
  *err = "this disk holds no temporary directories";
  return false;
}

bool DiskInterface::RemoveAll(const std::string& path, std::string* err) {
  *err = "this disk cannot remove " + path;
  return false;
}

bool RealDiskInterface::MakeTempDir(const std::string& prefix, std::string* path,
                                    std::string* err) {
  const char* tmp = getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data())) {
    *err = "creating a temporary directory (" + pattern + "): " + strerror(errno);
    return false;
  }
  *path = buffer.data();
  return true;
}

bool RealDiskInterface::RemoveAll(const std::string& path, std::string* err) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) {
    *err = "cannot remove " + path + ": " + ec.message();
    return false;
  }
  return true;
}

bool DiskInterface::StatMetadata(const std::string&, FileMetadata*) { return false; }

bool DiskInterface::ListDirectoryStat(const std::string& path, std::vector<StatEntry>* entries,
                                      std::string* err) {
  entries->clear();
  std::vector<Entry> listed;
  if (!ListDirectoryEntries(path, &listed, err)) return false;
  const std::string prefix = path.empty() || path.back() == '/' ? path : path + "/";
  for (Entry& e : listed) {
    StatEntry s{std::move(e.name), Kind::kMissing, {}};
    const std::string entry_path = prefix + s.name;
    s.kind = Stat(entry_path);
    if (s.kind == Kind::kFile && !StatMetadata(entry_path, &s.metadata)) s.kind = Kind::kOther;
    entries->push_back(std::move(s));
  }
  return true;
}

namespace {

void SetMetadata(const struct stat& st, DiskInterface::FileMetadata* metadata) {
  metadata->size = static_cast<int64_t>(st.st_size);
  metadata->mtime_seconds = static_cast<int64_t>(st.st_mtim.tv_sec);
  metadata->mtime_nanoseconds = static_cast<int64_t>(st.st_mtim.tv_nsec);
}

}  // namespace

bool RealDiskInterface::ListDirectoryStat(const std::string& path,
                                          std::vector<StatEntry>* entries, std::string* err) {
  entries->clear();
  return ReadEachEntry(path, err, [entries](int fd, const struct dirent& entry) {
    StatEntry e{entry.d_name, Kind::kMissing, {}};
    struct stat st;
    if (fstatat(fd, entry.d_name, &st, 0) == 0) {
      e.kind = S_ISREG(st.st_mode) ? Kind::kFile
               : S_ISDIR(st.st_mode) ? Kind::kDirectory
                                     : Kind::kOther;
      if (e.kind == Kind::kFile) SetMetadata(st, &e.metadata);
    }
    entries->push_back(std::move(e));
  });
}

bool RealDiskInterface::StatMetadata(const std::string& path, FileMetadata* metadata) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  SetMetadata(st, metadata);
  return true;
}
