#ifndef SLUGWRIGHT_REHEARSE_REHEARSAL_REPORT_H_
#define SLUGWRIGHT_REHEARSE_REHEARSAL_REPORT_H_

// What `slugwright rehearse` found: the facts recorded for each migration
// applied on the copy (rehearsal_observer.h fills them) and the risk rules
// that flag some of them. Pure: no I/O. cli/output/rehearsal_report_output.h
// words them, as text and as JSON.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lint/migration_lint.h"

/// A relation lock the migration held at commit. Relations are named
/// `schema.name`, each part as quote_ident() gives it.
struct RelationLock {
  std::string relation;
  /// pg_class.relkind: 'r' table, 'p' partitioned table, 'i' index, 'I'
  /// partitioned index, 'm' materialized view, 'v' view, 'S' sequence.
  char kind = 'r';
  /// pg_locks.mode, e.g. "AccessExclusiveLock".
  std::string mode;
  /// Created by this migration: no other session can see it yet, so the
  /// lock blocks nobody.
  bool created = false;
  /// How long it was seen held (`command:` mode samples pg_locks); -1
  /// when it was read once at commit.
  double held_seconds = -1;
};

/// A relation the migration rewrote (a new relfilenode) or created.
struct RelationChange {
  std::string relation;
  char kind = 'r';
  /// For an index: its table.
  std::string table;
  /// Its size after the migration (pg_table_size for tables, heap and
  /// TOAST; pg_relation_size for indexes); -1 when unknown.
  int64_t bytes = -1;
  /// `command:` mode, a rewrite: its size before, and why PostgreSQL
  /// rewrote it (the table_rewrite event's reason: "column type change").
  int64_t bytes_before = -1;
  std::string reason = "";
};

/// Whether `list` holds a change of `relation`.
bool ListsRelation(const std::vector<RelationChange>& list, const std::string& relation);

/// `--probe`: the longest a cheap read and a cheap write of a table waited
/// (seconds; 0 when never blocked).
struct BlockedTable {
  std::string relation;
  double read_seconds = 0;
  double write_seconds = 0;
};

/// A table the migration touched (locked, rewrote or indexed), after it.
struct TableRows {
  std::string relation;
  /// -1 when unknown.
  int64_t rows = -1;
  /// count(*) (true), or the planner's estimate after ANALYZE for tables
  /// too large to count quickly.
  bool exact = true;
  int64_t bytes = -1;
};

/// Why a migration is flagged: the rule and the facts it found.
struct Risk {
  /// The rule: "access_exclusive_over_lock_timeout", "large_rewrite" or
  /// "blocking_index_build".
  std::string kind;
  /// The relation at risk: the locked relation, the rewritten table, or
  /// the table an index was built on.
  std::string relation;
  /// access_exclusive_over_lock_timeout: how long ACCESS EXCLUSIVE was
  /// held, and the release's lock_timeout it exceeded.
  double held_seconds = 0;
  double lock_timeout_seconds = 0;
  /// blocking_index_build: the index built.
  std::string index;
  /// large_rewrite and blocking_index_build: what is known of the table
  /// (rows -1 and bytes -1 when unknown), and for a rewrite the new
  /// relation's size when the table's own is unknown.
  TableRows table;
  int64_t rewrite_bytes = -1;
  /// large_rewrite: the strongest mode held on the table ("" when none was
  /// seen) and whether locks were sampled at all (not for
  /// transaction:false).
  std::string mode;
  bool locks_sampled = true;
  /// How long the migration took on the copy.
  double migration_seconds = 0;
};

/// What happened to one pending migration on the copy.
struct MigrationRehearsal {
  enum class Status {
    /// Not reached: an earlier migration failed.
    kNotRun,
    kApplied,
    kFailed,
    /// Applied, then rolled back with its batch (transaction: all).
    kRolledBack,
    /// `command:` mode: applied, then reverted by `rollback_command` after
    /// a later migration failed (on_failure: rollback-release); `revert`
    /// says what that revert did. Its own facts are those of its apply,
    /// which production would go through too.
    kReverted,
  };

