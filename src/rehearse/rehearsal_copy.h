#ifndef SLUGWRIGHT_REHEARSE_REHEARSAL_COPY_H_
#define SLUGWRIGHT_REHEARSE_REHEARSAL_COPY_H_

// The copying half of `slugwright rehearse`: finding pg_dump and
// pg_restore, comparing their versions with the servers', reading and
// filtering an archive's table of contents, and running the tools as real
// processes (base/subprocess.h) with the password in their environment
// only. pg_dump writes an archive file that pg_restore then reads, so no
// pipeline between them is needed.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

class DatabaseTarget;
class Interrupt;
class ProcessSpawner;

/// A PostgreSQL major version as a comparable number: 1500 for 15.x,
/// 906 for 9.6.x. 0 when unknown.
int VersionKeyFromNum(int server_version_num);
/// "15", "9.6".
std::string MajorText(int version_key);
/// Reads the version from `pg_dump --version`, `postgres --version` or an
/// archive header ("pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)",
/// "16.2", "9.6.24"): the key, and the version text ("15.18"). False when
/// there is none.
bool ParsePgVersion(const std::string& text, int* version_key, std::string* version);
/// The Debian package holding pg_dump for that major: "postgresql-client-16".
std::string ClientPackage(int version_key);

/// pg_dump and pg_restore, and pg_dump's version.
struct PgTools {
  std::string pg_dump;
  std::string pg_restore;
  std::string dump_version;  // "15.18"
  int dump_version_key = 0;
  std::string bin_dir;
};

/// `bin_dir` when given (both tools must be in it), else the newest
/// /usr/lib/postgresql/*/bin holding both (the server's own, as
/// LocalPostgres::FindServerBinDir picks it, when it is the newest), else
/// PATH. Throws UserError(kExitUsage) naming the package when missing.
PgTools FindPgTools(const std::string& bin_dir);

/// The refusal when pg_dump is older than the source server (it would
/// refuse to dump it): names both versions and the package to install.
/// Empty when pg_dump is recent enough.
std::string PgDumpTooOld(const PgTools& tools, int server_key, const std::string& server_version);

/// One entry of `pg_restore --list`.
struct TocEntry {
  /// The line as listed (kept for the --use-list file).
  std::string line;
  /// "TABLE DATA", "INDEX", "FK CONSTRAINT", ...
  std::string desc;
  std::string schema;
  /// The tag: the table name for TABLE DATA.
  std::string name;
};

/// `pg_restore --list` output: its header fields and entries.
struct Toc {
  /// "Dumped from database version" and "Dumped by pg_dump version".
  std::string dumped_from;
  std::string dumped_by;
  std::vector<TocEntry> entries;
};
Toc ParseToc(const std::string& listing);

/// Restore items counted for progress: TABLE DATA, and the indexes and
/// constraints built after the data.
bool IsPostDataIndexItem(const std::string& desc);

/// Whether `pattern` (a shell glob, as for pg_dump --exclude-table-data;
/// `schema.table` when it has a dot, otherwise the table in any schema)
/// matches a table. Double quotes are removed, so `"Orders"` matches the
/// table Orders.
bool MatchesTablePattern(const std::string& pattern, const std::string& schema,
                         const std::string& table);

/// A table whose rows a filtered restore always keeps: slugwright's history
/// table, and a `command:` tool's, whose schema an archive's reader does not
/// know (the tool uses its connection's current one): an empty `schema`
/// matches the name in any schema.
struct KeptTableData {
  std::string schema;
  std::string table;
};

/// A --use-list file for restoring an archive without some table data:
/// with `schema_only` every TABLE DATA entry but those `kept` is commented
/// out, and those of tables matching `exclude_patterns` are too (the kept
/// tables' data is always restored, so on the copy each tool finds what it
/// applied). Counts what is left.
struct FilteredToc {
  std::string list;
  int tables_with_data = 0;
  int post_data_items = 0;
  int excluded = 0;
};
FilteredToc FilterToc(const Toc& toc, bool schema_only,
                      const std::vector<std::string>& exclude_patterns,
                      const std::vector<KeptTableData>& kept);

/// A libpq connection string for a child process: the target's settings
/// with `settings` applied, without the password (pass it as PGPASSWORD).
std::string ChildConninfo(const DatabaseTarget& target,
                          const std::map<std::string, std::string>& settings = {});

/// How a tool run ended.
struct ToolResult {
  int exit_code = 0;
  bool interrupted = false;
  /// Its stdout, when captured.
  std::string out;
  /// The stderr lines that report problems (error:, warning:, DETAIL,
  /// "Command was:"), in order.
  std::vector<std::string> problems;
  bool ok() const { return exit_code == 0 && !interrupted; }
};

/// Runs `program args...` with the caller's environment minus every PG*
/// variable (so PGOPTIONS or PGHOST cannot redirect it), plus `env`, and
/// LC_MESSAGES=C so its messages can be read. Each stderr line goes to
/// `on_line` (from a reader thread; may be empty); `tick` is called about
/// every 100 ms while it runs. When `interrupt` is requested the tool's
/// process group gets SIGTERM, then SIGKILL 5 s later. `spawner` null:
/// the real one.
ToolResult RunTool(const std::string& program, const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env, bool capture_stdout,
                   const std::function<void(const std::string&)>& on_line,
                   const std::function<void()>& tick, Interrupt* interrupt,
                   ProcessSpawner* spawner = nullptr);

#endif  // SLUGWRIGHT_REHEARSE_REHEARSAL_COPY_H_
