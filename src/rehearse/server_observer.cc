#include "rehearse/server_observer.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <regex>

#include "postgres/sql_session.h"
#include "tools/foreign_history.h"

namespace {

/// The size of the file at `path` (where a log reader starts or stops);
/// -1 when it cannot be opened.
long long FileEnd(const std::string& path) {
  std::ifstream file(path, std::ios::ate | std::ios::binary);
  return file ? static_cast<long long>(file.tellg()) : -1;
}

// The log table, and the functions the event triggers and the history
// table's row trigger run: every row names the session's pid and
// application_name, so slugwright's own sessions are left out on reading.
const char* kInstallSql = R"SQL(
CREATE SCHEMA slugwright_rehearse;
CREATE TABLE slugwright_rehearse.log (
  id bigserial PRIMARY KEY, at double precision NOT NULL, pid int NOT NULL,
  application_name text NOT NULL, kind text NOT NULL, tag text, object_type text,
  object text, query text, reason int, bytes_before bigint);
GRANT USAGE ON SCHEMA slugwright_rehearse TO PUBLIC;
GRANT INSERT ON slugwright_rehearse.log TO PUBLIC;
GRANT USAGE ON SEQUENCE slugwright_rehearse.log_id_seq TO PUBLIC;
CREATE FUNCTION slugwright_rehearse.on_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO slugwright_rehearse.log
    (at, pid, application_name, kind, tag, object_type, object, query)
  SELECT extract(epoch FROM clock_timestamp()), pg_backend_pid(),
         current_setting('application_name'), 'ddl', d.command_tag, d.object_type,
         d.object_identity, current_query()
  FROM pg_event_trigger_ddl_commands() d
  WHERE d.schema_name IS DISTINCT FROM 'slugwright_rehearse';
END $$;
-- Dropped objects are not among pg_event_trigger_ddl_commands(): the
-- object a DROP names (not what goes with it), as a DDL row of its own.
CREATE FUNCTION slugwright_rehearse.on_drop() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO slugwright_rehearse.log
    (at, pid, application_name, kind, tag, object_type, object, query)
  SELECT extract(epoch FROM clock_timestamp()), pg_backend_pid(),
         current_setting('application_name'), 'ddl', tg_tag, d.object_type,
         d.object_identity, current_query()
  FROM pg_event_trigger_dropped_objects() d
  WHERE d.original AND d.schema_name IS DISTINCT FROM 'slugwright_rehearse';
END $$;
CREATE FUNCTION slugwright_rehearse.on_rewrite() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO slugwright_rehearse.log
    (at, pid, application_name, kind, tag, object, reason, bytes_before)
  SELECT extract(epoch FROM clock_timestamp()), pg_backend_pid(),
         current_setting('application_name'), 'rewrite', tg_tag,
         quote_ident(n.nspname) || '.' || quote_ident(c.relname),
         pg_event_trigger_table_rewrite_reason(), pg_table_size(c.oid)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = pg_event_trigger_table_rewrite_oid();
END $$;
CREATE FUNCTION slugwright_rehearse.on_history_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO slugwright_rehearse.log (at, pid, application_name, kind, object)
  VALUES (extract(epoch FROM clock_timestamp()), pg_backend_pid(),
          current_setting('application_name'), 'history', to_jsonb(NEW) ->> TG_ARGV[0]);
  RETURN NULL;
END $$;
CREATE EVENT TRIGGER slugwright_rehearse_ddl ON ddl_command_end
  EXECUTE PROCEDURE slugwright_rehearse.on_ddl();
CREATE EVENT TRIGGER slugwright_rehearse_rewrite ON table_rewrite
  EXECUTE PROCEDURE slugwright_rehearse.on_rewrite();
CREATE EVENT TRIGGER slugwright_rehearse_drop ON sql_drop
  EXECUTE PROCEDURE slugwright_rehearse.on_drop();
)SQL";

const char* kUninstallSql =
    "DROP EVENT TRIGGER IF EXISTS slugwright_rehearse_ddl; "
    "DROP EVENT TRIGGER IF EXISTS slugwright_rehearse_rewrite; "
    "DROP EVENT TRIGGER IF EXISTS slugwright_rehearse_drop; "
    "DROP SCHEMA IF EXISTS slugwright_rehearse CASCADE";

void SleepFor(double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

double Epoch(SqlSession* session) {
  return std::stod(session->Scalar("SELECT extract(epoch FROM clock_timestamp())"));
}

}  // namespace

