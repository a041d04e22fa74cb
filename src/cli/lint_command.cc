// `slugwright migrate lint [FILE...]`: chooses the batch (the directory or
// the FILEs, narrowed by --since, --git-base and the pending migrations of
// --database-url), lints it (lint/migration_lint.h) for the PostgreSQL
// version it resolves, and prints the report (cli/output/lint_output.h).
// Exit 0 no findings, 1 findings, 2 usage, input or a migration not linted.

#include "cli/lint_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "base/child_environment.h"
#include "base/console.h"
#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/git_changes.h"
#include "base/interrupt.h"
#include "base/subprocess.h"
#include "base/text.h"
#include "cli/output/lint_output.h"
#include "cli/output/rehearsal_steps_output.h"
#include "cli/release_context.h"
#include "cli/settings_flags.h"
#include "migrate/database_error.h"
#include "migrate/directory_source.h"
#include "migrate/migration_plan.h"
#include "postgres/database_url.h"
#include "postgres/history_table.h"
#include "postgres/postgres_driver.h"
#include "rehearse/rehearsal.h"
#include "rehearse/rehearsal_lint.h"
#include "tools/tool_history.h"

namespace {

/// The rules hold from this major version on; the default without a better
/// source.
constexpr int kOldestSupportedPostgres = 11;

struct LintFlags {
  SettingsFlags settings;
  std::vector<std::string> files;
  int64_t since = -1;
  /// -1: not given (the server's, the settings' or the oldest supported).
  int postgres_version = -1;
  bool require_lock_timeout = false;
  bool json = false;
  std::string format = "text";
  std::string git_base;
  std::string rate_from;
};

/// --rate-from FILE: the "rewrite_rate" of a `slugwright rehearse --json`
/// report. Exit 2 when the file cannot be read, is not such a report, or
/// its rehearsal measured no rate.
LintRewriteRate ReadRewriteRate(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw UserError(kExitUsage, "--rate-from " + file + ": " + strerror(errno));
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw UserError(kExitUsage, "--rate-from " + file +
                                    ": not JSON (expected the output of `slugwright rehearse "
                                    "--json`): " + e.what());
  }
  if (!report.is_object() || !report.contains("rewrite_rate"))
    throw UserError(kExitUsage, "--rate-from " + file +
                                    ": no \"rewrite_rate\" in it; expected the output of "
                                    "`slugwright rehearse --json`");
  const nlohmann::json& rate = report["rewrite_rate"];
  if (rate.is_null())
    throw UserError(kExitUsage, "--rate-from " + file +
                                    ": that rehearsal measured no rewrite rate (no migration "
                                    "rewrote at least 4 MB of tables on its copy)");
  LintRewriteRate out;
  try {
    out.bytes_per_second = rate.at("bytes_per_second").get<double>();
    out.migration = rate.at("migration").get<std::string>();
    out.relation = rate.at("relation").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw UserError(kExitUsage, "--rate-from " + file + ": \"rewrite_rate\" is not as "
                                "`slugwright rehearse --json` writes it: " + e.what());
  }
  if (!(out.bytes_per_second > 0))
    throw UserError(kExitUsage, "--rate-from " + file +
                                    ": \"rewrite_rate.bytes_per_second\" is not above 0");
  out.report_file = file;
  return out;
}

/// How lint reads a migration file: a statement the runner would refuse is
/// left for the linter to report as a finding.
SqlSplitOptions LintReadOptions() {
  SqlSplitOptions options;
  options.refuse_unrunnable_statements = false;
  return options;
}

/// The path as one spelling, for comparing with git's names.
std::string CanonicalPath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(std::filesystem::absolute(path), ec);
  return ec ? path : p.string();
}

/// What a database told about the batch: its pending versions, its
/// server's major version and the tables it has, with their sizes.
struct DatabaseFacts {
  std::string description;
  std::set<int64_t> pending;
  int major = 0;
  std::vector<LintTableSize> tables;
};

