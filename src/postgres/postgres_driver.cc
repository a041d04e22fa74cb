#include "postgres/postgres_driver.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>
#include <thread>

#include "base/exit_codes.h"

namespace {

/// Formats seconds as a PostgreSQL interval setting in milliseconds.
std::string Millis(double seconds) {
  return std::to_string(static_cast<long long>(std::llround(seconds * 1000))) + "ms";
}

const char* kTimestampFormat = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";

std::string Utc(const std::string& column) {
  return "coalesce(to_char(" + column + " AT TIME ZONE 'UTC', " + kTimestampFormat +
         "), '')";
}

}  // namespace


PostgresDriver::PostgresDriver(DatabaseTarget target, HistoryTableName table,
                               std::string application_name, const Redactor* redactor)
    : target_(std::move(target)),
      table_name_(std::move(table)),
      keys_(LockKeysFor(table_name_)),
      application_name_(std::move(application_name)),
      redactor_(redactor) {
  history_ = table_name_.QuotedHistory();
  events_ = table_name_.QuotedEvents();
}

PostgresDriver::~PostgresDriver() {
  std::lock_guard<std::mutex> lock(connection_mutex_);
  conn_.reset();
}

std::string PostgresDriver::Describe() const { return target_.Describe(); }

void PostgresDriver::Connect() {
  std::map<std::string, std::string> settings = {
      {"application_name", application_name_},
      // This side notices a dead server within about a minute instead of
      // the kernel's two hours (the server's side of the session is set
      // up in CheckSessionIsDirect).
      {"keepalives", "1"},
      {"keepalives_idle", "30"},
      {"keepalives_interval", "10"},
      {"keepalives_count", "3"},
  };
  if (target_.Get("connect_timeout").empty()) settings["connect_timeout"] = "15";
  try {
    auto conn = std::make_unique<pqxx::connection>(target_.Conninfo(settings));
    backend_pid_ = conn->backendpid();
    standard_conforming_strings_ = -1;
    standard_conforming_strings_changed_ = false;
    std::lock_guard<std::mutex> lock(connection_mutex_);
    conn_ = std::move(conn);
  } catch (const std::exception& e) {
    std::string message = redactor_->Scrub(e.what());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    throw DatabaseError("could not connect to " + Describe() + ": " + message, "08006",
                        true);
  }
}

void PostgresDriver::Rethrow(const std::exception& e, const std::string& source_path,
                             int sql_first_line) const {
  std::string message = redactor_->Scrub(e.what());
  while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
    message.pop_back();
  if (message.rfind("ERROR:  ", 0) == 0) message = message.substr(8);
  std::string sqlstate;
  bool lost = false;
  if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    sqlstate = sql->sqlstate();
  } else if (dynamic_cast<const pqxx::broken_connection*>(&e)) {
    lost = true;
  }
  if (!source_path.empty()) {
    // The server's "LINE n:" counts from the start of the SQL we sent,
    // which begins on the migration's first SQL line.
    static const std::regex kLine(R"(LINE (\d+):)");
    std::smatch match;
    if (std::regex_search(message, match, kLine)) {
      int line = sql_first_line + std::stoi(match[1]) - 1;
      message += "\n(at " + source_path + ":" + std::to_string(line) + ")";
    }
  }
  throw DatabaseError(message, sqlstate, lost);
}