PostgresServerObserver::PostgresServerObserver(std::string conninfo,
                                               ServerObserverOptions options)
    : conninfo_(std::move(conninfo)), options_(std::move(options)) {}

PostgresServerObserver::~PostgresServerObserver() {
  Stop();
  Uninstall();
}

void PostgresServerObserver::Start() {
  main_ = std::make_unique<SqlSession>(conninfo_);
  sampler_session_ = std::make_unique<SqlSession>(conninfo_);
  own_pids_ = {main_->BackendPid(), sampler_session_->BackendPid()};
  ignored_ = options_.own_tables;
  Install();
  if (!options_.server_log_path.empty()) log_offset_ = std::max(0LL, FileEnd(options_.server_log_path));
  started_at_ = Epoch(main_.get());
  sampler_ = std::thread([this] { SampleLocks(); });
  if (options_.probe) {
    probe_session_ = std::make_unique<SqlSession>(conninfo_);
    own_pids_.insert(probe_session_->BackendPid());
    prober_ = std::thread([this] { Probe(); });
  }
}

void PostgresServerObserver::Install() {
  try {
    main_->Query(kInstallSql);
    installed_ = true;
    // Sessions that start from now on (the tool's, not these) log every
    // statement that changes the schema or data; only where the log is
    // read (the embedded cluster).
    if (!options_.server_log_path.empty()) {
      main_->Query("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET log_statement = ''mod''', "
                   "current_database()); END $$");
      statements_logged_ = true;
    }
  } catch (const std::exception& e) {
    notes_.push_back(std::string("the DDL it ran and its rewrites were not observed (event "
                                 "triggers need a superuser on the copy): ") + e.what());
    try {
      main_->Query(kUninstallSql);
    } catch (const std::exception&) {
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  history_watched_ = WatchHistoryTable(main_.get());
}

bool PostgresServerObserver::WatchHistoryTable(SqlSession* session) {
  if (!installed_) return false;
  std::string names;
  for (const std::string& t : ForeignTablesToLookFor())
    names += (names.empty() ? "" : ", ") + session->Quote(t);
  SqlSession::Rows rows = session->Query(
      "SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
      "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') "
      "AND a.attnum > 0 AND NOT a.attisdropped AND c.relname IN (" + names + ") "
      "ORDER BY c.relname, a.attnum");
  std::map<std::string, std::vector<std::string>> tables;
  for (const auto& row : rows) tables[row[0]].push_back(row[1]);
  std::vector<ForeignTool> tools = DetectForeignTools(tables);
  if (tools.empty()) return false;
  const ForeignToolInfo& info = InfoFor(tools.front());
  std::string table = session->Scalar("SELECT quote_ident(current_schema()) || '.' || "
                                      "quote_ident(" + session->Quote(info.table) + ")");
  session->Query("CREATE TRIGGER slugwright_rehearse_history AFTER INSERT ON " + table +
                 " FOR EACH ROW EXECUTE PROCEDURE slugwright_rehearse.on_history_row(" +
                 session->Quote(info.columns.front()) + ")");
  history_table_ = table;
  history_name_ = info.table;
  ignored_.insert(table);
  return true;
}

void PostgresServerObserver::SampleLocks() {
  std::string own_pids;
  for (int pid : own_pids_) own_pids += (own_pids.empty() ? "" : ", ") + std::to_string(pid);
  const std::string sql =
      "SELECT extract(epoch FROM statement_timestamp())::text, "
      "quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind, l.mode "
      "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
      "JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE l.locktype = 'relation' AND l.granted AND a.datname = current_database() "
      "AND a.pid NOT IN (" + own_pids + ") AND a.application_name NOT LIKE " +
      sampler_session_->Quote(options_.own_application_prefix + "%") +
      " AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' "
      "AND n.nspname <> 'slugwright_rehearse'";
  int ticks = 0;
  while (!stop_) {
    try {
      SqlSession::Rows rows = sampler_session_->Query(sql);
      std::lock_guard<std::mutex> lock(mutex_);
      if (!history_watched_ && ++ticks % 10 == 0)
        history_watched_ = WatchHistoryTable(sampler_session_.get());
      for (const auto& row : rows) {
        if (ignored_.count(row[1]) || row[2].empty()) continue;
        locks_.push_back({std::stod(row[0]), row[1], row[2][0], row[3]});
        if (row[2] == "r" || row[2] == "p" || row[2] == "m") touched_.insert(row[1]);
      }
    } catch (const std::exception&) {
      // A relation dropped between the join's reads; the next sample sees.
    }
    SleepFor(options_.lock_interval_seconds);
  }
}

void PostgresServerObserver::ProbeTable(const std::string& table, bool write) {
  SqlSession* s = probe_session_.get();
  double at = Epoch(s);
  bool ok = true;
  try {
    s->Query("BEGIN; SET LOCAL lock_timeout = '" + std::to_string(options_.probe_lock_timeout_ms) +
             "ms'; " + (write ? "DELETE FROM " + table + " WHERE false" :
                                "SELECT 1 FROM " + table + " LIMIT 1") + "; ROLLBACK");
  } catch (const SqlSession::Error& e) {
    s->Query("ROLLBACK");
    ok = e.sqlstate != "55P03";
    if (ok) return;  // e.g. dropped: not a wait
  }
  std::lock_guard<std::mutex> lock(mutex_);
  probes_.push_back({at, table, write, ok});
}

void PostgresServerObserver::Probe() {
  size_t known = 0;
  while (!stop_) {
    std::set<std::string> tables;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tables = touched_;
    }
    known = tables.size();
    try {
      for (const std::string& t : tables) {
        ProbeTable(t, false);
        ProbeTable(t, true);
      }
    } catch (const std::exception&) {
      // The probe session is only a measurement; it keeps going.
    }
    // A table the tool just locked is probed at once, not a round later.
    for (double slept = 0; slept < options_.probe_interval_seconds && !stop_; slept += 0.01) {
      SleepFor(0.01);
      std::lock_guard<std::mutex> lock(mutex_);
      if (touched_.size() != known) break;
    }
  }
}

void PostgresServerObserver::Stop() {
  stop_ = true;
  if (sampler_.joinable()) sampler_.join();
  if (prober_.joinable()) prober_.join();
}

std::vector<ServerEvent> PostgresServerObserver::ReadEvents() {
  std::vector<ServerEvent> events;
  if (!installed_) return events;
  SqlSession::Rows rows = main_->Query(
      "SELECT at::text, kind, coalesce(tag, ''), coalesce(object_type, ''), "
      "coalesce(object, ''), coalesce(query, ''), coalesce(reason, 0), "
      "coalesce(bytes_before, -1) FROM slugwright_rehearse.log WHERE application_name NOT LIKE " +
      main_->Quote(options_.own_application_prefix + "%") + " ORDER BY at, id");
  for (const auto& row : rows) {
    ServerEvent e;
    e.at = std::stod(row[0]);
    e.kind = row[1] == "history"   ? ServerEvent::Kind::kHistoryRow
             : row[1] == "rewrite" ? ServerEvent::Kind::kRewrite
                                   : ServerEvent::Kind::kDdl;
    e.tag = row[2];
    e.object_type = row[3];
    e.object = row[4];
    e.query = row[5];
    if (e.kind == ServerEvent::Kind::kRewrite) e.reason = RewriteReasonText(std::stoi(row[6]));
    e.bytes_before = std::stoll(row[7]);
    if (e.kind != ServerEvent::Kind::kHistoryRow && ignored_.count(e.object)) continue;
    events.push_back(std::move(e));
  }
  return events;
}

std::vector<RelationFacts> PostgresServerObserver::ReadFacts(
    const std::vector<ServerEvent>& events) {
  std::set<std::string> names;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    names = touched_;
  }
  // Relations only: a column's identity ("public.orders.status", of a
  // RENAME COLUMN) is no name to_regclass takes.
  for (const ServerEvent& e : events)
    if (!e.object.empty() &&
        (e.kind == ServerEvent::Kind::kRewrite ||
         (e.kind == ServerEvent::Kind::kDdl &&
          (e.object_type == "table" || e.object_type == "index" ||
           e.object_type == "materialized view"))))
      names.insert(e.object);
  std::vector<RelationFacts> facts;
  if (names.empty()) return facts;
  std::string array;
  for (const std::string& n : names) array += (array.empty() ? "" : ", ") + main_->Quote(n);
  SqlSession::Rows rows = main_->Query(
      "SELECT u.r, c.relkind, coalesce(quote_ident(tn.nspname) || '.' || "
      "quote_ident(t.relname), ''), CASE WHEN c.relkind IN ('r', 'm') THEN pg_table_size(c.oid) "
      "WHEN c.relkind = 'i' THEN pg_relation_size(c.oid) ELSE -1 END, "
      "CASE WHEN c.relkind IN ('r', 'm') AND pg_table_size(c.oid) > 268435456 "
      "THEN c.reltuples::bigint ELSE -1 END "
      "FROM unnest(ARRAY[" + array + "]::text[]) AS u(r) "
      "JOIN pg_class c ON c.oid = to_regclass(u.r) "
      "LEFT JOIN pg_index x ON x.indexrelid = c.oid LEFT JOIN pg_class t ON t.oid = x.indrelid "
      "LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace");
  for (const auto& row : rows) {
    RelationFacts f{row[0], row[1].empty() ? 'r' : row[1][0], row[2], std::stoll(row[3]),
                    std::stoll(row[4])};
    if ((f.kind == 'r' || f.kind == 'm') && f.rows < 0)
      f.rows = std::stoll(main_->Scalar("SELECT count(*) FROM " + f.relation));
    facts.push_back(f);
  }
  return facts;
}