/// Connects to the context's database, compares `index` with its history
/// and reads the server version and the tables. Exit 2 when it cannot
/// connect or read (lint could not check).
DatabaseFacts ReadDatabase(const ReleaseContext& context, const std::vector<Migration>& index) {
  DatabaseFacts facts;
  PostgresDriver driver(DatabaseTarget::Parse(context.database_url),
                        HistoryTableName::Parse(context.settings.table),
                        ApplicationName("migrate lint", context.run), &context.redactor);
  facts.description = driver.Describe();
  try {
    driver.Connect();
    std::vector<HistoryRow> history;
    driver.ReadHistory(&history);
    MigrationPlan plan = MakePlan(index, history);
    for (const Migration* m : plan.pending) facts.pending.insert(m->version);
    auto version = driver.Inspect("SELECT current_setting('server_version_num')");
    facts.major = std::stoi(version.at(0).at(0)) / 10000;
    // A partitioned table has no rows or size of its own: its leaf
    // partitions' are summed (pg_inherits, which PostgreSQL 11 has too).
    std::map<std::string, std::vector<std::string>> partitions;
    for (const auto& row : driver.Inspect("SELECT inhparent::bigint, inhrelid::bigint FROM "
                                          "pg_inherits"))
      partitions[row.at(0)].push_back(row.at(1));
    std::map<std::string, LintTableSize> own;  // oid -> its size
    std::vector<std::pair<SqlName, std::string>> listed;
    for (const auto& row : driver.Inspect(
             "SELECT n.nspname, c.relname, c.oid::bigint, c.relkind, c.reltuples::bigint, "
             "pg_total_relation_size(c.oid), pg_table_size(c.oid) FROM pg_class c JOIN "
             "pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'm', 'f') "
             "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE "
             "'pg_toast%'")) {
      SqlName table{row.at(0), row.at(1), 0};
      if (row.at(3) != "p")
        own[row.at(2)] = {table, std::stoll(row.at(4)), std::stoll(row.at(5)),
                          std::stoll(row.at(6))};
      listed.emplace_back(table, row.at(2));
    }
    // The size of one relation: its own, or its partitions' summed; a leaf
    // never analyzed (-1 rows) leaves the sum's rows unknown.
    std::function<LintTableSize(const std::string&, int)> measure =
        [&](const std::string& oid, int depth) -> LintTableSize {
      auto leaf = own.find(oid);
      if (leaf != own.end()) return leaf->second;
      LintTableSize sum;
      sum.rows = 0;
      auto children = partitions.find(oid);
      if (children == partitions.end() || depth > 32) return sum;
      for (const std::string& child : children->second) {
        LintTableSize part = measure(child, depth + 1);
        sum.rows = sum.rows < 0 || part.rows < 0 ? -1 : sum.rows + part.rows;
        sum.bytes += part.bytes;
        sum.table_bytes += part.table_bytes;
      }
      return sum;
    };
    for (const auto& [table, oid] : listed) {
      LintTableSize size = measure(oid, 0);
      size.table = table;
      facts.tables.push_back(size);
    }
  } catch (const DatabaseError& e) {
    throw UserError(kExitUsage, "migrate lint --database-url: cannot read " + facts.description +
                                    ": " + e.what());
  }
  return facts;
}

/// The migrations of the batch: every candidate (the directory's index, or
/// the FILEs parsed) narrowed by --since, --git-base and the database's
/// pending versions, then read in full. A file that cannot be read is an
/// error of the report, and the others are read all the same.
class BatchReader {
 public:
  BatchReader(const LintFlags& flags, const ReleaseContext& context, LintReport* report)
      : flags_(flags), context_(context), report_(report) {}