pqxx::result PostgresDriver::ExecResult(const std::string& sql,
                                       const std::string& source_path,
                                       int source_first_line) {
  if (!conn_) throw DatabaseError("not connected", "08003", true);
  if (session_lost_)
    throw DatabaseError("the connection to " + Describe() +
                            " was lost earlier in this run; not reconnecting, because a "
                            "new session would not hold the migration lock",
                        "08003", true);
  ++queries_sent_;
  pqxx::result result;
  try {
    pqxx::nontransaction work(*conn_);
    result = work.exec(sql);
  } catch (const pqxx::failure& e) {
    // A terminated backend can also surface as an SQL error (57P01) on a
    // connection that is closed by the time it is reported.
    if (dynamic_cast<const pqxx::broken_connection*>(&e) || !conn_->is_open()) {
      session_lost_ = true;
      std::string detail = redactor_->Scrub(e.what());
      while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' '))
        detail.pop_back();
      throw DatabaseError("lost the connection to " + Describe() +
                              ": the server ended the session, restarted or became "
                              "unreachable (" + detail + ")",
                          "08006", true);
    }
    Rethrow(e, source_path, source_first_line);
  }
  // libpq hands back a COPY's start as a result, not as an error; the
  // statements after it have not run.
  if (IsCopyStart(result, sql))
    FailCopyState(sql, source_path, source_first_line);
  return result;
}

PostgresDriver::Rows PostgresDriver::Exec(const std::string& sql,
                                          const std::string& source_path,
                                          int source_first_line) {
  pqxx::result result = ExecResult(sql, source_path, source_first_line);
  Rows rows;
  for (const auto& row : result) {
    std::vector<std::string> values;
    std::vector<bool> nulls;
    for (const auto& field : row) {
      nulls.push_back(field.is_null());
      values.push_back(field.is_null() ? "" : field.c_str());
    }
    rows.rows.push_back(std::move(values));
    rows.nulls.push_back(std::move(nulls));
  }
  return rows;
}

std::string PostgresDriver::Quote(const std::string& text) const {
  return conn_->quote(text);
}

std::string PostgresDriver::QuoteOrNull(const std::string& text) const {
  return text.empty() ? "NULL" : Quote(text);
}

bool PostgresDriver::StandardConformingStrings() {
  if (standard_conforming_strings_ < 0)
    standard_conforming_strings_ =
        Exec("SHOW standard_conforming_strings").rows.at(0).at(0) == "on" ? 1 : 0;
  return standard_conforming_strings_ == 1;
}

const char* ServerKeepaliveStatement() {
  return "SELECT set_config(name, CASE name WHEN 'tcp_keepalives_idle' THEN '30' "
         "WHEN 'tcp_keepalives_interval' THEN '10' WHEN 'tcp_keepalives_count' "
         "THEN '3' WHEN 'tcp_user_timeout' THEN '60000' ELSE '5000' END, false) "
         "FROM pg_settings WHERE name IN ('tcp_keepalives_idle', "
         "'tcp_keepalives_interval', 'tcp_keepalives_count', 'tcp_user_timeout', "
         "'client_connection_check_interval')";
}

void PostgresDriver::CheckSessionIsDirect(bool allow_session_pooler) {
  // libpq's PQbackendPID() comes from the BackendKeyData message. PgBouncer
  // makes up its own key for the client, so a pid that differs from what
  // the server says it is reveals a proxy in between.
  //
  // The same round trip makes the server notice a runner that vanished
  // without closing its connection (a dyno cut off the network): TCP
  // keepalives on the server's side of this session and, during a long
  // statement, a check of the client socket every 5 s (PostgreSQL 14+;
  // settings the server lacks are skipped). Otherwise the server keeps
  // the session, and the migration lock with it, for the kernel default
  // of over two hours.
  // It also reads standard_conforming_strings, for lexing the files.
  Rows session = Exec(std::string(ServerKeepaliveStatement()) +
                      "; SELECT pg_backend_pid(), current_setting('standard_conforming_strings')");
  int server_pid = std::stoi(session.rows.at(0).at(0));
  standard_conforming_strings_ = session.rows.at(0).at(1) == "on" ? 1 : 0;
  if (server_pid == conn_->backendpid()) return;
  int second_pid = std::stoi(Exec("SELECT pg_backend_pid()").rows.at(0).at(0));
  const std::string why =
      " A session advisory lock needs every statement of a run on one server "
      "session; behind a transaction pooler the lock lands on one server "
      "connection and the migrations run on others, unlocked, and the lock "
      "stays behind for whoever gets that connection next. Use a direct URL "
      "for the release phase (on Heroku, DATABASE_URL rather than "
      "DATABASE_CONNECTION_POOL_URL or the pgbouncer buildpack's local URL), "
      "or set database_url_env to a variable that holds one.";
  if (second_pid != server_pid)
    throw UserError(kExitUsage,
                    "refusing to migrate through a transaction-pooling connection "
                    "pooler (PgBouncer pool_mode=transaction?): " + Describe() +
                        " put two consecutive transactions on different server "
                        "sessions (pid " + std::to_string(server_pid) + " then " +
                        std::to_string(second_pid) + ")." + why);
  if (!allow_session_pooler)
    throw UserError(kExitUsage,
                    "refusing to migrate through a connection pooler: " + Describe() +
                        " is not a direct PostgreSQL session (the server's pid " +
                        std::to_string(server_pid) +
                        " is not the one the connection announced), so it may be "
                        "PgBouncer in transaction mode." + why +
                        " If the pooler is in session mode (pool_mode=session), "
                        "pass --allow-session-pooler.");
}

