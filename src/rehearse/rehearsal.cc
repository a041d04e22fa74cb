#include "rehearse/rehearsal.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>
#include <random>

#include <boost/filesystem.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "base/clock.h"
#include "base/console.h"
#include "postgres/database_url.h"
#include "migrate/directory_source.h"
#include "base/disk_interface.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "migrate/hook_runner.h"
#include "base/interrupt.h"
#include "postgres/local_postgres.h"
#include "migrate/migration_plan.h"
#include "migrate/migrator.h"
#include "postgres/postgres_driver.h"
#include "rehearse/rehearsal_copy.h"
#include "rehearse/rehearsal_observer.h"
#include "rehearse/rehearsal_progress.h"
#include "rehearse/rehearsal_report.h"
#include "base/text.h"

namespace fs = boost::filesystem;

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

/// postgres://user:password@host:port/dbname for hooks' DATABASE_URL.
std::string UrlOf(const DatabaseTarget& t) {
  std::string host = t.Get("host");
  if (host.empty()) host = t.Get("hostaddr");
  std::string url = "postgres://" + PercentEncode(t.Get("user"));
  if (!t.password().empty()) url += ":" + PercentEncode(t.password());
  url += "@" + (host.find(':') != std::string::npos ? "[" + host + "]" : host);
  if (!t.Get("port").empty()) url += ":" + t.Get("port");
  url += "/" + PercentEncode(t.Get("dbname"));
  if (!t.Get("sslmode").empty()) url += "?sslmode=" + t.Get("sslmode");
  return url;
}

/// A directory under $TMPDIR for the archives, removed with its contents.
class TempDir {
 public:
  TempDir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/slugwright-rehearse-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data()))
      throw UserError(kExitFailed, "creating a temporary directory (" + pattern +
                                       "): " + std::strerror(errno));
    path_ = buffer.data();
  }
  ~TempDir() {
    boost::system::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<std::vector<std::string>> Query(pqxx::connection& conn, const std::string& sql) {
  pqxx::nontransaction work(conn);
  pqxx::result result = work.exec(sql);
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : result) {
    std::vector<std::string> values;
    for (const auto& field : row) values.push_back(field.is_null() ? "" : field.c_str());
    rows.push_back(std::move(values));
  }
  return rows;
}

/// The scratch database on an --into server: created under a unique name,
/// dropped when this goes away unless kept.
class IntoDatabase {
 public:
  IntoDatabase(const DatabaseTarget& server, int server_key, const std::string& encoding,
               bool keep, Console* console, const Redactor* redactor)
      : server_(server), server_key_(server_key), keep_(keep), console_(console),
        redactor_(redactor) {
    char stamp[32];
    std::time_t now = std::time(nullptr);
    std::strftime(stamp, sizeof stamp, "%Y%m%d_%H%M%S", std::gmtime(&now));
    name_ = std::string("slugwright_rehearsal_") + stamp + "_" + RandomHex(6);
    pqxx::connection conn(Admin());
    std::string create = "CREATE DATABASE " + conn.quote_name(name_) + " TEMPLATE template0";
    try {
      Query(conn, create + (encoding.empty() ? "" : " ENCODING " + conn.quote(encoding)));
    } catch (const pqxx::sql_error& e) {
      // The source's encoding may not suit the server's locale: its default.
      if (encoding.empty() || std::string(e.sqlstate()) == "42501") throw;
      Query(conn, create);
    }
    created_ = true;
  }
  ~IntoDatabase() {
    if (!created_) return;
    if (keep_) {
      console_->Step("Kept the scratch database " + name_ + " (--keep): " + Describe() +
                     "; drop it with DROP DATABASE " + name_ + ";");
      return;
    }
    try {
      pqxx::connection conn(Admin());
      if (server_key_ >= 1300) {
        Query(conn, "DROP DATABASE IF EXISTS " + conn.quote_name(name_) + " WITH (FORCE)");
      } else {
        Query(conn, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = " +
                        conn.quote(name_) + " AND pid <> pg_backend_pid()");
        Query(conn, "DROP DATABASE IF EXISTS " + conn.quote_name(name_));
      }
      console_->Detail("Dropped the scratch database " + name_);
    } catch (const std::exception& e) {
      console_->Warning("could not drop the scratch database " + name_ + " on " +
                        server_.Describe() + ": " + redactor_->Scrub(e.what()) +
                        "; drop it by hand: DROP DATABASE " + name_ + ";");
    }
  }
  const std::string& name() const { return name_; }
  std::string Describe() const { return Target().Describe(); }
  /// The scratch database's URL-equivalent target.
  DatabaseTarget Target() const {
    return DatabaseTarget::Parse(server_.Conninfo({{"dbname", name_}}));
  }

