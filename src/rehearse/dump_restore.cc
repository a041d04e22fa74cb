#include "rehearse/dump_restore.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/disk_interface.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "base/redactor.h"
#include "base/text.h"
#include "postgres/sql_session.h"
#include "rehearse/rehearsal_events.h"
#include "rehearse/rehearsal_interrupt.h"
#include "rehearse/scratch_database.h"

namespace {

int64_t FileSize(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? int64_t{-1} : static_cast<int64_t>(size);
}

std::string ProblemLines(const ToolResult& result) {
  std::string details;
  for (const std::string& line : result.problems) details += "\n" + line;
  return details;
}

/// `name` as a double-quoted identifier, for a pg_dump pattern.
std::string QuotedIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

bool WentPastErrors(const ToolResult& result) {
  for (const std::string& line : result.problems)
    if (line.find("errors ignored on restore") != std::string::npos) return true;
  return false;
}

}  // namespace

void AnalyzeTables(const std::string& conninfo, int jobs) {
  std::vector<std::string> tables;
  {
    SqlSession session(conninfo);
    // The largest first, so that the sessions finish close together.
    for (const auto& row : session.Query(
             "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n "
             "ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm', 'p') AND "
             "c.relpersistence <> 't' AND n.nspname NOT IN ('pg_catalog', "
             "'information_schema') AND n.nspname !~ '^pg_toast' ORDER BY "
             "pg_relation_size(c.oid) DESC, 1"))
      tables.push_back(row.at(0));
  }
  std::atomic<size_t> next{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  auto analyze = [&] {
    try {
      SqlSession session(conninfo);
      for (size_t i = next++; i < tables.size(); i = next++) session.Query("ANALYZE " + tables[i]);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      next = tables.size();
    }
  };
  size_t sessions = std::min(tables.size(), static_cast<size_t>(std::max(1, jobs)));
  std::vector<std::thread> threads;
  for (size_t i = 1; i < sessions; ++i) threads.emplace_back(analyze);
  analyze();
  for (std::thread& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

PgDumpRestore::PgDumpRestore(PgDumpRestoreOptions options, DiskInterface* disk, Clock* clock,
                             RehearsalEvents* events, const Redactor* redactor,
                             Interrupt* interrupt)
    : options_(std::move(options)), disk_(disk), clock_(clock), events_(events),
      redactor_(redactor), interrupt_(interrupt),
      printer_(options_.progress_out ? *options_.progress_out : std::cerr,
               options_.progress_terminal, options_.progress_interval_seconds) {}

PgTools PgDumpRestore::FindTools() {
  tools_ = FindPgTools(options_.pg_bin_dir);
  return tools_;
}

std::string PgDumpRestore::HistoryPattern() const {
  return "\"" + options_.table.schema + "\".\"" + options_.table.table + "\"";
}

Toc PgDumpRestore::ListArchive(const std::string& path) {
  ToolResult list =
      RunTool(tools_.pg_restore, {"--list", path}, {}, true, nullptr, nullptr, interrupt_);
  if (list.ok()) return ParseToc(list.out);
  std::string why;
  for (const std::string& line : list.problems) why += (why.empty() ? "" : "; ") + line;
  bool newer = why.find("unsupported version") != std::string::npos;
  throw UserError(kExitUsage,
                  "--from-dump " + path + " is not an archive " + tools_.pg_restore +
                      " can read (" + why + "). " +
                      (newer ? "It was written by a newer pg_dump: install a newer "
                               "postgresql-client (apt.postgresql.org) or pass --pg-bin-dir."
                             : "Pass a custom-format archive, as `pg_dump -Fc` and "
                               "`heroku pg:backups:download` write it."));
}

ToolResult PgDumpRestore::RunWithProgress(const std::string& program,
                                          const std::vector<std::string>& args,
                                          const std::map<std::string, std::string>& env,
                                          const std::string& phase, CopyProgress* progress,
                                          int total_tables, int total_post,
                                          const std::function<int64_t()>& bytes,
                                          const std::string& bytes_what) {
  double start = clock_->Now();
  double last_bytes_at = -1;
  int64_t last_bytes = -1;
  ToolResult r = RunTool(
      program, args, env, false, [progress](const std::string& line) { progress->Feed(line); },
      [&] {
        double now = clock_->Now();
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

void PgDumpRestore::Fail(const ToolResult& result, const std::string& what) {
  throw UserError(kExitFailed, what + " failed (exit " + std::to_string(result.exit_code) +
                                   "); nothing was rehearsed:" +
                                   redactor_->Scrub(ProblemLines(result)));
}

DumpedArchive PgDumpRestore::Dump(const DatabaseTarget& source, const SourceFacts& facts,
                                  const std::string& dir, CopyInfo* copy) {
  DumpedArchive dumped;
  dumped.archive = dir + "/source.dump";
  std::string conninfo = ChildConninfo(
      source, {{"application_name", "slugwright rehearse pg_dump (read-only)"}});
  std::map<std::string, std::string> env;
  if (!source.password().empty()) env["PGPASSWORD"] = source.password();
  std::vector<std::string> args = {"--format=custom", "--compress=0", "--verbose", "--no-sync",
                                   "--file=" + dumped.archive, "--dbname=" + conninfo};
  if (!facts.snapshot.empty()) args.push_back("--snapshot=" + facts.snapshot);
  // The history table's rows go into the same archive unless some rows
  // are left out: then a second, data-only dump below copies them (a
  // pattern might match the history table, as pg_dump reads patterns).
  // A `command:` tool's history table is copied the same way, so that on
  // a schema-only copy the tool finds what it applied and runs only what
  // is pending.
  std::vector<std::string> history_patterns;
  if (facts.history_exists) history_patterns.push_back(HistoryPattern());
  if (!facts.tool_history_table.empty())
    history_patterns.push_back(QuotedIdentifier(facts.tool_history_table));
  bool separate_history = !history_patterns.empty() &&
                          (options_.schema_only || !options_.exclude_table_data.empty());
  if (options_.schema_only) {
    args.push_back("--schema-only");
  } else {
    for (const std::string& p : options_.exclude_table_data)
      args.push_back("--exclude-table-data=" + p);
    if (separate_history)
      for (const std::string& p : history_patterns) args.push_back("--exclude-table-data=" + p);
  }
  events_->Dumping(source.Describe(), facts.version, facts.tables, facts.bytes, tools_.pg_dump,
                   tools_.dump_version);
  double start = clock_->Now();
  CopyProgress progress;
  std::string path = dumped.archive;
  ToolResult r = RunWithProgress(tools_.pg_dump, args, env, "dump", &progress,
                                 options_.schema_only ? 0 : facts.tables, 0,
                                 [path] { return FileSize(path); }, "written");
  ThrowIfRehearsalInterrupted(interrupt_, "during the dump");
  if (!r.ok()) Fail(r, "pg_dump of " + source.Describe());
  if (separate_history) {
    dumped.history_archive = dir + "/history.dump";
    dumped.history_tables = static_cast<int>(history_patterns.size());
    std::vector<std::string> hargs = {"--format=custom", "--data-only", "--no-sync",
                                      "--file=" + dumped.history_archive,
                                      "--dbname=" + conninfo};
    for (const std::string& p : history_patterns) hargs.push_back("--table=" + p);
    if (!facts.snapshot.empty()) hargs.push_back("--snapshot=" + facts.snapshot);
    ToolResult h = RunTool(tools_.pg_dump, hargs, env, false, nullptr, nullptr, interrupt_);
    ThrowIfRehearsalInterrupted(interrupt_, "during the dump");
    if (!h.ok()) Fail(h, "pg_dump of the history tables");
  }
  copy->dump_seconds = clock_->Now() - start;
  events_->Dumped(progress.tables() + dumped.history_tables, FileSize(dumped.archive),
                  copy->dump_seconds, !facts.snapshot.empty());
  return dumped;
}

std::vector<std::string> PgDumpRestore::RestoreArgs(const RestoreRequest& request,
                                                    const FilteredToc& filtered,
                                                    const std::string& conninfo) {
  std::vector<std::string> args = {"--verbose",          "--no-owner",
                                   "--no-privileges",    "--no-tablespaces",
                                   "--no-security-labels", "--no-subscriptions",
                                   "--jobs=" + std::to_string(options_.jobs),
                                   "--dbname=" + conninfo};
  if (filtered.excluded > 0) {
    std::string list_path = request.work_dir + "/restore.list";
    std::string err;
    if (!disk_->WriteFileAtomically(list_path, filtered.list, 0600, &err))
      throw UserError(kExitFailed, "writing " + list_path + ": " + err);
    args.push_back("--use-list=" + list_path);
  }
  args.push_back(request.archive);
  return args;
}

void PgDumpRestore::CheckRestore(const ToolResult& r, CopyInfo* copy) {
  if (!r.ok() && !WentPastErrors(r))
    throw UserError(kExitFailed, "pg_restore into the scratch database failed (exit " +
                                     std::to_string(r.exit_code) + "); nothing was rehearsed:" +
                                     redactor_->Scrub(ProblemLines(r)));
  for (const std::string& line : r.problems) {
    size_t at = line.find("error: ");
    if (at == std::string::npos || line.find("errors ignored on restore") != std::string::npos)
      continue;
    copy->warnings.push_back(redactor_->Scrub(line.substr(at + 7)));
  }
}

void PgDumpRestore::RestoreHistory(const RestoreRequest& request, const std::string& conninfo,
                                   const std::map<std::string, std::string>& env,
                                   CopyInfo* copy) {
  if (request.history_archive.empty()) return;
  ToolResult h = RunTool(tools_.pg_restore,
                         {"--data-only", "--no-owner", "--no-privileges", "--dbname=" + conninfo,
                          request.history_archive},
                         env, false, nullptr, nullptr, interrupt_);
  ThrowIfRehearsalInterrupted(interrupt_, "during the restore");
  if (!h.ok())
    throw UserError(kExitFailed, "restoring the history tables into the scratch database "
                                 "failed; nothing was rehearsed:" +
                                     redactor_->Scrub(ProblemLines(h)));
  copy->tables += request.history_tables;
}

void PgDumpRestore::Restore(const RestoreRequest& request, const ScratchDatabase& scratch,
                            CopyInfo* copy) {
  Toc listed;
  if (!request.toc) {
    ToolResult list = RunTool(tools_.pg_restore, {"--list", request.archive}, {}, true, nullptr,
                              nullptr, interrupt_);
    if (!list.ok())
      throw UserError(kExitFailed, "pg_restore --list " + request.archive + " failed");
    listed = ParseToc(list.out);
  }
  const Toc& toc = request.toc ? *request.toc : listed;
  std::vector<KeptTableData> kept = {{options_.table.schema, options_.table.table}};
  if (!options_.tool_history_table.empty()) kept.push_back({"", options_.tool_history_table});
  FilteredToc filtered = request.filter ? FilterToc(toc, options_.schema_only,
                                                    options_.exclude_table_data, kept)
                                        : FilterToc(toc, false, {}, kept);
  std::string conninfo = scratch.RestoreConninfo();
  std::vector<std::string> args = RestoreArgs(request, filtered, conninfo);
  std::map<std::string, std::string> env;
  if (!scratch.RestorePassword().empty()) env["PGPASSWORD"] = scratch.RestorePassword();

  SqlSession size_session(
      scratch.Target().Conninfo({{"application_name", "slugwright rehearse"}}));
  auto scratch_size = [&size_session] {
    return std::stoll(size_session.Scalar("SELECT pg_database_size(current_database())"));
  };
  double start = clock_->Now();
  CopyProgress progress(options_.jobs > 1);
  ToolResult r = RunWithProgress(tools_.pg_restore, args, env, "restore", &progress,
                                 filtered.tables_with_data, filtered.post_data_items,
                                 scratch_size, "in the copy");
  ThrowIfRehearsalInterrupted(interrupt_, "during the restore");
  CheckRestore(r, copy);
  copy->tables = filtered.tables_with_data;
  RestoreHistory(request, conninfo, env, copy);
  double restored = clock_->Now();
  // The planner's statistics, as production has them: data migrations
  // then get production-like plans, and large tables get row estimates.
  AnalyzeTables(scratch.Target().Conninfo({{"application_name", "slugwright rehearse"}}),
                options_.jobs);
  copy->analyze_seconds = clock_->Now() - restored;
  copy->restore_seconds = restored - start;
  copy->bytes = scratch_size();
  events_->Restored(*copy, filtered.post_data_items, options_.jobs,
                    request.filter ? filtered.excluded : 0);
}
