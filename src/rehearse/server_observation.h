#ifndef SLUGWRIGHT_REHEARSE_SERVER_OBSERVATION_H_
#define SLUGWRIGHT_REHEARSE_SERVER_OBSERVATION_H_

// What the server showed while a release's own migration tool (`command:`)
// ran on the copy, as timestamped values, and how it is attributed to the
// tool's migrations: each new row of the tool's history table closes one
// migration, and everything seen before it (since the previous row)
// belongs to it. The statements a migration sent come, when the server
// logged them all, from that log, divided by the INSERTs of the history
// rows (exact, whatever the clock); otherwise from the DDL the event
// triggers saw. Pure: server_observer.h collects the values.

#include <cstdint>
#include <string>
#include <vector>

#include "rehearse/rehearsal_report.h"

/// Times are the server's clock_timestamp() as seconds since the epoch.
struct ServerEvent {
  enum class Kind {
    /// ddl_command_end: `tag` on `object` (`object_type`), `query` the
    /// statement.
    kDdl,
    /// table_rewrite: `object` rewritten for `reason`, `bytes_before`.
    kRewrite,
    /// A row of the tool's history table appeared: `object` is the row.
    kHistoryRow,
  };
  Kind kind = Kind::kDdl;
  double at = 0;
  std::string tag;
  std::string object_type;
  std::string object;
  std::string query;
  std::string reason;
  int64_t bytes_before = -1;
};

/// One granted relation lock of one of the tool's backends, in one sample.
struct LockSample {
  double at = 0;
  std::string relation;
  char kind = 'r';
  std::string mode;
};

/// One --probe attempt on a table.
struct ProbeSample {
  double at = 0;
  std::string relation;
  bool write = false;
  /// False when it ran into its lock_timeout.
  bool ok = true;
};

/// Sizes and rows after the run, by relation (`schema.name`).
struct RelationFacts {
  std::string relation;
  char kind = 'r';
  /// For an index, its table.
  std::string table;
  int64_t bytes = -1;
  int64_t rows = -1;
};

/// One statement a session of the tool sent, as the server's log quotes
/// it (log_statement = mod: DDL and data changes, in the order the server
/// received them).
struct SentStatement {
  std::string text;
  /// It inserted the tool's history row that closes a migration.
  bool history_row = false;
  /// It is the tool's bookkeeping (it names the tool's history table or
  /// its lock table), not a migration's.
  bool bookkeeping = false;
};

/// Everything observed, and what the run ended with.
struct ServerObservationInput {
  std::vector<ServerEvent> events;
  /// Whether the server logged every statement the tool sent (`sent`);
  /// false: only its DDL is known, from the event triggers.
  bool sent_logged = false;
  std::vector<SentStatement> sent;
  std::vector<LockSample> locks;
  double lock_interval_seconds = 0.05;
  bool probed = false;
  std::vector<ProbeSample> probes;
  std::vector<RelationFacts> facts;
  double started_at = 0;
  double ended_at = 0;
  /// The tool exited with an error: what followed its last history row is
  /// its failed migration.
  bool failed = false;
  /// The failed migration's name (from the tool's output), the server's
  /// error and SQLSTATE (its log), when known.
  std::string failed_name;
  std::string error;
  std::string sqlstate;
  /// The statement that failed, as the server's log quotes it; "" unknown.
  std::string failed_statement;
  /// When the tool's own run ended (its process exited); 0 when not told.
  /// What follows it is slugwright's, not the migrations': with
  /// on_failure: rollback-release, the reverts.
  double tool_ended_at = 0;
  /// on_failure: rollback-release: each history row `rollback_command`
  /// removed, in order, with when that was seen (the call returned and
  /// the row was gone). What the server saw between one end and the next
  /// belongs to that revert.
  struct Revert {
    std::string name;
    double ended_at = 0;
  };
  std::vector<Revert> reverts;
};

/// One MigrationRehearsal per history row, in order, then the failed one;
/// all marked server_observed. With `sent_logged`, each one's statements
/// are what the tool sent before its history row's INSERT (since the
/// previous one), bookkeeping left out, and the failed one's what it sent
/// after the last; when the INSERTs do not match the rows one to one, the
/// DDL's statements, with a note. A row `input.reverts` names is kReverted,
/// with what its revert did; DDL seen after the last revert (one that did
/// not complete) goes to `notes`, never to a migration. Risks are not
/// evaluated (EvaluateRisks).
std::vector<MigrationRehearsal> AttributeServerObservation(const ServerObservationInput& input,
                                                           std::vector<std::string>* notes =
                                                               nullptr);

/// A SentStatement of `text` for the tool whose history table is
/// `history_table` (its bare name, as the tool creates it; "" unknown).
SentStatement ClassifySentStatement(const std::string& text, const std::string& history_table);

/// "column type change" for pg_event_trigger_table_rewrite_reason()'s bits.
std::string RewriteReasonText(int reason_bits);

/// The last migration-like name ("20240301000000-add-email") in a tool's
/// output that is not one of `recorded` (rows of its history table); "".
std::string FailedMigrationName(const std::vector<std::string>& output,
                                const std::vector<std::string>& recorded);

#endif  // SLUGWRIGHT_REHEARSE_SERVER_OBSERVATION_H_