bool PostgresDriver::TryLock() {
  Rows r = Exec("SELECT pg_try_advisory_lock(" + std::to_string(keys_.classid) + ", " +
                std::to_string(keys_.objid) + ")");
  return r.rows.at(0).at(0) == "t";
}

bool PostgresDriver::Unlock() {
  Rows r = Exec("SELECT pg_advisory_unlock(" + std::to_string(keys_.classid) + ", " +
                std::to_string(keys_.objid) + ")");
  return r.rows.at(0).at(0) == "t";
}

namespace {

std::string LockFilter(const AdvisoryLockKeys& keys) {
  // The two-key form stores k1 in classid and k2 in objid, objsubid 2.
  return "l.locktype = 'advisory' AND l.database = (SELECT oid FROM pg_database "
         "WHERE datname = current_database()) AND l.classid = " +
         std::to_string(static_cast<uint32_t>(keys.classid)) +
         " AND l.objid = " + std::to_string(static_cast<uint32_t>(keys.objid)) +
         " AND l.objsubid = 2";
}

}  // namespace

namespace {

/// A session from the first columns of a row: pid, application_name,
/// backend_start, state, query_start.
LockHolder HolderOf(const std::vector<std::string>& row) {
  LockHolder h;
  h.pid = std::stoi(row[0]);
  h.application_name = row[1];
  h.backend_start = row[2];
  h.state = row[3];
  h.query_start = row[4];
  return h;
}

}  // namespace

std::vector<LockHolder> PostgresDriver::LockHolders() {
  Rows r = Exec("SELECT l.pid, coalesce(a.application_name, ''), " +
                Utc("a.backend_start") + ", coalesce(a.state, ''), " +
                Utc("a.query_start") +
                " FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE " +
                LockFilter(keys_) + " AND l.granted ORDER BY l.pid");
  std::vector<LockHolder> holders;
  for (const auto& row : r.rows) holders.push_back(HolderOf(row));
  return holders;
}

bool PostgresDriver::LockHasWaiters() {
  Rows r = Exec("SELECT count(*) FROM pg_locks l WHERE " + LockFilter(keys_) +
                " AND NOT l.granted");
  return r.rows.at(0).at(0) != "0";
}

namespace {

/// A text-format field of a history row: the server's text as a view
/// into libpq's result, without a copy.
std::string_view FieldText(const pqxx::field& field) {
  return std::string_view(field.c_str(), field.size());
}

/// The integer a history column holds; false for anything else.
template <typename Integer>
bool ParseInteger(std::string_view text, Integer* value) {
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, *value);
  return error == std::errc() && stop == end;
}

/// Appends `value` in decimal, at least `width` digits.
void AppendDigits(long long value, int width, std::string* out) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0);
  for (int i = n; i < width; ++i) out->push_back('0');
  while (n > 0) out->push_back(digits[--n]);
}

