#include "migrate/directory_source.h"

#include <algorithm>
#include <utility>

#include "base/disk_interface.h"
#include "migrate/migration_file_errors.h"

DirectorySource::DirectorySource(DiskInterface* disk, std::string dir)
    : disk_(disk), dir_(std::move(dir)) {}

std::string DirectorySource::Describe() const {
  if (!dir_.empty() && dir_.back() == '/') return dir_;
  return dir_ + "/";
}

std::vector<Migration> DirectorySource::ReadAll() { return Read(/*check=*/true); }

std::vector<Migration> DirectorySource::ReadIndex() { return Read(/*check=*/false); }

std::string DirectorySource::ReadFileOrFail(const std::string& path) {
  std::string contents, err;
  if (!disk_->ReadFile(path, kMaxMigrationFileBytes, &contents, &err))
    FailMigrationFile("cannot read migration file " + err);
  return contents;
}

Migration DirectorySource::ReadChecked(const Migration& indexed) {
  if (indexed.sql_checked) return indexed;
  Migration m =
      ParseMigrationFile(indexed.up_path, ReadFileOrFail(indexed.up_path), split_options_);
  if (!indexed.down_path.empty() && indexed.down_path != indexed.up_path)
    MergeDown(
        ParseMigrationFile(indexed.down_path, ReadFileOrFail(indexed.down_path), split_options_),
        &m);
  return m;
}

void DirectorySource::MergeDown(const Migration& d, Migration* m) {
  m->down_in_transaction = d.down_in_transaction;
  m->has_down = d.has_down;
  m->down_path = d.down_path;
  m->down_sql = d.down_sql;
  m->down_first_line = d.down_first_line;
}

DirectorySource::ManifestLoad DirectorySource::UseManifest(const std::string& path,
                                                           const std::string& directory) {
  ManifestLoad load;
  load.path = path;
  manifest_ = MigrationsManifest();
  if (disk_->Stat(path) == DiskInterface::Kind::kMissing) return load;
  std::string text, err;
  // A manifest of 10,000 files is about 2.5 MB.
  constexpr size_t kMaxManifestBytes = 64 * 1024 * 1024;
  MigrationsManifest manifest;
  if (!disk_->ReadFile(path, kMaxManifestBytes, &text, &err)) {
    load.state = ManifestLoad::State::kRejected;
    load.problem = err;
    return load;
  }
  if (!ParseMigrationsManifest(text, &manifest, &load.problem)) {
    load.state = ManifestLoad::State::kRejected;
    return load;
  }
  if (manifest.directory != directory) {
    load.state = ManifestLoad::State::kOtherDirectory;
    load.recorded_directory = manifest.directory;
    return load;
  }
  load.state = ManifestLoad::State::kUsed;
  manifest_ = std::move(manifest);
  return load;
}

MigrationsManifest DirectorySource::RecordManifest(const std::string& directory) {
  MigrationsManifest record;
  record.directory = directory;
  std::vector<File> files = ReadFiles(/*check=*/false, &record);
  AssembleAll(&files);  // for its errors: duplicates, pairs
  std::sort(record.files.begin(), record.files.end(),
            [](const MigrationsManifestFile& a, const MigrationsManifestFile& b) {
              return a.name < b.name;
            });
  return record;
}

bool DirectorySource::IndexFromManifest(const std::string& path, const std::string& file_name,
                                        const MigrationFileName& name, Migration* migration) {
  if (manifest_.files.empty()) return false;
  const MigrationsManifestFile* recorded = manifest_.Find(file_name);
  DiskInterface::FileMetadata now;
  if (!recorded || !disk_->StatMetadata(path, &now) ||
      !ManifestMetadataMatches(recorded->metadata, now) ||
      now.size > static_cast<int64_t>(kMaxMigrationFileBytes))
    return false;
  *migration = IndexedFromManifest(*recorded, path, name);
  return true;
}

bool DirectorySource::ReadRecordedIndex(std::vector<RecordedMigration>* migrations) {
  migrations->clear();
  if (ProvenByManifest(migrations)) return true;
  migrations->clear();
  return false;
}

bool DirectorySource::ProvenByManifest(std::vector<RecordedMigration>* migrations) {
  if (manifest_.files.empty()) return false;
  std::vector<DiskInterface::StatEntry> entries;
  std::string err;
  if (!disk_->ListDirectoryStat(dir_, &entries, &err)) return false;
  // Every listed migration file is recorded, unchanged.
  size_t recorded_files = 0;
  for (const DiskInterface::StatEntry& entry : entries) {
    if (!IsMigrationFileName(entry.name)) continue;
    if (entry.kind == DiskInterface::Kind::kDirectory) continue;  // as ReadFiles
    const MigrationsManifestFile* recorded = manifest_.Find(entry.name);
    if (entry.kind != DiskInterface::Kind::kFile || !recorded ||
        !ManifestMetadataMatches(recorded->metadata, entry.metadata) ||
        entry.metadata.size > static_cast<int64_t>(kMaxMigrationFileBytes))
      return false;
    ++recorded_files;
  }
  // And every recorded file is still there (names are listed and recorded
  // once each).
  if (recorded_files != manifest_.files.size()) return false;
  // In the manifest's order (by name), usually the versions' already.
  migrations->reserve(manifest_.files.size());
  MigrationFileName name;  // reused: no allocation per file
  for (const MigrationsManifestFile& recorded : manifest_.files) {
    if (!TryParseMigrationFileName(recorded.name, &name, &err)) return false;
    // A down file's migration is its up file's.
    if (name.kind == MigrationFileKind::kDown) continue;
    if (!recorded.holds_up || recorded.up_blank) return false;
    migrations->push_back({name.version, recorded.checksum});
  }
  auto by_version = [](const RecordedMigration& a, const RecordedMigration& b) {
    return a.version < b.version;
  };
  if (!std::is_sorted(migrations->begin(), migrations->end(), by_version))
    std::sort(migrations->begin(), migrations->end(), by_version);
  auto same_version = [](const RecordedMigration& a, const RecordedMigration& b) {
    return a.version == b.version;
  };
  return std::adjacent_find(migrations->begin(), migrations->end(), same_version) ==
         migrations->end();
}