/// The last error of one of the tool's sessions in the embedded server's
/// log (log_error_verbosity = verbose puts the SQLSTATE after ERROR:).
void PostgresServerObserver::ReadServerLog(ServerObservationInput* input) {
  if (options_.server_log_path.empty()) return;
  std::ifstream log(options_.server_log_path, std::ios::binary);
  if (!log) return;
  log.seekg(log_offset_);
  static const std::regex kError(R"(\[(\d+)\] (?:.*? )?ERROR:  ([0-9A-Z]{5}): (.*))");
  static const std::regex kStatement(R"(\[(\d+)\] (?:.*? )?STATEMENT:  (.*))");
  std::string line;
  int error_pid = 0;
  // The STATEMENT line after an error (log_min_error_statement), and its
  // continuation lines (a tab first), belong to that error.
  bool in_statement = false;
  for (;;) {
    // An error of a revert after the tool's run is not the tool's.
    long long at = static_cast<long long>(log.tellg());
    if ((tool_log_end_ >= 0 && at >= tool_log_end_) || !std::getline(log, line)) break;
    if (in_statement && !line.empty() && line[0] == '\t') {
      input->failed_statement += "\n" + line.substr(1);
      continue;
    }
    in_statement = false;
    std::smatch m;
    if (error_pid && std::regex_search(line, m, kStatement) && std::stoi(m[1]) == error_pid) {
      input->failed_statement = m[2];
      in_statement = true;
      continue;
    }
    if (!std::regex_search(line, m, kError) || own_pids_.count(std::stoi(m[1]))) continue;
    error_pid = std::stoi(m[1]);
    input->sqlstate = m[2];
    input->error = m[3];
    input->failed_statement.clear();
  }
}

