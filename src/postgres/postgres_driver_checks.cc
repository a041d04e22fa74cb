// The PostgresDriver's checks against claiming what did not happen: a
// COPY left waiting for data (or sending rows) is an error, a COMMIT lost
// with the connection is read back on a new session, renames are recorded
// in the history, and other slugwright history tables are found. Split from
// postgres_driver.cc to keep each file short.

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <pqxx/pqxx>
#include <thread>

#include "postgres/postgres_driver.h"

namespace {

/// Where a COPY keyword starts in `sql` (case-insensitive, as a word);
/// npos when none.
size_t CopyAt(const std::string& sql) {
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i + 4 <= sql.size(); ++i) {
    if (strncasecmp(sql.c_str() + i, "copy", 4) != 0) continue;
    if ((i == 0 || !word(sql[i - 1])) && (i + 4 == sql.size() || !word(sql[i + 4])))
      return i;
  }
  return std::string::npos;
}

}  // namespace

bool PostgresDriver::IsCopyStart(const pqxx::result& result, const std::string& sql) {
  // libpqxx 6 does not show a result's status (PGRES_COPY_IN/OUT/BOTH); a
  // COPY's start is the one result with columns of no type (PQftype 0,
  // which libpqxx reports by throwing).
  if (result.columns() == 0 || !result.empty() || CopyAt(sql) == std::string::npos)
    return false;
  try {
    return result.column_type(pqxx::row::size_type{0}) == 0;
  } catch (const std::exception&) {
    return true;
  }
}

void PostgresDriver::FailCopyState(const std::string& sql, const std::string& source_path,
                                   int source_first_line) {
  // Before it sends the next query, libpq ends a COPY FROM STDIN with an
  // error (the server aborts the transaction it was in) and reads past
  // COPY TO STDOUT; the caller's ROLLBACK then ends the transaction.
  try {
    pqxx::nontransaction work(*conn_);
    work.exec("SELECT 1");
  } catch (const pqxx::broken_connection&) {
    session_lost_ = true;
  } catch (const std::exception&) {
    // "current transaction is aborted": expected after the failed COPY.
  }
  size_t at = CopyAt(sql);
  size_t end = sql.find(';', at);
  std::string statement = sql.substr(at, end == std::string::npos ? 80 : end - at + 1);
  for (char& c : statement)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  if (statement.size() > 80) statement = statement.substr(0, 77) + "...";
  std::string where;
  if (!source_path.empty()) {
    int line = source_first_line +
               static_cast<int>(std::count(sql.begin(), sql.begin() + at, '\n'));
    where = " (at " + source_path + ":" + std::to_string(line) + ")";
  }
  throw DatabaseError("`" + statement + "`" + where +
                          ": COPY FROM STDIN needs inline data slugwright does not send "
                          "(and COPY TO STDOUT sends rows it does not read), so it cannot "
                          "run in a migration. Load the data with INSERT, or COPY from a "
                          "file on the database server.",
                      "0A000", session_lost_);
}

std::vector<std::string> PostgresDriver::OtherHistoryTables() {
  // A history table is known by its columns, whatever it is called.
  Rows r = Exec(
      "SELECT table_schema || '.' || table_name FROM information_schema.columns WHERE "
      "column_name IN ('version', 'checksum', 'state', 'in_transaction', "
      "'statements_total', 'statements_done', 'out_of_order', 'run_id') GROUP BY "
      "table_schema, table_name HAVING count(*) = 8 AND NOT (table_schema = " +
      Quote(table_name_.schema) + " AND table_name = " + Quote(table_name_.table) +
      ") ORDER BY 1");
  std::vector<std::string> names;
  for (const auto& row : r.rows) names.push_back(row[0]);
  return names;
}

HistoryStore::LostOutcome PostgresDriver::ReadOutcomeOnNewSession(
    int64_t version) noexcept {
  try {
    std::unique_ptr<pqxx::connection> fresh;
    // A restarting server refuses connections for a moment.
    for (int attempt = 1; !fresh; ++attempt) {
      try {
        fresh = std::make_unique<pqxx::connection>(target_.Conninfo(
            {{"application_name", "slugwright check"}, {"connect_timeout", "10"}}));
      } catch (const pqxx::broken_connection&) {
        if (attempt == 5) return LostOutcome::kUnknown;
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
    }
    pqxx::nontransaction work(*fresh);
    // The lost session's backend may still be running (a network cut is
    // not seen by the server at once): end it, so it cannot commit after
    // the history has been read.
    std::string old = std::to_string(backend_pid_);
    work.exec("SELECT pg_terminate_backend(" + old + ") FROM pg_stat_activity WHERE pid = " +
              old);
    for (int i = 0;; ++i) {
      pqxx::result alive =
          work.exec("SELECT count(*) FROM pg_stat_activity WHERE pid = " + old);
      if (alive[0][0].as<int>() == 0) break;
      if (i == 50) return LostOutcome::kUnknown;
      work.exec("SELECT pg_sleep(0.1)");
    }
    pqxx::result r = work.exec("SELECT state, run_id FROM " + history_ +
                               " WHERE version = " + std::to_string(version));
    if (r.empty()) return LostOutcome::kRolledBack;
    if (std::string(r[0][0].c_str()) != "applied") return LostOutcome::kUnknown;
    // One row per version: another run's means this run's did not commit.
    if (!r[0][1].is_null() && !last_run_id_.empty() && r[0][1].c_str() != last_run_id_)
      return LostOutcome::kAppliedByAnotherRun;
    return LostOutcome::kApplied;
  } catch (const pqxx::undefined_table&) {
    return LostOutcome::kRolledBack;
  } catch (...) {
    return LostOutcome::kUnknown;
  }
}

void PostgresDriver::RecordRename(int64_t old_version, const Migration& renamed,
                                  const RunInfo& run) {
  std::string old_label = std::to_string(old_version);
  Exec("UPDATE " + history_ + " SET version = " + std::to_string(renamed.version) +
       ", name = " + Quote(renamed.name) + " WHERE version = " + old_label +
       " AND state = 'applied';\n" +
       EventInsert("repaired", renamed.version, renamed.name,
                   "renamed from version " + old_label, run));
}