/// `seconds` since 1970 as to_char(t AT TIME ZONE 'UTC',
/// 'YYYY-MM-DD"T"HH24:MI:SS"Z"') writes it (a year BC as its number
/// without the era, as YYYY does). Reading the epoch and formatting it
/// here spares the server a to_char per history row (12 ms at 10,000);
/// arithmetic rather than gmtime_r and snprintf, which cost more than the
/// rest of the row.
std::string UtcTimestamp(int64_t seconds) {
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t second_of_day = seconds - days * 86400;
  // The proleptic Gregorian date of `days` since 1970-01-01, counted in
  // 400-year eras that start on March 1st (so the leap day ends a year).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t day_of_era = z - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t month_from_march = (5 * day_of_year + 2) / 153;
  int64_t day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
  int64_t month = month_from_march < 10 ? month_from_march + 3 : month_from_march - 9;
  int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  if (year <= 0) year = 1 - year;
  std::string text;
  text.reserve(24);
  AppendDigits(year, 4, &text);
  text.push_back('-');
  AppendDigits(month, 2, &text);
  text.push_back('-');
  AppendDigits(day, 2, &text);
  text.push_back('T');
  AppendDigits(second_of_day / 3600, 2, &text);
  text.push_back(':');
  AppendDigits(second_of_day / 60 % 60, 2, &text);
  text.push_back(':');
  AppendDigits(second_of_day % 60, 2, &text);
  text.push_back('Z');
  return text;
}

}  // namespace

bool PostgresDriver::QueryHistory(const std::string& sql, pqxx::result* result) {
  try {
    *result = ExecResult(sql);
  } catch (const DatabaseError& e) {
    // No history table yet (or not even its schema): nothing applied.
    if (e.sqlstate() == "42P01" || e.sqlstate() == "3F000") return false;
    throw;
  }
  return true;
}

bool PostgresDriver::ReadHistory(std::vector<HistoryRow>* rows) {
  rows->clear();
  pqxx::result r;
  if (!QueryHistory("SELECT version, name, checksum, state, in_transaction, statements_total, "
                    "statements_done, CASE WHEN isfinite(applied_at) THEN "
                    "floor(extract(epoch FROM applied_at))::bigint END"
                    ", coalesce(execution_ms, 0), coalesce(release, ''), coalesce(app, ''), "
                    "out_of_order, coalesce(error, '') FROM " + history_ + " ORDER BY version",
                    &r))
    return false;
  // Straight from libpq's result: a history of 10,000 rows is read on
  // every release, usually to find nothing pending.
  rows->reserve(r.size());
  bool formatted_one = false;
  int64_t last_applied_at = 0;
  std::string last_applied_text;
  for (const pqxx::row& v : r) {
    HistoryRow row;
    std::string_view state = FieldText(v[3]);
    if (!ParseInteger(FieldText(v[0]), &row.version) ||
        !ParseInteger(FieldText(v[5]), &row.statements_total) ||
        !ParseInteger(FieldText(v[6]), &row.statements_done))
      throw DatabaseError("the history table " + table_name_.Qualified() +
                              " has a row that is not a slugwright history row (version " +
                              std::string(FieldText(v[0])) + ")",
                          "", false);
    if (!ParseMigrationState(std::string(state), &row.state))
      throw DatabaseError("the history table " + table_name_.Qualified() +
                              " has an unknown state `" + std::string(state) +
                              "` for version " + std::string(FieldText(v[0])),
                          "", false);
    row.name.assign(FieldText(v[1]));
    row.checksum.assign(FieldText(v[2]));
    row.in_transaction = FieldText(v[4]) == "t";
    int64_t applied_at = 0;
    if (!v[7].is_null() && ParseInteger(FieldText(v[7]), &applied_at)) {
      // A release applies its migrations within a few seconds: most rows
      // have the previous row's time.
      if (!formatted_one || applied_at != last_applied_at) {
        formatted_one = true;
        last_applied_at = applied_at;
        last_applied_text = UtcTimestamp(applied_at);
      }
      row.applied_at = last_applied_text;
    }
    std::string_view execution_ms = FieldText(v[8]);
    std::from_chars(execution_ms.data(), execution_ms.data() + execution_ms.size(),
                    row.execution_ms);
    row.release.assign(FieldText(v[9]));
    row.app.assign(FieldText(v[10]));
    row.out_of_order = FieldText(v[11]) == "t";
    row.error.assign(FieldText(v[12]));
    rows->push_back(std::move(row));
  }
  return true;
}

