#ifndef SLUGWRIGHT_REHEARSE_SERVER_OBSERVER_H_
#define SLUGWRIGHT_REHEARSE_SERVER_OBSERVER_H_

// Watching a release's own migration tool (`command:`) on the throwaway
// copy from the server side, whatever the tool: event triggers log every
// DDL command, dropped object and table rewrite into a private schema of
// the copy, the embedded server logs every statement the tool sends (DDL
// and data changes: log_statement = mod on the copy's database), a
// trigger on the tool's history table logs each new row (which closes one
// migration), a monitoring session samples the tool's relation locks, and
// with --probe a probe session reads and writes each touched table every
// 100 ms under a short lock_timeout. server_observation.h attributes it.

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "rehearse/rehearsal_report.h"
#include "rehearse/server_observation.h"

class SqlSession;

/// How to watch.
struct ServerObserverOptions {
  bool probe = false;
  double lock_interval_seconds = 0.05;
  double probe_interval_seconds = 0.1;
  int probe_lock_timeout_ms = 50;
  /// Sessions whose application_name starts with this are slugwright's
  /// own (its runner on the copy, this observer): not the tool's.
  std::string own_application_prefix = "slugwright rehearse";
  /// slugwright's own tables (`schema.name`), left out.
  std::set<std::string> own_tables;
  /// The embedded cluster's log (errors with their SQLSTATE); "" for
  /// --into.
  std::string server_log_path;
};

/// Abstract so the step that runs the tool can be tested without a server.
class ServerObserver {
 public:
  virtual ~ServerObserver() = default;
  /// Before the tool runs: installs what watches it and starts sampling.
  virtual void Start() = 0;
  /// After it exited (`failed`: with an error; `output`: its last lines):
  /// stops, reads the logs, removes what Start() installed, and returns
  /// one entry per migration it recorded (then the failed one).
  virtual std::vector<MigrationRehearsal> Finish(bool failed,
                                                 const std::vector<std::string>& output) = 0;
  /// Anything it could not watch, said plainly.
  virtual std::vector<std::string> Notes() const = 0;
  /// The tool's process has exited: what follows (on_failure:
  /// rollback-release's reverts, hooks) is not the migrations'. Reads the
  /// sizes and rows of what the tool touched as it left them.
  virtual void ToolExited() = 0;
  /// `rollback_command` reverted the migration of history row `name`.
  virtual void Reverted(const std::string& name) = 0;
  /// After Finish(): how many sessions other than slugwright's own were
  /// authorized on the copy while it watched (from the server's log); -1
  /// when not known (no log: --into).
  virtual int ToolSessions() const = 0;
};

/// The real one, on the copy `conninfo` points at (a superuser there:
/// event triggers need one). The tool's history table is found as `migrate
/// adopt` finds it (DetectForeignTools), before the run or once it exists.
class PostgresServerObserver : public ServerObserver {
 public:
  PostgresServerObserver(std::string conninfo, ServerObserverOptions options);
  ~PostgresServerObserver() override;

  void Start() override;
  std::vector<MigrationRehearsal> Finish(bool failed,
                                         const std::vector<std::string>& output) override;
  std::vector<std::string> Notes() const override { return notes_; }
  void ToolExited() override;
  void Reverted(const std::string& name) override;
  int ToolSessions() const override { return tool_sessions_; }

 private:
  void Install();
  /// Puts the row trigger on the tool's history table once it exists;
  /// true when it is there.
  bool WatchHistoryTable(SqlSession* session);
  void SampleLocks();
  void Probe();
  void ProbeTable(const std::string& table, bool write);
  std::vector<ServerEvent> ReadEvents();
  std::vector<RelationFacts> ReadFacts(const std::vector<ServerEvent>& events);
  void ReadServerLog(ServerObservationInput* input);
  /// Every statement the tool's sessions sent until it exited, from the
  /// log (log_statement = mod, set on the copy's database by Install()).
  void ReadSentStatements(ServerObservationInput* input);
  /// Where in the log the tool's run ends: the offset of a line this
  /// observer logs now, once the log collector wrote it.
  long long LogMarkerOffset();
  /// Sessions authorized since Start() that are not slugwright's own.
  int CountToolSessions() const;
  void Stop();
  void Uninstall() noexcept;

  std::string conninfo_;
  ServerObserverOptions options_;
  std::unique_ptr<SqlSession> main_;
  std::unique_ptr<SqlSession> sampler_session_;
  std::unique_ptr<SqlSession> probe_session_;
  std::string history_table_;  // quoted, schema-qualified; "" until found
  std::string history_name_;   // as the tool names it; "" until found
  /// The copy's database logs every statement its new sessions send.
  bool statements_logged_ = false;
  std::set<std::string> ignored_;
  std::set<int> own_pids_;
  long long log_offset_ = 0;
  /// The log's end and the server's time when the tool exited; -1 and 0
  /// until ToolExited().
  long long tool_log_end_ = -1;
  double tool_ended_at_ = 0;
  std::vector<RelationFacts> facts_at_exit_;
  std::vector<ServerObservationInput::Revert> reverts_;
  int tool_sessions_ = -1;
  double started_at_ = 0;
  std::vector<std::string> notes_;
  bool installed_ = false;

  std::atomic<bool> stop_{false};
  std::thread sampler_;
  std::thread prober_;
  std::mutex mutex_;  // guards what the threads collect
  std::vector<LockSample> locks_;
  std::vector<ProbeSample> probes_;
  std::set<std::string> touched_;
  bool history_watched_ = false;
};

#endif  // SLUGWRIGHT_REHEARSE_SERVER_OBSERVER_H_