long long PostgresServerObserver::LogMarkerOffset() {
  // The server's log collector writes what the backends sent it in order,
  // but later than they sent it: a line logged now follows every line of
  // the tool's, which has exited, once it is in the file.
  std::string marker = "slugwright rehearse: the tool exited " + std::to_string(::getpid()) +
                       "." + std::to_string(log_offset_);
  main_->Query("DO $$ BEGIN RAISE LOG '%', " + main_->Quote(marker) + "; END $$");
  for (int waited_ms = 0; waited_ms < 5000; waited_ms += 10) {
    std::ifstream log(options_.server_log_path, std::ios::binary);
    log.seekg(log_offset_);
    std::string line;
    for (long long at = log_offset_; std::getline(log, line);
         at = static_cast<long long>(log.tellg()))
      if (line.find(marker) != std::string::npos) return at;
    SleepFor(0.01);
  }
  return FileEnd(options_.server_log_path);
}

void PostgresServerObserver::ReadSentStatements(ServerObservationInput* input) {
  if (!statements_logged_) return;
  std::ifstream log(options_.server_log_path, std::ios::binary);
  if (!log) return;
  log.seekg(log_offset_);
  // "... [pid] application LOG:  00000: statement: ..." (simple query) or
  // "execute <unnamed>: ..." (extended protocol); the SQLSTATE is there
  // with log_error_verbosity = verbose. A statement's further lines start
  // with a tab.
  static const std::regex kSent(
      R"(\[(\d+)\] (.*?)LOG:  (?:[0-9A-Z]{5}: )?(?:statement|execute [^:]*): (.*))");
  std::vector<std::pair<int, std::string>> sent;
  bool in_statement = false;
  std::string line;
  for (;;) {
    long long at = static_cast<long long>(log.tellg());
    if ((tool_log_end_ >= 0 && at >= tool_log_end_) || !std::getline(log, line)) break;
    if (in_statement && !line.empty() && line[0] == '\t') {
      sent.back().second += "\n" + line.substr(1);
      continue;
    }
    in_statement = false;
    std::smatch m;
    if (!std::regex_search(line, m, kSent)) continue;
    int pid = std::stoi(m[1]);
    if (own_pids_.count(pid) || m[2].str().rfind(options_.own_application_prefix, 0) == 0)
      continue;
    sent.emplace_back(pid, m[3]);
    in_statement = true;
  }
  input->sent_logged = true;
  for (const auto& [pid, text] : sent)
    input->sent.push_back(ClassifySentStatement(text, history_name_));
}