bool PostgresDriver::ReadHistoryChecksums(std::vector<HistoryChecksum>* rows) {
  rows->clear();
  // One field for the whole history, each row as `<version> <a|u> <bytes>
  // <checksum>`: libpq and pqxx then cost nothing per row (half the
  // client's work for 10,000 rows), and the length prefix holds any
  // checksum text. The rows come from the primary key's index in version
  // order (an ORDER BY inside string_agg would sort them again: 7.6 vs 6.0
  // ms on the server for 10,000); they are sorted here if not.
  pqxx::result r;
  if (!QueryHistory("SELECT string_agg(version::text || CASE WHEN state = 'applied' THEN ' a ' "
                    "ELSE ' u ' END || octet_length(checksum)::text || ' ' || checksum, '') "
                    "FROM (SELECT version, state, checksum FROM " + history_ +
                    " ORDER BY version) h",
                    &r))
    return false;
  if (r.empty() || r[0][0].is_null()) return true;  // no rows
  std::string_view text = FieldText(r[0][0]);
  auto bad = [&] {
    return DatabaseError("the history table " + table_name_.Qualified() +
                             " has a row that is not a slugwright history row (near `" +
                             std::string(text.substr(0, 40)) + "`)",
                         "", false);
  };
  // The next space-terminated field of `text`.
  auto next = [&](std::string_view* field) {
    size_t space = text.find(' ');
    if (space == std::string_view::npos) return false;
    *field = text.substr(0, space);
    text.remove_prefix(space + 1);
    return true;
  };
  while (!text.empty()) {
    HistoryChecksum& row = rows->emplace_back();
    std::string_view version, state, bytes;
    size_t length = 0;
    if (!next(&version) || !ParseInteger(version, &row.version) || !next(&state) ||
        (state != "a" && state != "u") || !next(&bytes) || !ParseInteger(bytes, &length) ||
        length > text.size())
      throw bad();
    row.applied = state == "a";
    row.checksum.assign(text.substr(0, length));
    text.remove_prefix(length);
  }
  auto by_version = [](const HistoryChecksum& a, const HistoryChecksum& b) {
    return a.version < b.version;
  };
  if (!std::is_sorted(rows->begin(), rows->end(), by_version))
    std::stable_sort(rows->begin(), rows->end(), by_version);
  return true;
}

void PostgresDriver::CreateHistoryTables() { Exec(HistoryTablesDdl(table_name_)); }

void PostgresDriver::SetTimeouts(double lock_timeout, double statement_timeout) {
  std::string set = "SET lock_timeout = '" + Millis(lock_timeout) +
                    "'; SET statement_timeout = '" + Millis(statement_timeout) + "'";
  Exec(set);
  timeout_prefix_ = set + "; ";
}

void PostgresDriver::NoteIfItSetsStandardConformingStrings(const std::string& sql) {
  static const std::string kName = "standard_conforming_strings";
  auto same = [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  };
  if (std::search(sql.begin(), sql.end(), kName.begin(), kName.end(), same) != sql.end())
    standard_conforming_strings_changed_ = true;
}

void PostgresDriver::RestoreStandardConformingStrings() {
  // A round trip of its own: the server lexes a whole query message before
  // running any of it, so a SET in front of the migration's SQL would come
  // too late for that SQL's strings.
  if (!standard_conforming_strings_changed_ || standard_conforming_strings_ < 0) return;
  Exec(std::string("SET standard_conforming_strings = ") +
       (standard_conforming_strings_ ? "on" : "off"));
  standard_conforming_strings_changed_ = false;
}

void PostgresDriver::Begin() { Exec("BEGIN"); }
void PostgresDriver::Commit() { Exec("COMMIT"); }

