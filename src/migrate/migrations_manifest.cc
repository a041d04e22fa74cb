#include "migrate/migrations_manifest.h"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

namespace {

constexpr char kFormat[] = "slugwright-migrations-manifest";
constexpr int kVersion = 1;

/// A manifest field that is missing or of the wrong type.
struct BadField {
  std::string what;
};

const nlohmann::json& Field(const nlohmann::json& object, const std::string& where,
                            const char* key) {
  auto it = object.find(key);
  if (it == object.end()) throw BadField{where + key + ": missing"};
  return *it;
}

std::string StringField(const nlohmann::json& object, const std::string& where, const char* key) {
  const nlohmann::json& v = Field(object, where, key);
  if (!v.is_string()) throw BadField{where + key + ": expected a string"};
  return v.get<std::string>();
}

bool BoolField(const nlohmann::json& object, const std::string& where, const char* key) {
  const nlohmann::json& v = Field(object, where, key);
  if (!v.is_boolean()) throw BadField{where + key + ": expected true or false"};
  return v.get<bool>();
}

int64_t IntegerField(const nlohmann::json& object, const std::string& where, const char* key,
                     int64_t min, int64_t max) {
  const nlohmann::json& v = Field(object, where, key);
  if (!v.is_number_integer()) throw BadField{where + key + ": expected an integer"};
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(max))
    throw BadField{where + key + ": out of range"};
  int64_t n = v.get<int64_t>();
  if (n < min || n > max) throw BadField{where + key + ": out of range"};
  return n;
}

}  // namespace

const MigrationsManifestFile* MigrationsManifest::Find(const std::string& name) const {
  auto it = std::lower_bound(files.begin(), files.end(), name,
                             [](const MigrationsManifestFile& f, const std::string& n) {
                               return f.name < n;
                             });
  return it != files.end() && it->name == name ? &*it : nullptr;
}

MigrationsManifestFile RecordManifestFile(const std::string& name, const std::string& path,
                                          const DiskInterface::FileMetadata& metadata,
                                          const Migration& indexed) {
  MigrationsManifestFile f;
  f.name = name;
  f.metadata = metadata;
  f.holds_up = indexed.up_path == path;
  f.holds_down = indexed.down_path == path;
  f.checksum = indexed.checksum;
  f.up_in_transaction = indexed.up_in_transaction;
  f.down_in_transaction = indexed.down_in_transaction;
  f.up_first_line = indexed.up_first_line;
  f.up_blank = indexed.up_blank;
  return f;
}

Migration IndexedFromManifest(const MigrationsManifestFile& recorded, const std::string& path,
                              const MigrationFileName& file_name) {
  Migration m;
  m.version = file_name.version;
  m.name = file_name.name;
  m.sql_checked = false;
  if (recorded.holds_up) m.up_path = path;
  if (recorded.holds_down) m.down_path = path;
  m.checksum = recorded.checksum;
  m.up_in_transaction = recorded.up_in_transaction;
  m.down_in_transaction = recorded.down_in_transaction;
  m.up_first_line = recorded.up_first_line;
  m.up_blank = recorded.up_blank;
  return m;
}

bool ManifestMetadataMatches(const DiskInterface::FileMetadata& recorded,
                             const DiskInterface::FileMetadata& now) {
  return recorded.size == now.size && recorded.mtime_seconds == now.mtime_seconds &&
         (now.mtime_nanoseconds == recorded.mtime_nanoseconds || now.mtime_nanoseconds == 0);
}

std::string FormatMigrationsManifest(const MigrationsManifest& manifest) {
  nlohmann::json files = nlohmann::json::array();
  for (const MigrationsManifestFile& f : manifest.files)
    files.push_back({{"name", f.name},
                     {"size", f.metadata.size},
                     {"mtime", f.metadata.mtime_seconds},
                     {"mtime_ns", f.metadata.mtime_nanoseconds},
                     {"up", f.holds_up},
                     {"down", f.holds_down},
                     {"checksum", f.checksum},
                     {"up_in_transaction", f.up_in_transaction},
                     {"down_in_transaction", f.down_in_transaction},
                     {"up_first_line", f.up_first_line},
                     {"up_blank", f.up_blank}});
  nlohmann::json j = {{"format", kFormat},
                      {"version", kVersion},
                      {"directory", manifest.directory},
                      {"files", std::move(files)}};
  // One file a line: a manifest of 10,000 files stays readable and diffable.
  std::string text = "{\"format\": " + j["format"].dump() + ", \"version\": " +
                     j["version"].dump() + ", \"directory\": " + j["directory"].dump() +
                     ",\n \"files\": [";
  for (size_t i = 0; i < j["files"].size(); ++i)
    text += (i ? ",\n  " : "\n  ") + j["files"][i].dump();
  text += "\n]}\n";
  return text;
}

bool ParseMigrationsManifest(std::string_view text, MigrationsManifest* manifest,
                             std::string* problem) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    *problem = "not valid JSON";
    return false;
  }
  try {
    if (!j.is_object()) throw BadField{"expected a JSON object"};
    if (StringField(j, "", "format") != kFormat)
      throw BadField{std::string("format: expected \"") + kFormat + "\""};
    int64_t version = IntegerField(j, "", "version", 0, std::numeric_limits<int>::max());
    if (version != kVersion)
      throw BadField{"version " + std::to_string(version) + ": this slugwright reads version " +
                     std::to_string(kVersion)};
    manifest->directory = StringField(j, "", "directory");
    const nlohmann::json& files = Field(j, "", "files");
    if (!files.is_array()) throw BadField{"files: expected an array"};
    manifest->files.clear();
    manifest->files.reserve(files.size());
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    for (size_t i = 0; i < files.size(); ++i) {
      const nlohmann::json& e = files[i];
      std::string where = "files[" + std::to_string(i) + "].";
      if (!e.is_object()) throw BadField{"files[" + std::to_string(i) + "]: expected an object"};
      MigrationsManifestFile f;
      f.name = StringField(e, where, "name");
      if (f.name.empty() || f.name.find('/') != std::string::npos)
        throw BadField{where + "name: expected a file name"};
      f.metadata.size = IntegerField(e, where, "size", 0, kMax);
      f.metadata.mtime_seconds = IntegerField(e, where, "mtime", -kMax, kMax);
      f.metadata.mtime_nanoseconds = IntegerField(e, where, "mtime_ns", 0, 999999999);
      f.holds_up = BoolField(e, where, "up");
      f.holds_down = BoolField(e, where, "down");
      f.checksum = StringField(e, where, "checksum");
      if (f.holds_up && f.checksum.rfind("sha256:", 0) != 0)
        throw BadField{where + "checksum: expected \"sha256:<hex>\""};
      f.up_in_transaction = BoolField(e, where, "up_in_transaction");
      f.down_in_transaction = BoolField(e, where, "down_in_transaction");
      f.up_first_line = static_cast<int>(
          IntegerField(e, where, "up_first_line", 1, std::numeric_limits<int>::max()));
      f.up_blank = BoolField(e, where, "up_blank");
      if (!manifest->files.empty() && manifest->files.back().name >= f.name)
        throw BadField{where + "name: `" + f.name + "` is out of order or repeated; expected "
                       "the files sorted by name, each once"};
      manifest->files.push_back(std::move(f));
    }
  } catch (const BadField& bad) {
    *problem = bad.what;
    return false;
  }
  return true;
}
