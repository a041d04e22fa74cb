#include "migrate/migration_file_name.h"

#include "base/ascii.h"
#include "migrate/migration_file_errors.h"
#include "sql/source_text.h"

namespace {

constexpr size_t kMaxVersionDigits = 18;

bool EndsWithNoCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  text = text.substr(text.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i)
    if (AsciiLower(text[i]) != suffix[i]) return false;
  return true;
}

}  // namespace

std::string MigrationFilePath(const std::string& dir, const std::string& file_name) {
  if (dir.empty()) return file_name;
  if (dir.back() == '/') return dir + file_name;
  return dir + "/" + file_name;
}

const char* MigrationFileExtension(MigrationFileKind kind) {
  switch (kind) {
    case MigrationFileKind::kUp:
      return ".up.sql";
    case MigrationFileKind::kDown:
      return ".down.sql";
    case MigrationFileKind::kDbmate:
      break;
  }
  return ".sql";
}

bool IsMigrationFileName(std::string_view file_name) {
  return !file_name.empty() && file_name[0] != '.' && EndsWithNoCase(file_name, ".sql");
}

MigrationFileName ParseMigrationFileName(const std::string& path) {
  MigrationFileName out;
  std::string err;
  if (!TryParseMigrationFileName(path, &out, &err)) FailMigrationFile(err);
  return out;
}

bool TryParseMigrationFileName(const std::string& path, MigrationFileName* out, std::string* err) {
  std::string_view file_name = path;
  size_t slash = file_name.rfind('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  std::string_view stem = file_name;
  if (EndsWithNoCase(stem, ".down.sql")) {
    out->kind = MigrationFileKind::kDown;
    stem.remove_suffix(9);
  } else if (EndsWithNoCase(stem, ".up.sql")) {
    out->kind = MigrationFileKind::kUp;
    stem.remove_suffix(7);
  } else if (EndsWithNoCase(stem, ".sql")) {
    out->kind = MigrationFileKind::kDbmate;
    stem.remove_suffix(4);
  } else {
    *err = path + ": not a migration file; expected a name ending in `.sql`";
    return false;
  }
  // A literal, not a std::string: this runs for every file of every run.
  static constexpr const char* expected =
      "; expected `<version>_<name>.sql` (or `.up.sql`/`.down.sql`), e.g. "
      "`20240101120000_create_users.sql`";
  size_t digits = 0;
  while (digits < stem.size() && IsAsciiDigit(stem[digits])) ++digits;
  if (digits == 0) {
    *err = path + ": the name `" + Printable(file_name) + "` does not start with a version number" +
           expected;
    return false;
  }
  std::string_view version = stem.substr(0, digits);
  if (digits > kMaxVersionDigits) {
    *err = path + ": the version `" + std::string(version) + "` has " + std::to_string(digits) +
           " digits; expected at most " + std::to_string(kMaxVersionDigits);
    return false;
  }
  std::string_view name;
  if (out->kind == MigrationFileKind::kDbmate) {
    // dbmate's own grammar, `^\d+.*\.sql$`: anything after the version,
    // which may start with `_` or `-` (`20240101-add.sql`) or be empty.
    name = stem.substr(digits);
    if (!name.empty() && (name[0] == '_' || name[0] == '-')) name.remove_prefix(1);
  } else if (digits == stem.size() || stem[digits] != '_') {
    // golang-migrate's: `<version>_<name>.up.sql`.
    *err = path + ": the version `" + std::string(version) +
           "` is not followed by `_` and a name in `" + Printable(file_name) + "`" + expected;
    return false;
  } else {
    name = stem.substr(digits + 1);
  }
  if (name.empty() && out->kind != MigrationFileKind::kDbmate) {
    *err = path + ": no name after `" + std::string(stem) + "` in `" + Printable(file_name) + "`" +
           expected;
    return false;
  }
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      *err = path + ": the name `" + Printable(name) +
             "` holds a control character; expected printable characters";
      return false;
    }
  }
  out->version = 0;
  for (char c : version) out->version = out->version * 10 + (c - '0');
  // assign: a MigrationFileName parsed into again keeps its buffers.
  out->name.assign(name);
  out->stem.assign(stem);
  return true;
}