  int64_t version = 0;
  std::string name;
  std::string file;
  bool in_transaction = true;
  /// Applied in one transaction with the others (`transaction: all`):
  /// `locks` are those it added to what the batch already held.
  bool in_batch = false;
  Status status = Status::kNotRun;
  /// How long it ran, without the rehearsal's own inspection queries.
  double seconds = 0;
  /// pg_locks was read inside its transaction before COMMIT. False for a
  /// transaction:false migration (each statement commits on its own).
  bool locks_sampled = false;
  /// Relation locks in modes that block reads or writes of others.
  std::vector<RelationLock> locks;
  std::vector<RelationChange> rewrites;
  std::vector<RelationChange> created;
  std::vector<TableRows> tables;
  /// For a transaction:false migration: one of its statements is a CREATE
  /// INDEX without CONCURRENTLY (HasNonConcurrentIndexBuild).
  bool plain_create_index = false;
  std::string error;
  std::string sqlstate;
  /// Anything the rehearsal could not measure, said plainly.
  std::vector<std::string> notes;
  /// `command:` mode: observed from the server (event triggers, sampled
  /// pg_locks), not from slugwright's runner.
  bool server_observed = false;
  /// The DDL it ran, "CREATE INDEX public.users_email_idx", as the
  /// ddl_command_end event trigger named each command.
  std::vector<std::string> ddl;
  /// `command:` mode: the queries the tool sent for that DDL, as the server
  /// received them (one query may hold several statements), then the one
  /// that failed (from the server's log); what the lint reads.
  std::vector<std::string> statements;
  /// With --probe.
  bool probed = false;
  std::vector<BlockedTable> blocked;
  /// Filled by EvaluateRisks.
  std::vector<Risk> risks;
  /// What `migrate lint` says of it (rehearsal_lint.h): of its file, or in
  /// `command:` mode of the statements the server saw it run.
  std::vector<LintFinding> lint;
  /// kReverted: what the server saw `rollback_command` do to revert it,
  /// from the end of the previous revert (or of the tool's run) until that
  /// command had removed its history row. Not linted: it is not part of
  /// the release's migrations.
  struct Revert {
    double seconds = 0;
    std::vector<std::string> ddl;
    std::vector<std::string> statements;
    std::vector<RelationLock> locks;
    std::vector<RelationChange> rewrites;
  };
  Revert revert;

  /// "20240201000000_add_status", or the tool's history row as it is.
  std::string Label() const {
    return server_observed ? name : std::to_string(version) + "_" + name;
  }
};

/// The thresholds of the risk rules.
struct RiskSettings {
  /// The release's lock_timeout; 0 (none) turns the first rule off.
  double lock_timeout_seconds = 5;
  /// A table this large (rows or bytes) is "large".
  int64_t large_table_rows = 100000;
  int64_t large_table_bytes = int64_t{100} << 20;
};

/// Flags `m` (replacing m->risks) when, on a relation that existed before
/// it:
/// - it held ACCESS EXCLUSIVE longer than lock_timeout (locks are held
///   until commit, so for its whole duration);
/// - it rewrote a large table;
/// - it built an index without CONCURRENTLY on a table with rows (not
///   counted again when that table was rewritten).
void EvaluateRisks(const RiskSettings& settings, MigrationRehearsal* m);

/// True when a statement is CREATE [UNIQUE] INDEX without CONCURRENTLY:
/// how a transaction:false migration, whose locks are not sampled, is
/// known to build an index that blocks writes.
bool HasNonConcurrentIndexBuild(const std::vector<std::string>& statements);

/// How strongly pg_locks.mode `mode` blocks others' ordinary queries:
/// 4 ACCESS EXCLUSIVE (reads and writes), 3..1 the modes that block
/// writes, 0 those that block neither.
int LockModeStrength(const std::string& mode);
/// pg_class.relkind: an index (plain or partitioned), a table (plain,
/// partitioned, or a materialized view).
bool IsIndexKind(char kind);
bool IsTableKind(char kind);

/// pg_locks.mode as the documentation writes it: "ACCESS EXCLUSIVE".
std::string LockModeName(const std::string& mode);
/// What a lock mode blocks for other sessions' ordinary queries: "reads
/// and writes", "writes", or "" (DDL and VACUUM only).
std::string LockModeBlocks(const std::string& mode);
/// "table", "index", "materialized view", ...
std::string RelationKindName(char kind);