 private:
  std::string Admin() const {
    return server_.Conninfo({{"application_name", "slugwright rehearse"},
                             {"connect_timeout", "15"}});
  }
  DatabaseTarget server_;
  int server_key_;
  bool keep_;
  Console* console_;
  const Redactor* redactor_;
  std::string name_;
  bool created_ = false;
};

/// The throwaway cluster, announcing its removal.
class EmbeddedCluster {
 public:
  EmbeddedCluster(Console* console, const std::string& encoding) : console_(console) {
    LocalPostgresOptions options;
    options.database = "postgres";
    options.settings = {"autovacuum = off", "shared_buffers = '128MB'",
                        "maintenance_work_mem = '256MB'", "max_wal_size = '4GB'",
                        "checkpoint_timeout = '30min'"};
    cluster_ = std::make_unique<LocalPostgres>(options);
    pqxx::connection conn(cluster_->SocketConninfo("postgres"));
    Query(conn, "CREATE DATABASE rehearsal TEMPLATE template0 ENCODING " +
                    conn.quote(encoding.empty() ? "UTF8" : encoding) +
                    " LC_COLLATE 'C' LC_CTYPE 'C'");
  }
  ~EmbeddedCluster() {
    cluster_.reset();
    console_->Detail("Stopped and removed the throwaway cluster");
  }
  LocalPostgres& cluster() { return *cluster_; }

 private:
  Console* console_;
  std::unique_ptr<LocalPostgres> cluster_;
};

/// Facts read from the source, read only.
struct SourceFacts {
  int version_key = 0;
  std::string version;
  std::string encoding;
  int tables = 0;
  int64_t bytes = 0;
  bool history_exists = false;
  std::string snapshot;
};

class Rehearser {
 public:
  Rehearser(const RehearsalOptions& o, DiskInterface* disk, Console* console,
            Redactor* redactor, Interrupt* interrupt)
      : o_(o), disk_(disk), console_(console), redactor_(redactor), interrupt_(interrupt),
        table_(HistoryTableName::Parse(o.settings.table)),
        printer_(o.progress_out ? *o.progress_out : std::cerr, o.progress_terminal,
                 o.progress_interval_seconds) {}

  int Run();

 private:
  void CheckInterrupt(const std::string& during) {
    if (interrupt_ && interrupt_->requested())
      throw UserError(static_cast<ExitCode>(interrupt_->exit_code()),
                      interrupt_->Reason() +
                          " " + during + "; nothing was rehearsed");
  }
  std::string HistoryPattern() const {
    return "\"" + table_.schema + "\".\"" + table_.table + "\"";
  }
  void OpenSource();
  std::vector<HistoryRow> ReadSourceHistory();
  void Dump(const PgTools& tools, const std::string& dir);
  void Restore(const PgTools& tools, const DatabaseTarget& scratch, const std::string& conninfo,
               const std::string& password);
  ToolResult RunWithProgress(const std::string& program, const std::vector<std::string>& args,
                             const std::map<std::string, std::string>& env,
                             const std::string& phase, CopyProgress* progress, int total_tables,
                             int total_post, const std::function<int64_t()>& bytes,
                             const std::string& bytes_what);

  const RehearsalOptions& o_;
  DiskInterface* disk_;
  Console* console_;
  Redactor* redactor_;
  Interrupt* interrupt_;
  HistoryTableName table_;
  ProgressPrinter printer_;