void PostgresDriver::Rollback() {
  try {
    Exec("ROLLBACK");
  } catch (const std::exception&) {
    // A lost session has rolled back on the server already.
  }
}

std::string PostgresDriver::EventInsert(const std::string& event, int64_t version,
                                        const std::string& name,
                                        const std::string& detail,
                                        const RunInfo& run) const {
  return "INSERT INTO " + events_ +
         " (run_id, event, version, name, release, app, runner, detail) VALUES (" +
         Quote(run.run_id) + ", " + Quote(event) + ", " +
         (version ? std::to_string(version) : "NULL") + ", " + QuoteOrNull(name) + ", " +
         QuoteOrNull(run.release) + ", " + QuoteOrNull(run.app) + ", " +
         QuoteOrNull(run.runner) + ", " + QuoteOrNull(redactor_->Scrub(detail)) + ")";
}

std::string PostgresDriver::HistoryInsert(const Migration& m, const char* state,
                                          bool in_transaction, int statements_total,
                                          bool out_of_order, const RunInfo& run) const {
  // statement_timestamp() is when the server received this query message,
  // which starts with the migration: the difference is its run time
  // without a round trip to measure it.
  return "INSERT INTO " + history_ +
         " (version, name, checksum, state, in_transaction, statements_total, "
         "statements_done, applied_at, execution_ms, release, app, out_of_order, run_id, "
         "runner) VALUES (" +
         std::to_string(m.version) + ", " + Quote(m.name) + ", " + Quote(m.checksum) +
         ", '" + state + "', " + (in_transaction ? "true" : "false") + ", " +
         std::to_string(statements_total) + ", 0, clock_timestamp(), " +
         "1000 * extract(epoch FROM clock_timestamp() - statement_timestamp()), " +
         QuoteOrNull(run.release) + ", " + QuoteOrNull(run.app) + ", " +
         (out_of_order ? "true" : "false") + ", " + Quote(run.run_id) + ", " +
         QuoteOrNull(run.runner) + ")";
}

void PostgresDriver::ApplyUp(const Migration& m, bool out_of_order, const RunInfo& run,
                             Wrap wrap) {
  RestoreStandardConformingStrings();
  NoteIfItSetsStandardConformingStrings(m.up_sql);
  last_run_id_ = run.run_id;
  bool own = wrap == Wrap::kOwnTransaction;
  // "BEGIN; " shares the SQL's first line, so the server's LINE numbers
  // are the SQL's. The SQL is closed by a newline and `;` in case it ends
  // in a -- comment or lacks its final semicolon.
  std::string sql = (own ? "BEGIN; " : "") + timeout_prefix_ + m.up_sql + "\n;\n" +
                    HistoryInsert(m, "applied", true, 0, out_of_order, run) + ";\n" +
                    EventInsert("applied", m.version, m.name, "", run) + ";\n" +
                    (own ? "COMMIT;" : "");
  try {
    Exec(sql, m.up_path, m.up_first_line);
  } catch (const DatabaseError& e) {
    if (own && !e.connection_lost()) Rollback();
    throw;
  }
}

void PostgresDriver::ApplyDown(const Migration& m, const RunInfo& run, Wrap wrap) {
  RestoreStandardConformingStrings();
  NoteIfItSetsStandardConformingStrings(m.down_sql);
  bool own = wrap == Wrap::kOwnTransaction;
  std::string sql = (own ? "BEGIN; " : "") + timeout_prefix_ + m.down_sql + "\n;\n" +
                    "DELETE FROM " +
                    history_ + " WHERE version = " + std::to_string(m.version) + ";\n" +
                    EventInsert("reverted", m.version, m.name, "", run) + ";\n" +
                    (own ? "COMMIT;" : "");
  try {
    Exec(sql, m.down_path, m.down_first_line);
  } catch (const DatabaseError& e) {
    if (own && !e.connection_lost()) Rollback();
    throw;
  }
}

