#include "migrate/migrations_manifest.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace {

constexpr char kFormatLine[] = "# slugwright-migrations-manifest 1";
constexpr char kDirectoryPrefix[] = "# directory: ";
constexpr char kColumnsLine[] =
    "# name\tsize\tmtime\tmtime_ns\tup\tdown\tup_in_transaction\tdown_in_transaction\t"
    "up_first_line\tup_blank\tchecksum";
constexpr size_t kColumns = 11;

/// A manifest line that is not what this version writes.
struct BadLine {
  std::string what;
};

/// "line 7, " for the messages: only built for a bad line, since a
/// release parses 10,000 good ones.
std::string Where(size_t line) { return "line " + std::to_string(line) + ", "; }

int64_t Integer(std::string_view field, size_t line, const char* column, int64_t min,
                int64_t max) {
  int64_t n = 0;
  auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), n);
  if (field.empty() || ec != std::errc() || end != field.data() + field.size())
    throw BadLine{Where(line) + column + ": expected an integer, not `" + std::string(field) +
                  "`"};
  if (n < min || n > max) throw BadLine{Where(line) + column + ": out of range"};
  return n;
}

bool Flag(std::string_view field, size_t line, const char* column) {
  if (field == "1") return true;
  if (field == "0") return false;
  throw BadLine{Where(line) + column + ": expected 0 or 1, not `" + std::string(field) + "`"};
}

std::string_view NextLine(std::string_view* text) {
  size_t newline = text->find('\n');
  std::string_view line = text->substr(0, newline);
  text->remove_prefix(newline == std::string_view::npos ? text->size() : newline + 1);
  return line;
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
  std::string text = std::string(kFormatLine) + "\n" + kDirectoryPrefix + manifest.directory +
                     "\n" + kColumnsLine + "\n";
  text.reserve(text.size() + manifest.files.size() * 160);
  auto flag = [](bool b) { return b ? "1\t" : "0\t"; };
  for (const MigrationsManifestFile& f : manifest.files) {
    // A name the format cannot hold is left out: that file is read.
    if (f.name.find_first_of("\t\n") != std::string::npos) continue;
    text += f.name + "\t" + std::to_string(f.metadata.size) + "\t" +
            std::to_string(f.metadata.mtime_seconds) + "\t" +
            std::to_string(f.metadata.mtime_nanoseconds) + "\t" + flag(f.holds_up) +
            flag(f.holds_down) + flag(f.up_in_transaction) + flag(f.down_in_transaction) +
            std::to_string(f.up_first_line) + "\t" + flag(f.up_blank) + f.checksum + "\n";
  }
  return text;
}

bool ParseMigrationsManifest(std::string_view text, MigrationsManifest* manifest,
                             std::string* problem) {
  manifest->files.clear();
  try {
    if (NextLine(&text) != kFormatLine)
      throw BadLine{std::string("line 1: expected `") + kFormatLine + "`"};
    std::string_view directory = NextLine(&text);
    if (directory.substr(0, sizeof(kDirectoryPrefix) - 1) != kDirectoryPrefix)
      throw BadLine{std::string("line 2: expected `") + kDirectoryPrefix + "DIR`"};
    manifest->directory = std::string(directory.substr(sizeof(kDirectoryPrefix) - 1));
    if (NextLine(&text) != kColumnsLine)
      throw BadLine{"line 3: expected the column names"};
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    size_t lines = 1;
    for (size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1))
      ++lines;
    manifest->files.reserve(lines);
    for (size_t number = 4; !text.empty(); ++number) {
      std::string_view line = NextLine(&text);
      std::string_view fields[kColumns];
      size_t count = 0;
      for (std::string_view rest = line;; ++count) {
        size_t tab = rest.find('\t');
        if (count < kColumns) fields[count] = rest.substr(0, tab);
        if (tab == std::string_view::npos) break;
        rest.remove_prefix(tab + 1);
      }
      if (count + 1 != kColumns)
        throw BadLine{"line " + std::to_string(number) + ": expected " +
                      std::to_string(kColumns) + " tab-separated fields, found " +
                      std::to_string(count + 1)};
      // Filled in place: no file is built and moved per line.
      MigrationsManifestFile& f = manifest->files.emplace_back();
      f.name.assign(fields[0]);
      if (f.name.empty() || f.name.find('/') != std::string::npos)
        throw BadLine{Where(number) + "name: expected a file name"};
      f.metadata.size = Integer(fields[1], number, "size", 0, kMax);
      f.metadata.mtime_seconds = Integer(fields[2], number, "mtime", -kMax, kMax);
      f.metadata.mtime_nanoseconds = Integer(fields[3], number, "mtime_ns", 0, 999999999);
      f.holds_up = Flag(fields[4], number, "up");
      f.holds_down = Flag(fields[5], number, "down");
      f.up_in_transaction = Flag(fields[6], number, "up_in_transaction");
      f.down_in_transaction = Flag(fields[7], number, "down_in_transaction");
      f.up_first_line = static_cast<int>(
          Integer(fields[8], number, "up_first_line", 1, std::numeric_limits<int>::max()));
      f.up_blank = Flag(fields[9], number, "up_blank");
      f.checksum.assign(fields[10]);
      if (f.holds_up && f.checksum.rfind("sha256:", 0) != 0)
        throw BadLine{Where(number) + "checksum: expected sha256:<hex>"};
      const size_t count_so_far = manifest->files.size();
      if (count_so_far > 1 && manifest->files[count_so_far - 2].name >= f.name)
        throw BadLine{Where(number) + "name: `" + f.name + "` is out of order or repeated; expected "
                      "the files sorted by name, each once"};
    }
  } catch (const BadLine& bad) {
    *problem = bad.what;
    return false;
  }
  return true;
}
