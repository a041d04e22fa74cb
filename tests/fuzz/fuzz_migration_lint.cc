// libFuzzer target for the lint rules (src/lint/migration_lint.h). The
// first byte picks the options and the format; the rest is a migration
// file's contents:
//   bit 0: dbmate-style (`.sql`) or `.up.sql`,
//   bit 1: --require-lock-timeout,
//   bits 2-4: the PostgreSQL major version, 11 to 18.
// A file ParseMigrationFile refuses is skipped. Linting it must not crash,
// may refuse only with UserError(kExitUsage) naming the file (an ignore
// comment naming an unknown rule), and every finding must point inside
// the file, name a known rule and carry its statement and advice.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "base/exit_codes.h"
#include "fuzz_check.h"
#include "lint/migration_lint.h"
#include "migrate/directory_source.h"

namespace {

/// The number of the file's last line (LF, CRLF and a lone CR end lines).
int LastLine(std::string_view contents) {
  int line = 1;
  for (size_t i = 0; i < contents.size(); ++i)
    if (contents[i] == '\n' || (contents[i] == '\r' && (i + 1 == contents.size() ||
                                                        contents[i + 1] != '\n')))
      ++line;
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view contents(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string path = (data[0] & 1) ? "m/1_fuzz.up.sql" : "m/20240101000000_fuzz.sql";
  LintOptions options;
  options.require_lock_timeout = (data[0] & 2) != 0;
  options.postgres_major = 11 + ((data[0] >> 2) & 7);
  Migration m;
  try {
    m = ParseMigrationFile(path, contents);
  } catch (const UserError&) {
    return 0;
  }
  std::set<std::string> rules;
  for (const LintRule& rule : LintRules()) rules.insert(rule.id);
  std::vector<LintFinding> findings;
  try {
    findings = LintMigrations({m}, options);
  } catch (const UserError& e) {
    Check(e.code() == kExitUsage, "usage error");
    Check(std::string_view(e.what()).substr(0, path.size() + 1) == path + ":",
          "error names the file");
    return 0;
  }
  int last_line = LastLine(contents);
  for (const LintFinding& f : findings) {
    Check(f.file == path && f.version == m.version, "finding names the migration");
    Check(f.line >= m.up_first_line && f.line <= last_line, "finding points inside the file");
    Check(rules.count(f.rule) == 1, "finding names a known rule");
    Check(!f.statement.empty() && f.statement.size() <= 103, "finding quotes its statement");
    Check(!f.why.empty() && !f.instead.empty(), "finding says why and what instead");
    Check(f.instead.find("{annotation}") == std::string::npos, "annotation filled in");
    Check(options.require_lock_timeout || f.rule != "missing-lock-timeout",
          "missing-lock-timeout only when asked");
  }
  return 0;
}