  DatabaseTarget source_;
  std::unique_ptr<pqxx::connection> source_conn_;
  SourceFacts facts_;
  std::string dump_path_;
  std::string history_dump_path_;
  Toc toc_;
  CopyInfo copy_;
};

ToolResult Rehearser::RunWithProgress(const std::string& program,
                                      const std::vector<std::string>& args,
                                      const std::map<std::string, std::string>& env,
                                      const std::string& phase, CopyProgress* progress,
                                      int total_tables, int total_post,
                                      const std::function<int64_t()>& bytes,
                                      const std::string& bytes_what) {
  double start = Now();
  double last_bytes_at = -1;
  int64_t last_bytes = -1;
  ToolResult r = RunTool(
      program, args, env, false, [progress](const std::string& line) { progress->Feed(line); },
      [&] {
        double now = Now();
        // Sizes are polled four times a second at most.
        if (bytes && now - last_bytes_at >= 0.25) {
          last_bytes_at = now;
          try {
            last_bytes = bytes();
          } catch (const std::exception&) {
          }
        }
        printer_.Update(FormatCopyProgress(phase, progress->tables(), total_tables,
                                           progress->post_data(), total_post, last_bytes,
                                           bytes_what, now - start),
                        now);
      },
      interrupt_);
  printer_.Done();
  return r;
}