  std::vector<Migration> Read() {
    RealDiskInterface disk;
    bool from_dir = flags_.files.empty();
    std::string dir = from_dir ? context_.migrations_dir : "";
    report_->batch.dir = dir;
    report_->batch.since = flags_.since;
    std::unique_ptr<DirectorySource> source;
    std::vector<Migration> candidates;
    if (from_dir) {
      // The directory first: a missing one is reported as such, not as git's.
      source = std::make_unique<DirectorySource>(&disk, dir);
      source->SetSplitOptions(LintReadOptions());
      candidates = source->ReadIndex();
      if (!flags_.git_base.empty()) ReadGitChanges(dir);
    } else {
      if (!flags_.git_base.empty()) ReadGitChanges(ParentOf(flags_.files[0]));
      candidates = ReadFiles(&disk);
    }
    if (UsesDatabase()) {
      DatabaseFacts facts = ReadDatabase(context_, candidates);
      report_->batch.database = facts.description;
      pending_ = facts.pending;
      server_major_ = facts.major;
      for (const LintTableSize& table : facts.tables) existing_tables_.push_back(table.table);
      report_->table_sizes = facts.tables;
    }
    std::vector<Migration> batch;
    for (const Migration& m : candidates) {
      if (!Chosen(m)) continue;
      if (!source) {
        batch.push_back(m);
        continue;
      }
      try {
        batch.push_back(source->ReadChecked(m));
      } catch (const UserError& e) {
        report_->outcome.errors.push_back({m.up_path, e.what()});
      }
    }
    return batch;
  }

  bool UsesDatabase() const {
    return !flags_.settings.database_url.empty() || !flags_.settings.database_url_env.empty();
  }
  /// The server's major version, 0 without a database.
  int server_major() const { return server_major_; }
  const std::vector<SqlName>& existing_tables() const { return existing_tables_; }

 private:
  static std::string ParentOf(const std::string& path) {
    std::string parent = std::filesystem::path(path).parent_path().string();
    return parent.empty() ? "." : parent;
  }

  void ReadGitChanges(const std::string& dir) {
    GitChanges changes = GitChangesSince(flags_.git_base, dir, DefaultProcessSpawner());
    report_->batch.git_base = flags_.git_base;
    report_->batch.merge_base = changes.merge_base;
    for (const std::string& p : changes.paths) changed_.insert(CanonicalPath(p));
    git_ = true;
  }

  bool Chosen(const Migration& m) const {
    if (m.version <= flags_.since) return false;
    if (git_ && !changed_.count(CanonicalPath(m.up_path))) return false;
    if (UsesDatabase() && !pending_.count(m.version)) return false;
    return true;
  }

  /// The migrations of the FILEs (a .down.sql has nothing to lint), in
  /// version order; a file that cannot be read or parsed is an error.
  std::vector<Migration> ReadFiles(DiskInterface* disk) {
    std::vector<Migration> migrations;
    for (const std::string& path : flags_.files) {
      std::string lower = path;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (EndsWith(lower, ".down.sql")) continue;
      if (git_ && !changed_.count(CanonicalPath(path))) continue;
      std::string contents, err;
      try {
        if (!disk->ReadFile(path, kMaxMigrationFileBytes, &contents, &err))
          throw UserError(kExitUsage, path + ": " + err);
        migrations.push_back(ParseMigrationFile(path, contents, LintReadOptions()));
      } catch (const UserError& e) {
        report_->outcome.errors.push_back({path, e.what()});
      }
    }
    std::stable_sort(migrations.begin(), migrations.end(),
                     [](const Migration& a, const Migration& b) { return a.version < b.version; });
    return migrations;
  }

  const LintFlags& flags_;
  const ReleaseContext& context_;
  LintReport* report_;
  bool git_ = false;
  std::set<std::string> changed_;
  std::set<int64_t> pending_;
  int server_major_ = 0;
  std::vector<SqlName> existing_tables_;
};

/// Whether the release's own tool is what lint must run: a `command:`
/// release linted from its settings (no FILEs, no --dir), whose migrations
/// are the tool's own files, which slugwright does not read.
bool LintsToolRun(const LintFlags& f, const ReleaseContext& context) {
  return !context.settings.command.empty() && f.files.empty() && f.settings.dir.empty();
}

