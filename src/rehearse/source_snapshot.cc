#include "rehearse/source_snapshot.h"

#include <unistd.h>

#include "base/exit_codes.h"
#include "base/redactor.h"
#include "base/text.h"
#include "postgres/sql_session.h"
#include "rehearse/rehearsal_copy.h"

namespace {

std::string ReadOnlyApplicationName() {
  return "slugwright rehearse (read-only) pid " + std::to_string(::getpid());
}

}  // namespace

PostgresSourceSnapshot::PostgresSourceSnapshot(std::string url, HistoryTableName table,
                                               Redactor* redactor, std::string tool_table)
    : url_(std::move(url)), table_(std::move(table)), redactor_(redactor),
      tool_table_(std::move(tool_table)) {}

PostgresSourceSnapshot::~PostgresSourceSnapshot() = default;

SourceFacts PostgresSourceSnapshot::Open() {
  target_ = DatabaseTarget::Parse(url_);
  redactor_->AddSecret(target_.password());
  std::map<std::string, std::string> settings = {{"application_name", ReadOnlyApplicationName()}};
  if (target_.Get("connect_timeout").empty()) settings["connect_timeout"] = "15";
  try {
    session_ = std::make_unique<SqlSession>(target_.Conninfo(settings));
  } catch (const std::exception& e) {
    throw UserError(kExitFailed, "could not connect to " + target_.Describe() + ": " +
                                     TrimRight(redactor_->Scrub(e.what())));
  }
  SourceFacts facts;
  ExportSnapshot(&facts);
  ReadFacts(&facts);
  return facts;
}

void PostgresSourceSnapshot::ExportSnapshot(SourceFacts* facts) {
  SqlSession& c = *session_;
  // Every transaction of this session is read only, and so is the one
  // the dump's snapshot comes from.
  c.Query("SET default_transaction_read_only = on");
  c.Query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    facts->snapshot = c.Query("SELECT pg_export_snapshot()").at(0).at(0);
  } catch (const SqlSession::Error&) {
    // E.g. a pooler in between: two dumps without a shared snapshot.
    c.Query("ROLLBACK");
    c.Query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
}

void PostgresSourceSnapshot::ReadFacts(SourceFacts* facts) {
  SqlSession& c = *session_;
  auto row = c.Query("SELECT current_setting('server_version_num'), "
                     "current_setting('server_version'), pg_encoding_to_char(encoding) "
                     "FROM pg_database WHERE datname = current_database()")
                 .at(0);
  facts->version_key = VersionKeyFromNum(std::stoi(row[0]));
  facts->version = row[1].substr(0, row[1].find(' '));
  facts->encoding = row[2];
  auto stats = c.Query("SELECT count(*), coalesce(sum(pg_table_size(c.oid)), 0) FROM pg_class c "
                       "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND "
                       "n.nspname <> 'information_schema' AND n.nspname !~ '^pg_' AND NOT EXISTS "
                       "(SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND "
                       "d.objid = c.oid AND d.deptype = 'e')")
                   .at(0);
  facts->tables = std::stoi(stats[0]);
  facts->bytes = std::stoll(stats[1]);
  std::string pattern = "\"" + table_.schema + "\".\"" + table_.table + "\"";
  facts->history_exists =
      c.Scalar("SELECT to_regclass(" + c.Quote(pattern) + ") IS NOT NULL") == "t";
  // The tool creates its table in the current schema, as the copy's tool
  // will look for it there.
  if (!tool_table_.empty() &&
      c.Scalar("SELECT to_regclass(quote_ident(" + c.Quote(tool_table_) + ")) IS NOT NULL") ==
          "t")
    facts->tool_history_table = tool_table_;
}

std::vector<HistoryRow> PostgresSourceSnapshot::ReadHistory() {
  // The driver's own reading of the history, on a read-only session.
  PostgresDriver driver(target_, table_, ReadOnlyApplicationName(), redactor_);
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

void PostgresSourceSnapshot::Close() noexcept {
  if (!session_) return;
  try {
    session_->Query("ROLLBACK");
  } catch (const std::exception&) {
  }
  session_.reset();
}