void PostgresDriver::StartUnfinished(const Migration& m, int statements_total,
                                     bool out_of_order, const RunInfo& run) {
  RestoreStandardConformingStrings();
  last_run_id_ = run.run_id;
  Exec(timeout_prefix_ +
       HistoryInsert(m, "started", false, statements_total, out_of_order, run) + ";\n" +
       EventInsert("started", m.version, m.name,
                   std::to_string(statements_total) + " statements", run));
}

void PostgresDriver::ExecuteStatement(const std::string& sql) {
  NoteIfItSetsStandardConformingStrings(sql);
  Exec(sql);
}

void PostgresDriver::RecordProgress(int64_t version, int statements_done) {
  Exec("UPDATE " + history_ + " SET statements_done = " +
       std::to_string(statements_done) + " WHERE version = " + std::to_string(version));
}

void PostgresDriver::FinishUnfinished(const Migration& m, const RunInfo& run) {
  Exec("UPDATE " + history_ +
       " SET state = 'applied', statements_done = statements_total, execution_ms = "
       "1000 * extract(epoch FROM clock_timestamp() - applied_at), applied_at = "
       "clock_timestamp() WHERE version = " +
       std::to_string(m.version) + ";\n" + EventInsert("applied", m.version, m.name, "", run));
}

void PostgresDriver::FailUnfinished(const Migration& m, int statements_done,
                                    const std::string& error, const RunInfo& run) {
  std::string where = " WHERE version = " + std::to_string(m.version);
  std::string change =
      statements_done == 0
          ? "DELETE FROM " + history_ + where
          : "UPDATE " + history_ + " SET state = 'failed', statements_done = " +
                std::to_string(statements_done) + ", error = " +
                Quote(redactor_->Scrub(error)) + where;
  Exec(change + ";\n" + EventInsert("failed", m.version, m.name, error, run));
}

void PostgresDriver::ForgetMigration(const Migration& m, const RunInfo& run) {
  Exec("DELETE FROM " + history_ + " WHERE version = " + std::to_string(m.version) +
       ";\n" + EventInsert("reverted", m.version, m.name, "", run));
}

void PostgresDriver::DeleteHistoryRow(int64_t version, const std::string& detail,
                                      const RunInfo& run) {
  Exec("DELETE FROM " + history_ + " WHERE version = " + std::to_string(version) + ";\n" +
       EventInsert("repaired", version, "", detail, run));
}

void PostgresDriver::MarkApplied(int64_t version, const std::string& checksum,
                                 const RunInfo& run) {
  Exec("UPDATE " + history_ + " SET state = 'applied', statements_done = "
       "statements_total, error = NULL, checksum = " + Quote(checksum) +
       " WHERE version = " + std::to_string(version) + ";\n" +
       EventInsert("repaired", version, "", "marked applied", run));
}

void PostgresDriver::UpdateChecksum(int64_t version, const std::string& checksum,
                                    const RunInfo& run) {
  Exec("UPDATE " + history_ + " SET checksum = " + Quote(checksum) +
       " WHERE version = " + std::to_string(version) + ";\n" +
       EventInsert("repaired", version, "", "checksum set to " + checksum, run));
}

void PostgresDriver::RecordEvent(const std::string& event, int64_t version,
                                 const std::string& name, const std::string& detail,
                                 const RunInfo& run) noexcept {
  try {
    Exec(EventInsert(event, version, name, detail, run));
  } catch (const std::exception&) {
    // Best effort: the event log must not hide the error being reported.
  }
}

std::vector<std::string> PostgresDriver::InvalidIndexes() {
  Rows r = Exec("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid "
                "ORDER BY 1");
  std::vector<std::string> names;
  for (const auto& row : r.rows) names.push_back(row[0]);
  return names;
}