/// Refuses a `command:` release without a database to run its tool on:
/// lint cannot see what the tool will run.
void RefuseToolRunWithoutDatabase(const ReleaseContext& context) {
  throw UserError(
      kExitUsage,
      "migrate lint: this release runs `" + context.settings.command + "` (release.command, " +
          context.resolved.origin + "), whose migrations are the tool's own files (such as "
          "sequelize's .js), not SQL that slugwright reads: without a database to run the "
          "tool on, lint cannot see the statements they send, so it checks nothing and says "
          "so rather than report no findings. Pass --database-url URL (or --database-url-env "
          "VAR): the tool then runs its pending migrations on a throwaway schema-only copy of "
          "that database and lint checks every statement it sent. `migrate lint --dir DIR` "
          "or `migrate lint FILE...` lints SQL files (docs/lint.md#command-mode-releases)");
}

/// The migration file each of the tool's history rows records, by the
/// tool's naming rule, in its migrations directory; a row whose file is
/// not there keeps its name.
std::map<std::string, std::string> ToolFilesOfRows(const ReleaseContext& context,
                                                   const std::vector<MigrationRehearsal>& ran) {
  std::map<std::string, std::string> file_of_row;
  ToolHistoryTable table;
  if (!ResolveToolHistoryTable(context.settings, &table) || table.migrations_dir.empty())
    return file_of_row;
  ToolHistorySnapshot rows;
  for (const MigrationRehearsal& m : ran) rows.names.push_back(m.name);
  std::string dir = context.app_root.empty() ? table.migrations_dir
                                             : context.app_root + "/" + table.migrations_dir;
  RealDiskInterface disk;
  std::vector<std::string> unrecorded;
  std::string error;
  ToolPendingFiles(&disk, dir, rows, &unrecorded, &error, &file_of_row);
  return file_of_row;
}

/// A `command:` release with a database: the tool runs its pending
/// migrations on a throwaway schema-only copy of it (rehearse's machinery:
/// the history tables keep their rows, so only what is pending runs), and
/// the statements the server saw it send for each migration are linted,
/// each finding naming the file the tool recorded. The rehearsal's steps
/// and the tool's output go to stderr. What could not be run or observed
/// is an error of the outcome (exit 2).
LintOutcome LintToolRun(ReleaseContext& context, const LintOptions& options) {
  RehearsalOptions o;
  o.migrations_dir = context.migrations_dir;
  o.source_url = context.database_url;
  o.schema_only = true;
  o.jobs = 2;
  o.environment = ChildEnvironmentVariables({});
  o.settings = context.settings;
  o.run = context.run;
  Console console(std::cerr, std::cerr, &context.redactor);
  console.set_data_mode(true);
  CopyReleaseObservers events(&console);
  o.run_events = &events.run;
  o.command_events = &events.command;
  o.command_output = &events.output;
  o.progress_out = &std::cerr;
  o.progress_terminal = ::isatty(STDERR_FILENO) == 1;
  Interrupt interrupt;
  interrupt.Install();
  ConsoleRehearsalSteps steps(&console);
  RealDiskInterface disk;
  RehearsalOutcome outcome;
  try {
    outcome = Rehearse(o, &disk, &steps, &context.redactor, &interrupt);
  } catch (const UserError& e) {
    // A copy that failed is "could not check" (2), never findings (1).
    if (e.code() != kExitFailed) throw;
    throw UserError(kExitUsage, "migrate lint: could not run `" + context.settings.command +
                                    "` on a schema-only copy, so nothing was linted: " +
                                    e.what());
  }
  const RehearsalReport& run = outcome.report;

  RehearsalLint lint = LintObservedStatements(run.migrations, options);
  std::map<std::string, std::string> file_of_row = ToolFilesOfRows(context, run.migrations);
  auto file_of = [&](const std::string& row) {
    auto it = file_of_row.find(row);
    return it == file_of_row.end() ? row : it->second;
  };
  LintOutcome linted;
  linted.migrations = run.migrations.size();
  linted.findings = lint.findings;
  for (LintFinding& finding : linted.findings) finding.file = file_of(finding.file);
  for (const auto& [row, why] : lint.errors) linted.errors.push_back({file_of(row), why});
  const std::string& command = context.settings.command;
  for (const std::string& note : run.notes)
    linted.errors.push_back({command, "not all it ran was seen: " + note});
  if (!run.tool_connect_error.empty()) {
    linted.errors.push_back({command, "the tool could not connect to the copy, so nothing it "
                                      "would run was seen: " + run.tool_connect_error});
  } else if (run.exit_code != kExitOk) {
    std::string failed = run.failure;
    for (const MigrationRehearsal& m : run.migrations)
      if (m.status == MigrationRehearsal::Status::kFailed)
        failed = file_of(m.name) + " failed on the schema-only copy" +
                 (m.sqlstate.empty() ? "" : " (SQLSTATE " + m.sqlstate + ")") + ": " + m.error;
    linted.errors.push_back({command, "the tool exited " + std::to_string(run.exit_code) +
                                          " on the copy, so what it would run after that was "
                                          "not seen" + (failed.empty() ? "" : ": " + failed)});
  }
  return linted;
}