int PostgresServerObserver::CountToolSessions() const {
  if (options_.server_log_path.empty()) return -1;
  std::ifstream log(options_.server_log_path, std::ios::binary);
  if (!log) return -1;
  log.seekg(log_offset_);
  // log_connections = on (scratch_database.cc); the message names the
  // session's application_name when it set one.
  const std::string own = "application_name=" + options_.own_application_prefix;
  int sessions = 0;
  for (std::string line; std::getline(log, line);)
    if (line.find("connection authorized: ") != std::string::npos &&
        line.find(own) == std::string::npos)
      ++sessions;
  return sessions;
}

void PostgresServerObserver::ToolExited() {
  if (!main_) return;
  try {
    tool_ended_at_ = Epoch(main_.get());
    if (statements_logged_) {
      tool_log_end_ = LogMarkerOffset();
    } else if (!options_.server_log_path.empty()) {
      tool_log_end_ = FileEnd(options_.server_log_path);
    }
    // The sizes and rows as the tool left them: a revert may drop what it
    // built (an index, a table) before Finish() could read them.
    facts_at_exit_ = ReadFacts(ReadEvents());
  } catch (const std::exception& e) {
    notes_.push_back(std::string("could not read the copy when the tool exited: ") + e.what());
  }
}

void PostgresServerObserver::Reverted(const std::string& name) {
  if (!main_) return;
  try {
    reverts_.push_back({name, Epoch(main_.get())});
  } catch (const std::exception&) {
    // Unmarked, its statements stay out of every migration (the notes).
  }
}

std::vector<MigrationRehearsal> PostgresServerObserver::Finish(
    bool failed, const std::vector<std::string>& output) {
  Stop();
  ServerObservationInput input;
  input.started_at = started_at_;
  input.ended_at = Epoch(main_.get());
  input.events = ReadEvents();
  input.locks = locks_;
  input.lock_interval_seconds = options_.lock_interval_seconds;
  input.probed = options_.probe;
  input.probes = probes_;
  input.facts = facts_at_exit_;
  for (const RelationFacts& f : ReadFacts(input.events)) {
    bool known = false;
    for (const RelationFacts& k : facts_at_exit_) known |= k.relation == f.relation;
    if (!known) input.facts.push_back(f);
  }
  input.failed = failed;
  input.tool_ended_at = tool_ended_at_;
  input.reverts = reverts_;
  tool_sessions_ = CountToolSessions();
  ReadSentStatements(&input);
  if (failed) {
    std::vector<std::string> recorded;
    for (const ServerEvent& e : input.events)
      if (e.kind == ServerEvent::Kind::kHistoryRow) recorded.push_back(e.object);
    input.failed_name = FailedMigrationName(output, recorded);
    ReadServerLog(&input);
    if (input.error.empty() && !output.empty()) input.error = output.back();
  }
  if (installed_ && !history_watched_)
    notes_.push_back("no known migration tool's history table appeared on the copy, so what "
                     "the tool did is not divided into migrations");
  Uninstall();
  return AttributeServerObservation(input, &notes_);
}

void PostgresServerObserver::Uninstall() noexcept {
  if (!installed_ || !main_) return;
  installed_ = false;
  try {
    if (!history_table_.empty())
      main_->Query("DROP TRIGGER IF EXISTS slugwright_rehearse_history ON " + history_table_);
    if (statements_logged_)
      main_->Query("DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET log_statement', "
                   "current_database()); END $$");
    main_->Query(kUninstallSql);
  } catch (const std::exception&) {
    // A throwaway copy: what is left goes with it.
  }
}
