#include "migrate/migrations_dir_check.h"

#include "base/disk_interface.h"
#include "base/exit_codes.h"

void RefuseMigrationsDirOutsideApp(DiskInterface* disk, const std::string& app_root,
                                   const std::string& setting, const std::string& dir) {
  std::string root, real, err;
  if (!disk->Canonical(app_root.empty() ? "." : app_root, &root, &err)) return;
  if (!disk->Canonical(dir, &real, &err)) return;
  if (real == root || real.compare(0, root.size() + 1, root + "/") == 0) return;
  if (root == "/") return;
  throw UserError(kExitUsage,
                  "migrations `" + setting + "` leads outside the app (through a symlink, "
                  "to " + real + "); like a path with `..`, it must stay inside the app "
                  "directory " + root + ". Keep the migrations in the app, or pass --dir "
                  "to use a folder elsewhere on purpose.");
}
