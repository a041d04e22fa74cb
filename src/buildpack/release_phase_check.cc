#include "buildpack/release_phase_check.h"

#include <vector>

#include "base/disk_interface.h"
#include "migrate/directory_source.h"
#include "migrate/migrations_dir_check.h"
#include "migrate/migrations_manifest.h"
#include "migrate/validate.h"
#include "tools/tool_history.h"

namespace {

/// The file system seen from the app root: relative paths are resolved
/// against it, so a migration source built on it names files as the
/// release phase (run in /app) does.
class AppRootDisk : public DiskInterface {
 public:
  AppRootDisk(DiskInterface* disk, std::string root) : disk_(disk), root_(std::move(root)) {}

  Kind Stat(const std::string& path) override { return disk_->Stat(At(path)); }
  bool IsSymlink(const std::string& path) override { return disk_->IsSymlink(At(path)); }
  bool ReadFile(const std::string& path, size_t limit, std::string* contents,
                std::string* err) override {
    bool ok = disk_->ReadFile(At(path), limit, contents, err);
    if (!ok) Unroot(err);
    return ok;
  }
  bool WriteFileAtomically(const std::string& path, const std::string&, int,
                           std::string* err) override {
    *err = path + ": the build's migration check writes nothing";
    return false;
  }
  bool MakeDirs(const std::string& path, std::string* err) override {
    *err = path + ": the build's migration check writes nothing";
    return false;
  }
  bool Canonical(const std::string& path, std::string* out, std::string* err) override {
    return disk_->Canonical(At(path), out, err);
  }
  bool ListDirectory(const std::string& path, std::vector<std::string>* names,
                     std::string* err) override {
    bool ok = disk_->ListDirectory(At(path), names, err);
    if (!ok) Unroot(err);
    return ok;
  }
  bool ListDirectoryEntries(const std::string& path, std::vector<Entry>* entries,
                            std::string* err) override {
    bool ok = disk_->ListDirectoryEntries(At(path), entries, err);
    if (!ok) Unroot(err);
    return ok;
  }
  std::vector<std::string> FindFiles(const std::string& root, const std::string& name) override {
    return disk_->FindFiles(At(root), name);
  }
  bool StatMetadata(const std::string& path, FileMetadata* metadata) override {
    return disk_->StatMetadata(At(path), metadata);
  }

 private:
  std::string At(const std::string& path) const {
    if (!path.empty() && path[0] == '/') return path;
    return path.empty() || path == "." ? root_ : root_ + "/" + path;
  }
  /// Errors name paths as given, not under the build directory.
  void Unroot(std::string* err) const {
    const std::string prefix = root_ + "/";
    for (size_t at; (at = err->find(prefix)) != std::string::npos;) err->erase(at, prefix.size());
  }

  DiskInterface* disk_;
  std::string root_;
};

bool EndsWithSql(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, ".sql") == 0;
}

/// True when `command` runs `slugwright` as a command word: at the start,
/// or after a blank, `;`, `&`, `|`, `(` or a path's `/`, and followed by a
/// blank or the end.
bool RunsSlugwright(const std::string& command) {
  const std::string kWord = "slugwright";
  for (size_t at = command.find(kWord); at != std::string::npos;
       at = command.find(kWord, at + 1)) {
    bool starts = at == 0 || std::string(" \t;&|(/").find(command[at - 1]) != std::string::npos;
    size_t end = at + kWord.size();
    bool ends = end == command.size() || command[end] == ' ' || command[end] == '\t';
    if (starts && ends) return true;
  }
  return false;
}

}  // namespace

ReleaseRunner ClassifyReleaseRunner(const Procfile& procfile, std::string* release_command) {
  const ProcessType* release = procfile.Find("release");
  if (!release) return ReleaseRunner::kNone;
  *release_command = release->command;
  return RunsSlugwright(release->command) ? ReleaseRunner::kSlugwright : ReleaseRunner::kOther;
}

ReleasePhaseFacts CheckReleasePhase(DiskInterface* disk, const std::string& app_dir,
                                    const Procfile& procfile, const ReleaseSettings& release) {
  ReleasePhaseFacts facts;
  facts.runner = ClassifyReleaseRunner(procfile, &facts.release_command);
  facts.migrations_dir = release.migrations_dir;
  AppRootDisk app(disk, app_dir);
  std::vector<std::string> names;
  std::string err;
  if (app.Stat(facts.migrations_dir) == DiskInterface::Kind::kDirectory &&
      app.ListDirectory(facts.migrations_dir, &names, &err))
    for (const std::string& name : names) facts.sql_files += EndsWithSql(name);

  if (facts.runner == ReleaseRunner::kSlugwright && !release.command.empty()) {
    ToolHistoryTable table;
    if (ResolveToolHistoryTable(release, &table)) facts.command_migrations_dir = table.migrations_dir;
    facts.command_pending_unknown =
        facts.command_migrations_dir.empty() ||
        app.Stat(facts.command_migrations_dir) != DiskInterface::Kind::kDirectory;
  }
  if (facts.runner != ReleaseRunner::kSlugwright || !release.command.empty()) return facts;
  // As `slugwright release` reads them in /app, and as `migrate validate
  // --offline` checks them: every file's up and down sections.
  RefuseMigrationsDirOutsideApp(&app, "", facts.migrations_dir, facts.migrations_dir);
  DirectorySource source(&app, facts.migrations_dir);
  std::vector<Migration> files = source.ReadAll();
  CheckEveryFile(files);
  facts.migrations_checked = true;
  facts.migrations = files.size();
  facts.manifest_text =
      FormatMigrationsManifest(source.RecordManifest(facts.migrations_dir));
  return facts;
}