/// The rate the copy rewrote tables at, from the applied migration that
/// rewrote the most table bytes (pg_table_size: heap and TOAST, before the
/// rewrite when known, else after) over that migration's whole time. Its
/// other statements and the rebuilt indexes count against the rate, so it
/// errs slow. `migrate lint --rate-from` estimates lock times with it.
struct MeasuredRewriteRate {
  /// The migration's label, as the report names it.
  std::string migration;
  /// The largest table it rewrote.
  std::string relation;
  /// All the table bytes it rewrote, and how long it ran.
  int64_t bytes = 0;
  double seconds = 0;
  double BytesPerSecond() const { return static_cast<double>(bytes) / seconds; }
};

/// Rewrites smaller than this measure fixed costs more than a rate.
constexpr int64_t kMinRewriteRateBytes = int64_t{4} << 20;

/// The rate of the migration (applied, reverted or rolled back after) that
/// rewrote the most, at least kMinRewriteRateBytes, in more than no time;
/// none otherwise.
std::optional<MeasuredRewriteRate> MeasureRewriteRate(
    const std::vector<MigrationRehearsal>& migrations);

/// How the copy was made, for the report.
struct CopyInfo {
  /// "user@host:port/db" (never a password), or the dump file.
  std::string source;
  bool from_dump = false;
  /// The source's PostgreSQL version ("15.18"); from the archive with
  /// --from-dump.
  std::string source_version;
  /// "embedded" (a throwaway cluster) or "into" (--into URL).
  std::string target = "embedded";
  /// "user@host:port/db" of the scratch database.
  std::string copy;
  /// Kept with --keep (its name is printed).
  bool kept = false;
  /// The embedded cluster serves SSL with a throwaway self-signed
  /// certificate, as Heroku Postgres serves it; when it does not,
  /// `ssl_error` says why. Not known for --into.
  bool ssl = false;
  std::string ssl_error;
  bool schema_only = false;
  std::vector<std::string> exclude_table_data;
  /// Tables restored with data, and the copy's size after the restore.
  int tables = 0;
  int64_t bytes = 0;
  /// The copy's phases: pg_dump, pg_restore, and ANALYZE after it.
  double dump_seconds = 0;
  double restore_seconds = 0;
  double analyze_seconds = 0;
  /// pg_restore errors it went past (e.g. an extension this machine lacks).
  std::vector<std::string> warnings;
};

/// Everything `rehearse` reports.
struct RehearsalReport {
  CopyInfo copy;
  std::string transaction = "per-migration";
  double lock_timeout_seconds = 5;
  double statement_timeout_seconds = 0;
  bool hooks = false;
  /// The pending migrations, in the order the release applies them. In
  /// `command:` mode, the migrations the server saw the tool record (then
  /// the one that failed): only the tool knows what it had pending, so
  /// `pending_known` is false.
  std::vector<MigrationRehearsal> migrations;
  bool pending_known = true;
  /// `command:` mode: the tool failed and none of its sessions was ever
  /// authorized on the copy (the embedded cluster logs connections): its
  /// last output line. "" otherwise, and when not known (--into).
  std::string tool_connect_error;
  /// The whole `migrate up` on the copy (connect, lock, history, the
  /// migrations), without the rehearsal's inspection queries.
  double release_seconds = 0;
  /// The exit status of the run on the copy.
  int exit_code = 0;
  /// A failure not attributed to one migration (a hook, the COMMIT of a
  /// batch, an integrity refusal); empty otherwise.
  std::string failure;
  /// Stopped by SIGINT/SIGTERM: an error is the cancellation, not a verdict.
  bool interrupted = false;
  /// What the rehearsal could not observe, not tied to one migration.
  std::vector<std::string> notes;
  /// The lint ran (rehearsal_lint.h), for this PostgreSQL major version;
  /// its findings are in each migration's `lint`.
  bool linted = false;
  int lint_postgres_version = 0;
  /// Findings of files no migration entry stands for (none in practice:
  /// every pending file has an entry); shown after the others.
  std::vector<LintFinding> other_lint;
  /// MeasureRewriteRate of `migrations`.
  std::optional<MeasuredRewriteRate> rewrite_rate;
};

#endif  // SLUGWRIGHT_REHEARSE_REHEARSAL_REPORT_H_
