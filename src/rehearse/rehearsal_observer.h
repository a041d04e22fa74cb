#ifndef SLUGWRIGHT_REHEARSE_REHEARSAL_OBSERVER_H_
#define SLUGWRIGHT_REHEARSE_REHEARSAL_OBSERVER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "migrate/migration_observer.h"
#include "migrate/schema_inspection.h"
#include "rehearse/rehearsal_report.h"

class Clock;
class SqlSession;

/// What `slugwright rehearse` measures while the Migrator applies the
/// pending migrations to the scratch copy:
/// - before each migration, the relfilenode of every relation (a
///   connection of its own, or, within a `transaction: all` batch, the
///   snapshot taken inside the batch);
/// - inside each transactional migration's transaction, before COMMIT
///   (SchemaInspection::Inspect on the Migrator's session): its relation
///   locks from pg_locks (`pid = pg_backend_pid()`) and the relfilenodes
///   again, so rewritten relations (a new relfilenode) and created ones
///   are known;
/// - after it, on its own connection: sizes of what was rewritten or
///   created, and rows of the tables it touched (count(*), or the
///   planner's estimate above `exact_count_max_bytes`).
/// Its own queries are timed and taken out of the durations it reports.
class RehearsalObserver : public MigrationObserver {
 public:
  struct Options {
    /// `transaction: all`: locks already held by earlier migrations of the
    /// batch are not attributed again.
    bool batch = false;
    /// slugwright's own tables (history and event log, as `schema.name`),
    /// left out of locks, rewrites and rows.
    std::set<std::string> own_tables;
    /// Tables up to this size are counted exactly.
    int64_t exact_count_max_bytes = int64_t{256} << 20;
  };

  /// `session` is the driver the Migrator applies with, of which the
  /// observer needs only the inspection role; `conninfo` opens
  /// the observer's own connection to the same (scratch) database.
  /// `pending` lists the migrations the run should apply, in order;
  /// `clock` times the migrations and the observer's own queries.
  /// Throws std::runtime_error when the connection fails.
  RehearsalObserver(SchemaInspection* session, const std::string& conninfo,
                    const std::vector<const Migration*>& pending, Options options,
                    Clock* clock);
  ~RehearsalObserver() override;

  void BeforeApply(const Migration& migration) noexcept override;
  void BeforeCommit(const Migration& migration) noexcept override;
  void AfterApply(const Migration& migration, double seconds) noexcept override;
  void OnFailure(const Migration& migration, const DatabaseError& error) noexcept override;

  /// One entry per pending migration, in order: kNotRun when never
  /// reached, kRolledBack when started but rolled back with its batch.
  /// Risks are not evaluated here (EvaluateRisks).
  std::vector<MigrationRehearsal> Results() const;
  /// Seconds spent in the observer's own queries during the run.
  double overhead_seconds() const { return overhead_seconds_; }

 private:
  struct Relation {
    char kind = 'r';
    std::string filenode;
    /// For an index, its table.
    std::string table;
  };
  using Snapshot = std::map<std::string, Relation>;
  enum class Phase { kWaiting, kStarted, kApplied, kFailed };
  struct Record {
    const Migration* migration = nullptr;
    MigrationRehearsal result;
    Phase phase = Phase::kWaiting;
    Snapshot before;
    bool before_valid = false;
    bool compared = false;
    double started_at = 0;
    double inspect_seconds = 0;
    std::set<std::string> touched;
    /// transaction:false with a CREATE INDEX lacking CONCURRENTLY.
    bool plain_create_index = false;
  };

  Record* Find(const Migration& migration);
  Snapshot OwnSnapshot();
  static Snapshot ParseSnapshot(const std::vector<std::vector<std::string>>& rows);
  /// Fills rewrites and created from before/after; adds touched tables.
  void Compare(Record* record, const Snapshot& after);
  /// Sizes of rewritten and created relations, rows of touched tables.
  void MeasureSizes(Record* record);
  std::vector<std::vector<std::string>> OwnQuery(const std::string& sql);

  SchemaInspection* session_;
  std::unique_ptr<SqlSession> own_session_;
  Clock* clock_;
  Options options_;
  std::vector<Record> records_;
  /// The relfilenodes seen inside the open batch (transaction: all).
  Snapshot batch_snapshot_;
  bool batch_snapshot_valid_ = false;
  /// "relation mode" pairs already attributed within the batch.
  std::set<std::string> batch_locks_;
  double overhead_seconds_ = 0;
};

#endif  // SLUGWRIGHT_REHEARSE_REHEARSAL_OBSERVER_H_