std::vector<LockHolder> PostgresDriver::RelationLockHolders(const std::vector<SqlName>& relations) {
  if (relations.empty()) return {};
  std::string oids;
  for (const SqlName& r : relations)
    oids += std::string(oids.empty() ? "" : ", ") + "to_regclass(" +
            (r.schema.empty() ? "format('%I', " + Quote(r.name) + ")"
                              : "format('%I.%I', " + Quote(r.schema) + ", " + Quote(r.name) + ")") +
            ")";
  Rows r = Exec("SELECT l.pid, coalesce(a.application_name, ''), " + Utc("a.backend_start") +
                ", coalesce(a.state, ''), " + Utc("a.query_start") +
                ", l.relation::regclass::text, l.mode, left(coalesce(a.query, ''), 200)"
                " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.granted AND l.locktype = 'relation' AND l.pid <> pg_backend_pid()"
                " AND l.relation IN (" + oids + ") ORDER BY l.pid, l.mode");
  std::vector<LockHolder> holders;
  for (const auto& row : r.rows) {
    LockHolder h = HolderOf(row);
    h.relation = row[5];
    h.mode = row[6];
    h.query = redactor_->Scrub(row[7]);
    holders.push_back(h);
  }
  return holders;
}

std::vector<std::vector<std::string>> PostgresDriver::Inspect(const std::string& sql) {
  return Exec(sql).rows;
}

std::string PostgresDriver::BlockedBy() noexcept {
  int pid = 0;
  {
    std::lock_guard<std::mutex> lock(connection_mutex_);
    if (!conn_) return "";
    pid = conn_->backendpid();
  }
  try {
    pqxx::connection probe(target_.Conninfo(
        {{"application_name", "slugwright progress"}, {"connect_timeout", "5"}}));
    pqxx::nontransaction tx(probe);
    pqxx::result rows = tx.exec(
        "SELECT b.pid, b.application_name, b.state FROM pg_stat_activity b WHERE b.pid = "
        "ANY (pg_blocking_pids(" + std::to_string(pid) + ")) ORDER BY b.pid");
    std::string holders;
    for (const auto& row : rows)
      holders += std::string(holders.empty() ? "" : ", ") + "pid " + row[0].c_str() + " (" +
                 (row[1].c_str()[0] ? row[1].c_str() : "no application_name") + ", " +
                 row[2].c_str() + ")";
    return redactor_->Scrub(holders);
  } catch (...) {
    return "";  // progress must not fail the migration
  }
}

void PostgresDriver::Cancel() noexcept {
  std::lock_guard<std::mutex> lock(connection_mutex_);
  if (!conn_) return;
  try {
    conn_->cancel_query();
  } catch (...) {
    // Nothing to cancel, or the server is gone: either way, done.
  }
}

// ---------------------------------------------------------------------------
// Adoption of another tool's history (tools/foreign_history.h).

namespace {

/// An identifier quoted for SQL, exactly as spelled ("SequelizeMeta").
std::string QuoteIdentifier(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

void PostgresDriver::RecordAdopted(const Migration& m, const std::string& detail,
                                   const RunInfo& run) {
  Exec(HistoryInsert(m, "applied", true, 0, false, run) + ";\n" +
       EventInsert("adopted", m.version, m.name, detail, run));
}

std::map<std::string, std::vector<std::string>> PostgresDriver::ForeignTableColumns(
    const std::vector<std::string>& tables) {
  std::map<std::string, std::vector<std::string>> found;
  if (tables.empty()) return found;
  std::string names;
  for (const auto& t : tables) names += (names.empty() ? "" : ", ") + Quote(t);
  Rows r = Exec("SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON "
                "a.attrelid = c.oid WHERE c.relnamespace = current_schema()::regnamespace "
                "AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND "
                "c.relname IN (" + names + ") ORDER BY c.relname, a.attnum");
  for (const auto& row : r.rows) found[row[0]].push_back(row[1]);
  return found;
}

std::vector<std::vector<std::string>> PostgresDriver::ReadForeignTable(
    const std::string& table, const std::vector<std::string>& columns) {
  std::string select;
  for (const auto& c : columns)
    select += (select.empty() ? "" : ", ") + QuoteIdentifier(c) + "::text";
  return Exec("SELECT " + select + " FROM " + QuoteIdentifier(table)).rows;
}