std::vector<DirectorySource::File> DirectorySource::ReadFiles(bool check,
                                                              MigrationsManifest* record) {
  switch (disk_->Stat(dir_)) {
    case DiskInterface::Kind::kDirectory:
      break;
    case DiskInterface::Kind::kMissing:
      FailMigrationFile("the migrations directory `" + dir_ +
                        "` does not exist; expected a directory of .sql migration files "
                        "(the `migrations:` setting of slugwright.yml, relative to the app "
                        "root)");
    default:
      FailMigrationFile("`" + dir_ +
                        "` is not a directory; expected the directory of "
                        ".sql migration files");
  }
  std::vector<DiskInterface::Entry> entries;
  std::string err;
  if (!disk_->ListDirectoryEntries(dir_, &entries, &err))
    FailMigrationFile("cannot list the migrations directory: " + err);

  std::vector<File> files;
  files.reserve(entries.size());
  for (const DiskInterface::Entry& entry : entries) {
    if (!IsMigrationFileName(entry.name)) continue;
    std::string path = MigrationFilePath(dir_, entry.name);
    // The listing's kind spares a stat per file; a symlink is followed.
    switch (entry.kind_known ? entry.kind : disk_->Stat(path)) {
      case DiskInterface::Kind::kFile:
        break;
      case DiskInterface::Kind::kDirectory:
        continue;
      case DiskInterface::Kind::kMissing:
        FailMigrationFile(path +
                          ": a dangling symbolic link (or the file vanished); "
                          "expected a migration file");
      case DiskInterface::Kind::kOther:
        FailMigrationFile(path + ": not a regular file; expected a migration file");
    }
    MigrationFileName name = ParseMigrationFileName(path);
    Migration migration;
    if (check || record || !IndexFromManifest(path, entry.name, name, &migration)) {
      // Stat before the read: a file changed in between is recorded with
      // an older time than it has, so it is read again next time.
      DiskInterface::FileMetadata metadata;
      bool recordable = record && disk_->StatMetadata(path, &metadata);
      std::string contents = ReadFileOrFail(path);
      migration = check ? ParseMigrationFile(path, contents, split_options_)
                        : IndexMigrationFile(path, contents, name);
      if (recordable)
        record->files.push_back(RecordManifestFile(entry.name, path, metadata, migration));
    }
    files.push_back({std::move(path), std::move(name), std::move(migration)});
  }
  // In listing order within a version, so the messages below name the
  // same file first however the files were read. (Usually sorted already.)
  auto by_version = [](const File& a, const File& b) { return a.name.version < b.name.version; };
  if (!std::is_sorted(files.begin(), files.end(), by_version))
    std::stable_sort(files.begin(), files.end(), by_version);
  return files;
}

std::vector<Migration> DirectorySource::Read(bool check) {
  std::vector<File> files = ReadFiles(check);
  return AssembleAll(&files);
}

std::vector<Migration> DirectorySource::AssembleAll(std::vector<File>* all) {
  std::vector<File>& files = *all;
  std::vector<Migration> migrations;
  migrations.reserve(files.size());
  for (size_t begin = 0; begin < files.size();) {
    size_t end = begin;
    while (end < files.size() && files[end].name.version == files[begin].name.version) ++end;
    migrations.push_back(Assemble(&files, begin, end));
    begin = end;
  }
  return migrations;
}

Migration DirectorySource::Assemble(std::vector<File>* all, size_t begin, size_t end) {
  const int64_t version = (*all)[begin].name.version;
  File* primary = nullptr;
  std::vector<const File*> downs;
  for (size_t i = begin; i < end; ++i) {
    File& file = (*all)[i];
    if (file.name.kind == MigrationFileKind::kDown) {
      downs.push_back(&file);
    } else if (primary) {
      FailMigrationFile(file.path + ": version " + std::to_string(version) +
                        " is also the version of " + primary->path +
                        "; expected each version once (leading zeros do not count: "
                        "`001` and `1` are the same version)");
    } else {
      primary = &file;
    }
  }
  for (const File* down : downs) {
    if (!primary)
      FailMigrationFile(down->path + ": no `" + down->name.stem +
                        ".up.sql` beside it; expected a .down.sql file next to the "
                        ".up.sql it undoes");
    if (primary->name.kind == MigrationFileKind::kDbmate)
      FailMigrationFile(down->path + ": version " + std::to_string(version) +
                        " is also the dbmate-style migration " + primary->path +
                        "; expected either one file with a `-- migrate:down` section "
                        "or an .up.sql/.down.sql pair");
    if (down->name.stem != primary->name.stem)
      FailMigrationFile(down->path + ": no `" + down->name.stem + ".up.sql` beside it (version " +
                        std::to_string(version) + " is " + primary->path +
                        "); expected the .down.sql file to be named like its .up.sql");
  }
  if (downs.size() > 1)
    FailMigrationFile(downs[1]->path + ": a second down file for " + primary->path +
                      " (the first is " + downs[0]->path + "); expected one");
  Migration m = std::move(primary->migration);
  if (!downs.empty()) MergeDown(downs[0]->migration, &m);
  return m;
}