int Run(const LintFlags& f) {
  if (f.postgres_version >= 0 && f.postgres_version < kOldestSupportedPostgres)
    throw UserError(kExitUsage, "--postgres-version " + std::to_string(f.postgres_version) +
                                    ": the lint rules are for PostgreSQL 11 and later");
  if (f.json && f.format != "text" && f.format != "json")
    throw UserError(kExitUsage, "--json and --format " + f.format + " ask for two formats; "
                                "--json is --format json");
  std::string format = f.json ? "json" : f.format;
  RealDiskInterface disk;
  ReleaseContext context = ResolveReleaseContext(f.settings, &disk, "migrate lint");
  return RunScrubbed(context.redactor, [&] {
    LintReport report;
    if (!f.rate_from.empty()) report.rewrite_rate = ReadRewriteRate(f.rate_from);
    BatchReader batch_reader(f, context, &report);
    bool tool_run = LintsToolRun(f, context);
    if (tool_run && !batch_reader.UsesDatabase()) RefuseToolRunWithoutDatabase(context);
    if (report.rewrite_rate && !batch_reader.UsesDatabase())
      throw UserError(kExitUsage, "--rate-from " + f.rate_from +
                                      " needs --database-url: a lock time is estimated from the "
                                      "size of the table on that database");
    if (batch_reader.UsesDatabase() && context.database_url.empty())
      throw UserError(kExitUsage, "--database-url-env " + f.settings.database_url_env +
                                      ": the variable is not set");
    std::vector<Migration> batch;
    int server_major = 0;
    std::vector<SqlName> existing_tables;
    if (tool_run) {
      // The tool knows what it has pending: the database gives the version
      // and the tables' sizes.
      DatabaseFacts facts = ReadDatabase(context, {});
      report.batch.tool = context.settings.command;
      report.batch.database = facts.description;
      report.table_sizes = facts.tables;
      server_major = facts.major;
    } else {
      batch = batch_reader.Read();
      server_major = batch_reader.server_major();
      existing_tables = batch_reader.existing_tables();
    }

    LintOptions options;
    options.require_lock_timeout = f.require_lock_timeout;
    options.existing_tables = existing_tables;
    if (f.postgres_version >= 0) {
      report.postgres_version = f.postgres_version;
      report.version_origin = LintVersionOrigin::kFlag;
    } else if (server_major > 0) {
      report.postgres_version = server_major;
      report.version_origin = LintVersionOrigin::kServer;
    } else if (context.settings.postgres_version > 0) {
      report.postgres_version = context.settings.postgres_version;
      report.version_origin = LintVersionOrigin::kSettings;
    } else {
      report.postgres_version = kOldestSupportedPostgres;
      report.version_origin = LintVersionOrigin::kDefault;
    }
    options.postgres_major = report.postgres_version;

    std::vector<LintFileError> read_errors = std::move(report.outcome.errors);
    report.outcome = tool_run ? LintToolRun(context, options) : LintBatch(batch, options);
    report.outcome.migrations += read_errors.size();
    report.outcome.errors.insert(report.outcome.errors.begin(), read_errors.begin(),
                                 read_errors.end());
    if (!report.table_sizes.empty()) OrderFindingsByRisk(&report);

    if (format == "json") {
      std::cout << LintReportJson(report).dump(2) << "\n";
    } else if (format == "github") {
      std::cout << LintReportGithub(report);
    } else if (format == "markdown") {
      std::cout << LintReportMarkdown(report);
    } else {
      for (const LintFileError& e : report.outcome.errors) std::cerr << e.message << "\n";
      std::cout << LintReportText(report);
    }
    if (!report.outcome.errors.empty()) return static_cast<int>(kExitUsage);
    return static_cast<int>(report.outcome.findings.empty() ? kExitOk : kExitFailed);
  });
}

}  // namespace

