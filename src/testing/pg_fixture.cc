#include "testing/pg_fixture.h"

#include <thread>

#include "postgres/local_postgres.h"
#include "postgres/postgres_driver.h"

namespace {

AdvisoryLockKeys DefaultKeys() { return LockKeysFor(HistoryTableName()); }

}  // namespace

std::string MigrationLockArguments() {
  AdvisoryLockKeys keys = DefaultKeys();
  return std::to_string(keys.classid) + ", " + std::to_string(keys.objid);
}

std::string MigrationLockFilter() {
  AdvisoryLockKeys keys = DefaultKeys();
  return "classid = " + std::to_string(static_cast<uint32_t>(keys.classid)) +
         " AND objid = " + std::to_string(static_cast<uint32_t>(keys.objid));
}

// ---- PgDatabase ------------------------------------------------------------

PgDatabase::PgDatabase() { url_ = FreshDatabaseUrl(&name_); }

PgDatabase::PgDatabase(std::string url, std::string name)
    : url_(std::move(url)), name_(std::move(name)) {}

std::unique_ptr<SqlSession> PgDatabase::Connect(const std::string& url_suffix) const {
  return std::make_unique<SqlSession>(url_ + url_suffix);
}

SqlSession::Rows PgDatabase::Query(const std::string& sql) const {
  SqlSession session(url_);
  return session.Query(sql);
}

std::string PgDatabase::Scalar(const std::string& sql) const {
  SqlSession session(url_);
  return session.Scalar(sql);
}

std::string PgDatabase::Quote(const std::string& value) const {
  SqlSession session(url_);
  return session.Quote(value);
}

bool PgDatabase::Exists(const std::string& relation) const {
  return Scalar("SELECT to_regclass('public." + relation + "') IS NOT NULL") == "t";
}

int PgDatabase::HistoryCount() const {
  return HistoryExists() ? Count("SELECT count(*) FROM slugwright_migrations") : 0;
}

std::string PgDatabase::RowState(int64_t version) const {
  if (!HistoryExists()) return "";
  return Scalar("SELECT state || ' ' || statements_done || '/' || statements_total FROM "
                "slugwright_migrations WHERE version = " + std::to_string(version));
}

int PgDatabase::MigrationLocks(bool granted) const {
  AdvisoryLockKeys keys = DefaultKeys();
  return Count("SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
               "WHERE d.datname = current_database() AND l.locktype = 'advisory' AND "
               "l.classid = " + std::to_string(static_cast<uint32_t>(keys.classid)) +
               " AND l.objid = " + std::to_string(static_cast<uint32_t>(keys.objid)) +
               " AND l.granted = " + (granted ? "true" : "false"));
}

int PgDatabase::RunnerSessions() const {
  return Count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
               "AND application_name LIKE 'slugwright%' AND pid <> pg_backend_pid()");
}

int PgDatabase::RunnerRunning(const std::string& fragment) const {
  SqlSession session(url_);
  std::string pid = session.Scalar(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND "
      "application_name LIKE 'slugwright%' AND state = 'active' AND position(" +
      session.Quote(fragment) + " IN query) > 0 LIMIT 1");
  return pid.empty() ? 0 : std::stoi(pid);
}

int PgDatabase::WaitForRunnerRunning(const std::string& fragment) const {
  int pid = 0;
  WaitUntil([&] { return (pid = RunnerRunning(fragment)) != 0; }, 20);
  return pid;
}

void PgDatabase::Terminate(int pid) const {
  Exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")");
}

// ---- SlugwrightPgTest ------------------------------------------------------

SlugwrightPgTest::SlugwrightPgTest() : slugwright_(tmp_.path()) {
  password_ = TestCluster().password();
  slugwright_.env()["DATABASE_URL"] = db_.url();
  slugwright_.set_secret(password_);
}

void SlugwrightPgTest::SetUp() {
  ASSERT_FALSE(SlugwrightBinary().empty())
      << "SLUGWRIGHT_BIN must name the slugwright binary (CTest sets it)";
}

std::vector<std::string> SlugwrightPgTest::Up(const std::vector<std::string>& extra) const {
  std::vector<std::string> args = {"migrate", "up", "--dir", Dir()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

RunResult SlugwrightPgTest::Run(const std::vector<std::string>& args,
                                const std::map<std::string, std::string>& env) {
  return Start(args, env).Wait();
}

RunningProcess SlugwrightPgTest::Start(const std::vector<std::string>& args,
                                       const std::map<std::string, std::string>& env) {
  ProcessOptions options;
  options.env = env;
  return slugwright_.StartSlugwright(args, options);
}
