#include "migrate/new_migration.h"

#include <vector>

#include "base/ascii.h"
#include "base/disk_interface.h"
#include "migrate/migration_file_errors.h"
#include "migrate/migration_file_name.h"
#include "sql/source_text.h"

namespace {

constexpr size_t kMaxNewNameLength = 200;

}  // namespace

std::string CreateMigrationFile(DiskInterface* disk, const std::string& dir,
                                const std::string& name, std::time_t now) {
  bool valid = !name.empty() && name.size() <= kMaxNewNameLength;
  for (char c : name)
    valid = valid && (IsAsciiLetter(c) || IsAsciiDigit(c) || c == '_' || c == '-');
  if (!valid)
    FailMigrationFile("invalid migration name `" + Printable(name) + "`; expected 1 to " +
                      std::to_string(kMaxNewNameLength) +
                      " letters, digits, `_` or `-`, e.g. `create_users`");

  std::tm utc;
  if (!gmtime_r(&now, &utc) || utc.tm_year + 1900 < 1000 || utc.tm_year + 1900 > 9999)
    FailMigrationFile("the clock reads " + std::to_string(static_cast<long long>(now)) +
                      " seconds since 1970; expected a time between the years 1000 and "
                      "9999 for a migration version");
  char version[32];
  strftime(version, sizeof version, "%Y%m%d%H%M%S", &utc);
  std::string path = MigrationFilePath(dir, std::string(version) + "_" + name + ".sql");

  std::string err;
  switch (disk->Stat(dir)) {
    case DiskInterface::Kind::kMissing:
      if (!disk->MakeDirs(dir, &err)) FailMigrationFile(err);  // Names the directory.
      break;
    case DiskInterface::Kind::kDirectory: {
      std::vector<std::string> names;
      if (!disk->ListDirectory(dir, &names, &err))
        FailMigrationFile("cannot list the migrations directory: " + err);
      for (const std::string& entry : names) {
        MigrationFileName existing;
        std::string ignored;
        if (IsMigrationFileName(entry) && TryParseMigrationFileName(entry, &existing, &ignored) &&
            existing.version == std::stoll(version))
          FailMigrationFile(MigrationFilePath(dir, entry) + " already has the version " + version +
                            "; expected a new version (wait a second and run again)");
      }
      break;
    }
    default:
      FailMigrationFile("`" + dir +
                        "` is not a directory; expected a directory for the "
                        "migration files");
  }
  if (disk->Stat(path) != DiskInterface::Kind::kMissing)
    FailMigrationFile(path + " already exists; expected a new migration name");
  const std::string kTemplate = "-- migrate:up\n\n\n-- migrate:down\n\n";
  if (!disk->WriteFileAtomically(path, kTemplate, 0644, &err))
    FailMigrationFile(err);  // Names the file.
  return path;
}
