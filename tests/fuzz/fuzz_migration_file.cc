// libFuzzer target for ParseMigrationFile and ParseMigrationFileName
// (src/migrate/directory_source.h). The first byte picks what the rest is:
//   '0' (and every byte = 0 mod 4): a dbmate-style file's contents,
//   '1' (= 1 mod 4): an .up.sql file's contents,
//   '2' (= 2 mod 4): a .down.sql file's contents,
//   '3' (= 3 mod 4): a file name.
// A UserError(kExitUsage) naming the file is the expected way to refuse
// input; anything else escaping, a crash or a broken property aborts.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/checksum.h"
#include "base/exit_codes.h"
#include "fuzz_check.h"
#include "migrate/directory_source.h"
#include "sql/splitter.h"

namespace {

/// ParseMigrationFile, with the properties of its errors checked; false
/// when it refused the file.
bool Parse(const std::string& path, std::string_view contents, Migration* m) {
  try {
    *m = ParseMigrationFile(path, contents);
    return true;
  } catch (const UserError& e) {
    Check(e.code() == kExitUsage, "usage error");
    Check(std::string_view(e.what()).substr(0, path.size()) == path,
          "error names the file");
    return false;
  }
}

/// What must not change when only line endings or a BOM change.
void CheckSameContent(const Migration& a, const Migration& b) {
  Check(a.checksum == b.checksum, "same checksum");
  Check(NormalizeForChecksum(a.up_sql) == NormalizeForChecksum(b.up_sql),
        "same up SQL");
  Check(NormalizeForChecksum(a.down_sql) == NormalizeForChecksum(b.down_sql),
        "same down SQL");
  Check(a.up_first_line == b.up_first_line &&
            a.down_first_line == b.down_first_line,
        "same lines");
  Check(a.has_down == b.has_down &&
            a.up_in_transaction == b.up_in_transaction &&
            a.down_in_transaction == b.down_in_transaction,
        "same flags");
}

void FuzzName(std::string_view name) {
  std::string path = "m/" + std::string(name);
  // A file name holds neither `/` nor NUL.
  if (!IsMigrationFileName(name) ||
      name.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos)
    return;
  MigrationFileName parsed;
  try {
    parsed = ParseMigrationFileName(path);
  } catch (const UserError& e) {
    Check(std::string_view(e.what()).substr(0, path.size()) == path,
          "name error names the file");
    return;
  }
  // dbmate's grammar (`^\d+.*\.sql$`) allows a bare version (`30.sql`);
  // golang-migrate's pairs need `_` and a name.
  Check(!parsed.name.empty() || parsed.kind == MigrationFileKind::kDbmate,
        "name not empty but for a bare dbmate version");
  Check(parsed.version >= 0 && parsed.version <= 999999999999999999,
        "version in range");
  Check(name.substr(0, parsed.stem.size()) == parsed.stem, "stem is a prefix");
  Check(parsed.stem.size() > parsed.name.size() &&
            parsed.stem.substr(parsed.stem.size() - parsed.name.size()) ==
                parsed.name,
        "name ends the stem");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  static const char* const kPaths[] = {"m/20240101000000_fuzz.sql",
                                       "m/1_fuzz.up.sql", "m/1_fuzz.down.sql"};
  int mode = data[0] % 4;
  if (mode == 3) {
    FuzzName(rest);
    return 0;
  }
  const std::string path = kPaths[mode];
  Migration m;
  if (!Parse(path, rest, &m)) return 0;

  if (mode == 2) {
    Check(m.up_sql.empty() && m.up_path.empty() && m.checksum.empty(),
          "a down file has no up half");
  } else {
    Check(m.up_path == path, "up path");
    // A blank up section (a `migrate new` template) is marked, not refused,
    // so that status can list it; a section of comments only is a no-op.
    Check(m.up_blank == (m.up_sql.find_first_not_of(" \t\r\n") == std::string::npos),
          "up_blank exactly when the up SQL is blank");
    Check(m.checksum == MigrationChecksum(m.up_sql), "checksum of the up SQL");
    Check(m.up_first_line >= 1, "up line");
    std::vector<SqlStatement> statements;
    SqlSplitError error;
    Check(SplitSql(m.up_sql, m.up_first_line, &statements, &error), "up SQL splits");
  }
  if (m.has_down) {
    Check(m.down_path == path && !m.down_sql.empty(), "down half");
    Check(m.down_first_line >= 1, "down line");
  } else {
    Check(m.down_path.empty() && m.down_sql.empty(), "no down half");
  }

  // Other line endings and a BOM change nothing that counts.
  if (rest.find('\r') == std::string_view::npos &&
      rest.size() * 2 <= kMaxMigrationFileBytes) {
    std::string crlf, cr;
    for (char c : rest) {
      crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
      cr += c == '\n' ? '\r' : c;
    }
    Migration other;
    Check(Parse(path, crlf, &other), "CRLF variant parses");
    CheckSameContent(m, other);
    Check(Parse(path, cr, &other), "CR variant parses");
    CheckSameContent(m, other);
  }
  if (rest.substr(0, 3) != "\xEF\xBB\xBF" &&
      rest.size() + 3 <= kMaxMigrationFileBytes) {
    Migration other;
    Check(Parse(path, "\xEF\xBB\xBF" + std::string(rest), &other),
          "BOM variant parses");
    CheckSameContent(m, other);
  }
  return 0;
}