void RegisterMigrateLintCommand(CLI::App* migrate, int* status) {
  auto f = std::make_shared<LintFlags>();
  CLI::App* cmd = migrate->add_subcommand(
      "lint",
      "Check migration files for statements that lock or rewrite tables on PostgreSQL 11+, "
      "break the running release, or cannot run where they are (docs/lint.md)");
  cmd->footer(
      "Lints the up sections of the migrations in the directory (or the FILEs) in version "
      "order. A table counts as new only in the migration that creates it. Narrow the batch "
      "to what the next release applies with --git-base REF (the files a branch added or "
      "changed), --database-url (the migrations pending there) or --since. Silence a "
      "finding with `-- slugwright-lint-ignore RULE` on or above its statement.\n"
      "Exit: 0 no findings, 1 findings, 2 usage/input (also a migration that could not be "
      "linted, a command: release without --database-url, or a tool that failed on the "
      "copy). With release.command and --database-url, the tool runs its pending "
      "migrations on a throwaway schema-only copy of that database and every statement it "
      "sent is linted, named by the migration file it recorded.");
  cmd->add_option("files", f->files, "Lint these migration files instead of the directory");
  AddSettingsFlags(cmd, &f->settings, kSettingsFileFlags | kDirFlag | kDatabaseFlags | kTableFlag);
  cmd->add_option("--since", f->since, "Only migrations with a later version than this");
  cmd->add_option("--git-base", f->git_base,
                  "Only the migration files added or changed since the merge base of REF and "
                  "HEAD (read with git), e.g. origin/main in a pull request");
  cmd->add_option("--postgres-version", f->postgres_version,
                  "The server's major version (default: the server's with --database-url, "
                  "else release.postgres_version, else 11, the oldest the rules are for)");
  cmd->add_option("--rate-from", f->rate_from,
                  "A `slugwright rehearse --json` report: with --database-url, estimate how "
                  "long each rewrite or validation holds its lock at the rewrite rate that "
                  "rehearsal measured");
  cmd->add_flag("--require-lock-timeout", f->require_lock_timeout,
                "Also flag migrations that take a strong lock before setting lock_timeout "
                "(for SQL another tool runs; slugwright's runner sets one)");
  cmd->add_option("--format", f->format, "text (default), json, github (workflow annotations) "
                                         "or markdown (a pull-request comment)")
      ->check(CLI::IsMember({"text", "json", "github", "markdown"}));
  cmd->add_flag("--json", f->json, "Print the findings as JSON on stdout (--format json)");
  cmd->callback([status, f] { *status = Run(*f); });
}