void Rehearser::OpenSource() {
  source_ = DatabaseTarget::Parse(o_.source_url);
  redactor_->AddSecret(source_.password());
  std::map<std::string, std::string> settings = {
      {"application_name", "slugwright rehearse (read-only) pid " + std::to_string(::getpid())}};
  if (source_.Get("connect_timeout").empty()) settings["connect_timeout"] = "15";
  try {
    source_conn_ = std::make_unique<pqxx::connection>(source_.Conninfo(settings));
  } catch (const std::exception& e) {
    throw UserError(kExitFailed, "could not connect to " + source_.Describe() + ": " +
                                     TrimRight(redactor_->Scrub(e.what())));
  }
  pqxx::connection& c = *source_conn_;
  // Every transaction of this session is read only, and so is the one
  // the dump's snapshot comes from.
  Query(c, "SET default_transaction_read_only = on");
  Query(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    facts_.snapshot = Query(c, "SELECT pg_export_snapshot()").at(0).at(0);
  } catch (const pqxx::sql_error&) {
    // E.g. a pooler in between: two dumps without a shared snapshot.
    Query(c, "ROLLBACK");
    Query(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  auto row = Query(c,
                   "SELECT current_setting('server_version_num'), "
                   "current_setting('server_version'), pg_encoding_to_char(encoding) "
                   "FROM pg_database WHERE datname = current_database()")
                 .at(0);
  facts_.version_key = VersionKeyFromNum(std::stoi(row[0]));
  facts_.version = row[1].substr(0, row[1].find(' '));
  facts_.encoding = row[2];
  auto stats = Query(c,
                     "SELECT count(*), coalesce(sum(pg_table_size(c.oid)), 0) FROM pg_class c "
                     "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND "
                     "n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND NOT EXISTS "
                     "(SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND "
                     "d.objid = c.oid AND d.deptype = 'e')")
                   .at(0);
  facts_.tables = std::stoi(stats[0]);
  facts_.bytes = std::stoll(stats[1]);
  facts_.history_exists =
      Query(c, "SELECT to_regclass(" + c.quote(HistoryPattern()) + ") IS NOT NULL").at(0).at(0) ==
      "t";
}

std::vector<HistoryRow> Rehearser::ReadSourceHistory() {
  // The driver's own reading of the history, on a read-only session.
  PostgresDriver driver(source_, table_,
                        "slugwright rehearse (read-only) pid " + std::to_string(::getpid()),
                        redactor_);
  std::vector<HistoryRow> rows;
  try {
    driver.Connect();
    driver.ExecuteStatement("SET default_transaction_read_only = on");
    driver.ReadHistory(&rows);
  } catch (const DatabaseError& e) {
    throw UserError(kExitFailed, e.what());
  }
  return rows;
}

void Rehearser::Dump(const PgTools& tools, const std::string& dir) {
  dump_path_ = dir + "/source.dump";
  std::string conninfo = ChildConninfo(
      source_, {{"application_name", "slugwright rehearse pg_dump (read-only)"}});
  std::map<std::string, std::string> env;
  if (!source_.password().empty()) env["PGPASSWORD"] = source_.password();
  std::vector<std::string> args = {"--format=custom", "--compress=0", "--verbose", "--no-sync",
                                   "--file=" + dump_path_, "--dbname=" + conninfo};
  if (!facts_.snapshot.empty()) args.push_back("--snapshot=" + facts_.snapshot);
  if (o_.schema_only) {
    args.push_back("--schema-only");
  } else {
    for (const std::string& p : o_.exclude_table_data)
      args.push_back("--exclude-table-data=" + p);
    // Its rows come from the second, data-only dump below.
    args.push_back("--exclude-table-data=" + HistoryPattern());
  }
  console_->Step("Copying " + source_.Describe() + " (PostgreSQL " + facts_.version + ", " +
                 Plural(facts_.tables, "table") + ", " + FormatBytes(facts_.bytes) +
                 ") read only, with " + tools.pg_dump + " " + tools.dump_version);
  double start = Now();
  CopyProgress progress;
  std::string path = dump_path_;
  ToolResult r = RunWithProgress(
      tools.pg_dump, args, env, "dump", &progress, o_.schema_only ? 0 : facts_.tables, 0,
      [path] {
        boost::system::error_code ec;
        auto size = fs::file_size(path, ec);
        return ec ? int64_t{-1} : static_cast<int64_t>(size);
      },
      "written");
  CheckInterrupt("during the dump");
  auto fail = [&](const ToolResult& result, const std::string& what) {
    std::string details;
    for (const std::string& line : result.problems) details += "\n" + line;
    throw UserError(kExitFailed, what + " failed (exit " + std::to_string(result.exit_code) +
                                     "); nothing was rehearsed:" + redactor_->Scrub(details));
  };
  if (!r.ok()) fail(r, "pg_dump of " + source_.Describe());
  if (facts_.history_exists) {
    history_dump_path_ = dir + "/history.dump";
    std::vector<std::string> hargs = {"--format=custom", "--data-only", "--no-sync",
                                      "--table=" + HistoryPattern(),
                                      "--file=" + history_dump_path_, "--dbname=" + conninfo};
    if (!facts_.snapshot.empty()) hargs.push_back("--snapshot=" + facts_.snapshot);
    ToolResult h = RunTool(tools.pg_dump, hargs, env, false, nullptr, nullptr, interrupt_);
    CheckInterrupt("during the dump");
    if (!h.ok()) fail(h, "pg_dump of the history table " + table_.Qualified());
  }
  boost::system::error_code ec;
  auto size = fs::file_size(dump_path_, ec);
  copy_.dump_seconds = Now() - start;
  console_->Detail("Dumped " + Plural(progress.tables() + (facts_.history_exists ? 1 : 0),
                          "table") + " (" +
                   FormatBytes(ec ? -1 : static_cast<int64_t>(size)) + ") in " +
                   FormatDuration(copy_.dump_seconds) +
                   (facts_.snapshot.empty() ? "" : ", one snapshot"));
  // The source is no longer needed: end the read-only transaction.
  try {
    Query(*source_conn_, "ROLLBACK");
  } catch (const std::exception&) {
  }
  source_conn_.reset();
}

void Rehearser::Restore(const PgTools& tools, const DatabaseTarget& scratch,
                        const std::string& conninfo, const std::string& password) {
  std::map<std::string, std::string> env;
  if (!password.empty()) env["PGPASSWORD"] = password;
  std::string archive = o_.from_dump.empty() ? dump_path_ : o_.from_dump;
  if (o_.from_dump.empty()) {
    ToolResult list = RunTool(tools.pg_restore, {"--list", archive}, {}, true, nullptr, nullptr,
                              interrupt_);
    if (!list.ok())
      throw UserError(kExitFailed, "pg_restore --list " + archive + " failed");
    toc_ = ParseToc(list.out);
  }
  FilteredToc filtered;
  if (o_.from_dump.empty())
    filtered = FilterToc(toc_, false, {}, table_.schema, table_.table);
  else
    filtered = FilterToc(toc_, o_.schema_only, o_.exclude_table_data, table_.schema,
                         table_.table);
  std::vector<std::string> args = {"--verbose",          "--no-owner",
                                   "--no-privileges",    "--no-tablespaces",
                                   "--no-security-labels", "--no-subscriptions",
                                   "--jobs=" + std::to_string(o_.jobs),
                                   "--dbname=" + conninfo};
  TempDir list_dir;
  if (filtered.excluded > 0) {
    std::string list_path = list_dir.path() + "/restore.list";
    std::string err;
    if (!disk_->WriteFileAtomically(list_path, filtered.list, 0600, &err))
      throw UserError(kExitFailed, "writing " + list_path + ": " + err);
    args.push_back("--use-list=" + list_path);
  }
  args.push_back(archive);

  pqxx::connection size_conn(scratch.Conninfo({{"application_name", "slugwright rehearse"}}));
  auto scratch_size = [&size_conn] {
    return std::stoll(Query(size_conn, "SELECT pg_database_size(current_database())").at(0).at(0));
  };
  double start = Now();
  CopyProgress progress(o_.jobs > 1);
  ToolResult r = RunWithProgress(tools.pg_restore, args, env, "restore", &progress,
                                 filtered.tables_with_data, filtered.post_data_items,
                                 scratch_size, "in the copy");
  CheckInterrupt("during the restore");
  bool went_past = false;
  for (const std::string& line : r.problems)
    if (line.find("errors ignored on restore") != std::string::npos) went_past = true;
  if (!r.ok() && !went_past) {
    std::string details;
    for (const std::string& line : r.problems) details += "\n" + line;
    throw UserError(kExitFailed, "pg_restore into the scratch database failed (exit " +
                                     std::to_string(r.exit_code) +
                                     "); nothing was rehearsed:" + redactor_->Scrub(details));
  }
  for (const std::string& line : r.problems) {
    size_t at = line.find("error: ");
    if (at == std::string::npos || line.find("errors ignored on restore") != std::string::npos)
      continue;
    copy_.warnings.push_back(redactor_->Scrub(line.substr(at + 7)));
  }
  copy_.tables = filtered.tables_with_data;
  if (!history_dump_path_.empty()) {
    ToolResult h = RunTool(tools.pg_restore,
                           {"--data-only", "--no-owner", "--no-privileges",
                            "--dbname=" + conninfo, history_dump_path_},
                           env, false, nullptr, nullptr, interrupt_);
    CheckInterrupt("during the restore");
    if (!h.ok()) {
      std::string details;
      for (const std::string& line : h.problems) details += "\n" + line;
      throw UserError(kExitFailed, "restoring the history table " + table_.Qualified() +
                                       " into the scratch database failed; nothing was "
                                       "rehearsed:" + redactor_->Scrub(details));
    }
    ++copy_.tables;
  }
  double restored = Now();
  // The planner's statistics, as production has them: data migrations
  // then get production-like plans, and large tables get row estimates.
  Query(size_conn, "ANALYZE");
  copy_.bytes = scratch_size();
  copy_.restore_seconds = Now() - start;
  console_->Detail("Restored " + Plural(copy_.tables, "table") + " with data and " +
                   std::to_string(filtered.post_data_items) + " indexes and constraints (" +
                   FormatBytes(copy_.bytes) + ") in " + FormatDuration(restored - start) +
                   " with " + Plural(o_.jobs, "job") + "; ANALYZE " +
                   FormatDuration(Now() - restored));
  if (filtered.excluded > 0 && !o_.from_dump.empty())
    console_->Detail("Left out the data of " + Plural(filtered.excluded, "table"));
}

int Rehearser::Run() {
  const ReleaseSettings& s = o_.settings;
  if (!s.command.empty())
    throw UserError(kExitUsage,
                    "rehearse applies slugwright's own migration files, but this app runs "
                    "`" + s.command + "` (release.command); rehearse does not run external "
                    "migration tools");
  if (o_.keep && o_.into_url.empty())
    throw UserError(kExitUsage, "--keep keeps the scratch database of --into URL; the "
                                "embedded cluster is always removed");
  if (o_.jobs < 1) throw UserError(kExitUsage, "--jobs must be at least 1");

  // 1. Everything that can be checked before any work.
  DirectorySource files_source(disk_, o_.migrations_dir);
  std::vector<Migration> files = files_source.ReadAll();
  PgTools tools = FindPgTools(o_.pg_bin_dir);

  DatabaseTarget into_server;
  int scratch_key = 0;
  std::string scratch_version;
  std::string server_bin;
  if (!o_.into_url.empty()) {
    into_server = DatabaseTarget::Parse(o_.into_url);
    redactor_->AddSecret(o_.into_url);
    redactor_->AddSecret(into_server.password());
    try {
      pqxx::connection conn(into_server.Conninfo({{"application_name", "slugwright rehearse"},
                                                  {"connect_timeout", "15"}}));
      auto row = Query(conn, "SELECT current_setting('server_version_num'), "
                             "current_setting('server_version')")
                     .at(0);
      scratch_key = VersionKeyFromNum(std::stoi(row[0]));
      scratch_version = row[1].substr(0, row[1].find(' '));
    } catch (const std::exception& e) {
      throw UserError(kExitUsage, "--into: could not connect to " + into_server.Describe() +
                                      ": " + TrimRight(redactor_->Scrub(e.what())));
    }
  } else {
    server_bin = LocalPostgres::FindServerBinDir();
    ToolResult v = RunTool(server_bin + "/postgres", {"--version"}, {}, true, nullptr, nullptr,
                           nullptr);
    ParsePgVersion(v.out, &scratch_key, &scratch_version);
  }

  int source_key = 0;
  std::string source_version;
  if (!o_.from_dump.empty()) {
    boost::system::error_code ec;
    if (!fs::is_regular_file(o_.from_dump, ec))
      throw UserError(kExitUsage, "--from-dump " + o_.from_dump + ": no such file");
    ToolResult list = RunTool(tools.pg_restore, {"--list", o_.from_dump}, {}, true, nullptr,
                              nullptr, interrupt_);
    if (!list.ok()) {
      std::string why;
      for (const std::string& line : list.problems) why += (why.empty() ? "" : "; ") + line;
      bool newer = why.find("unsupported version") != std::string::npos;
      throw UserError(kExitUsage,
                      "--from-dump " + o_.from_dump + " is not an archive " + tools.pg_restore +
                          " can read (" + why + "). " +
                          (newer ? "It was written by a newer pg_dump: install a newer "
                                   "postgresql-client (apt.postgresql.org) or pass --pg-bin-dir."
                                 : "Pass a custom-format archive, as `pg_dump -Fc` and "
                                   "`heroku pg:backups:download` write it."));
    }
    toc_ = ParseToc(list.out);
    ParsePgVersion(toc_.dumped_from, &source_key, &source_version);
    copy_.source = o_.from_dump;
    copy_.from_dump = true;
  } else {
    OpenSource();
    source_key = facts_.version_key;
    source_version = facts_.version;
    copy_.source = source_.Describe();
    std::string too_old = PgDumpTooOld(tools, source_key, source_version);
    if (!too_old.empty()) throw UserError(kExitUsage, too_old);
  }
  copy_.source_version = source_version;
  if (source_key > 0 && scratch_key > 0 && scratch_key < source_key) {
    if (o_.into_url.empty())
      throw UserError(kExitUsage,
                      "the source is PostgreSQL " + source_version +
                          " and this machine's newest server is " + scratch_version + " (" +
                          server_bin + "): a copy cannot be restored into an older server. "
                          "Install the Debian package postgresql-" + MajorText(source_key) +
                          " (from apt.postgresql.org), or pass --into a URL of a server "
                          "that new. Nothing was copied.");
    throw UserError(kExitUsage, "--into: " + into_server.Describe() + " is PostgreSQL " +
                                    scratch_version + ", older than the source (" +
                                    source_version + "): a copy cannot be restored into it. "
                                    "Nothing was copied.");
  }

  // 2. The pending migrations, from the source's history (read only).
  if (o_.from_dump.empty()) {
    MigrationPlan plan = MakePlan(files, ReadSourceHistory());
    std::vector<std::string> problems = IntegrityProblems(plan, s.allow_out_of_order);
    if (!problems.empty()) {
      std::string message = "the release would refuse to migrate " + source_.Describe() +
                            " (exit 4), so there is nothing to rehearse:";
      for (const std::string& p : problems) message += "\n" + p;
      throw UserError(kExitIntegrity, message);
    }
    if (plan.pending.empty()) {
      console_->Step(source_.Describe() + " is up to date (" +
                     Plural(static_cast<int64_t>(plan.applied.size()), "migration") +
                     " applied): nothing to rehearse, nothing was copied");
      if (o_.json) {
        RehearsalReport report;
        report.copy = copy_;
        report.transaction = ToString(s.transaction);
        report.lock_timeout_seconds = s.lock_timeout_seconds;
        report.statement_timeout_seconds = s.statement_timeout_seconds;
        console_->Data(ReportJson(report).dump(2) + "\n");
      }
      return kExitOk;
    }
    console_->Step(Plural(static_cast<int64_t>(plan.pending.size()), "pending migration") +
                   " for " + source_.Describe() + " in " + files_source.Describe());
  }
  CheckInterrupt("before the copy");

  // 3. The scratch database.
  copy_.schema_only = o_.schema_only;
  copy_.exclude_table_data = o_.exclude_table_data;
  std::unique_ptr<EmbeddedCluster> embedded;
  std::unique_ptr<IntoDatabase> into;
  DatabaseTarget scratch;
  std::string restore_conninfo;
  std::string scratch_password;
  std::string scratch_url;
  if (o_.into_url.empty()) {
    console_->Step("Starting a throwaway PostgreSQL " + MajorText(scratch_key) +
                   " cluster for the copy");
    embedded = std::make_unique<EmbeddedCluster>(console_, facts_.encoding);
    LocalPostgres& cluster = embedded->cluster();
    redactor_->AddSecret(cluster.password());
    scratch_url = cluster.Url("rehearsal");
    redactor_->AddSecret(scratch_url);
    scratch = DatabaseTarget::Parse(scratch_url);
    restore_conninfo = cluster.SocketConninfo("rehearsal");
    copy_.target = "embedded";
  } else {
    into = std::make_unique<IntoDatabase>(into_server, scratch_key, facts_.encoding, o_.keep,
                                          console_, redactor_);
    scratch = into->Target();
    scratch_password = scratch.password();
    restore_conninfo = ChildConninfo(scratch, {{"application_name", "slugwright rehearse"}});
    scratch_url = UrlOf(scratch);
    redactor_->AddSecret(scratch_url);
    copy_.target = "into";
    copy_.kept = o_.keep;
    console_->Step("Created the scratch database " + into->name() + " on " +
                   into_server.Describe());
  }
  copy_.copy = scratch.Describe();
  CheckInterrupt("before the copy");

  // 4. The copy.
  {
    TempDir dump_dir;
    if (o_.from_dump.empty()) {
      Dump(tools, dump_dir.path());
    } else {
      console_->Step("Restoring " + o_.from_dump +
                     (source_version.empty() ? "" : " (dumped from PostgreSQL " +
                                                        source_version + ")"));
    }
    Restore(tools, scratch, restore_conninfo, scratch_password);
  }
  CheckInterrupt("after the copy");

  // 5. The pending migrations on the copy, as the release phase applies them.
  std::string application_name = "slugwright rehearse pid " + std::to_string(::getpid());
  std::vector<HistoryRow> copy_history;
  {
    PostgresDriver probe(scratch, table_, application_name, redactor_);
    try {
      probe.Connect();
      probe.ReadHistory(&copy_history);
    } catch (const DatabaseError& e) {
      throw UserError(kExitFailed, e.what());
    }
  }
  MigrationPlan copy_plan = MakePlan(files, copy_history);
  if (copy_plan.pending.empty() && IntegrityProblems(copy_plan, s.allow_out_of_order).empty()) {
    console_->Step("The copy is up to date (" +
                   Plural(static_cast<int64_t>(copy_plan.applied.size()), "migration") +
                   " applied): nothing to rehearse");
    if (o_.json) {
      RehearsalReport report;
      report.copy = copy_;
      report.transaction = ToString(s.transaction);
      console_->Data(ReportJson(report).dump(2) + "\n");
    }
    return kExitOk;
  }

  PostgresDriver driver(scratch, table_, application_name, redactor_);
  RehearsalObserver::Options observer_options;
  observer_options.batch = s.transaction == ReleaseSettings::TransactionMode::kAll;
  observer_options.own_tables = {"\"" + table_.schema + "\".\"" + table_.table + "\"",
                                 table_.schema + "." + table_.table,
                                 table_.schema + "." + table_.table + "_events"};
  RehearsalObserver observer(
      &driver, scratch.Conninfo({{"application_name", application_name + " (observer)"}}),
      copy_plan.pending, observer_options);

  MigratorOptions mo;
  mo.settings = s;
  if (!o_.hooks) mo.settings.hooks = HookSettings{};
  mo.run = o_.run;
  mo.seed = std::random_device()();
  mo.observer = &observer;
  // Hooks (with --hooks) see the copy, never the source.
  mo.command_env["DATABASE_URL"] = scratch_url;
  mo.command_env[s.database_url_env] = scratch_url;
  mo.command_env["PGOPTIONS"] =
      "-c lock_timeout=" + std::to_string(static_cast<long long>(s.lock_timeout_seconds * 1000)) +
      " -c statement_timeout=" +
      std::to_string(static_cast<long long>(s.statement_timeout_seconds * 1000));
  DirectorySource migrator_source(disk_, o_.migrations_dir);
  ShellCommandRunner runner(console_, interrupt_);
  RealClock clock(interrupt_);
  Migrator migrator(&migrator_source, &driver, &runner, console_, &clock, interrupt_, mo);

  console_->Step("Running the release phase on the copy " + scratch.Describe() +
                 "; its output follows, as the release would print it");
  RehearsalReport report;
  double start = Now();
  try {
    report.exit_code = migrator.Up(false);
  } catch (const UserError& e) {
    report.exit_code = e.code();
    report.failure = redactor_->Scrub(e.what());
  }
  report.release_seconds = std::max(0.0, Now() - start - observer.overhead_seconds());
  report.interrupted = interrupt_ && interrupt_->requested();

  report.copy = copy_;
  report.transaction = ToString(s.transaction);
  report.lock_timeout_seconds = s.lock_timeout_seconds;
  report.statement_timeout_seconds = s.statement_timeout_seconds;
  report.hooks = o_.hooks;
  report.migrations = observer.Results();
  RiskSettings risk;
  risk.lock_timeout_seconds = s.lock_timeout_seconds;
  for (MigrationRehearsal& m : report.migrations) EvaluateRisks(risk, &m);
  bool attributed = false;
  for (const MigrationRehearsal& m : report.migrations)
    if (m.status == MigrationRehearsal::Status::kFailed) attributed = true;
  if (report.exit_code != kExitOk && !attributed && report.failure.empty())
    report.failure = "the run on the copy failed (exit " + std::to_string(report.exit_code) +
                     "); its output is above";

  for (const ReportLine& line : FormatReport(report)) {
    switch (line.kind) {
      case ReportLine::Kind::kStep: console_->Step(line.text); break;
      case ReportLine::Kind::kDetail: console_->Detail(line.text); break;
      case ReportLine::Kind::kWarning: console_->Warning(line.text); break;
      case ReportLine::Kind::kError: console_->Error(line.text); break;
    }
  }
  if (o_.json) console_->Data(ReportJson(report).dump(2) + "\n");
  return report.exit_code;
}

}  // namespace

int Rehearse(const RehearsalOptions& options, DiskInterface* disk, Console* console,
             Redactor* redactor, Interrupt* interrupt) {
  Rehearser rehearser(options, disk, console, redactor, interrupt);
  return rehearser.Run();
}
