#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_HISTORY_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_HISTORY_H_

#include <cstdint>
#include <string>

/// What the history table says about one migration.
enum class MigrationState {
  /// Committed (with its history row, in the same transaction).
  kApplied,
  /// A non-transactional migration whose statement failed: the statements
  /// before it stay applied.
  kFailed,
  /// A non-transactional migration that started and never finished (the
  /// runner was killed); statements_done says how far it got.
  kStarted,
};

const char* ToString(MigrationState state);
/// Parses the `state` column; false for an unknown value.
bool ParseMigrationState(const std::string& text, MigrationState* state);

/// One row of the history table: one applied (or unfinished) migration.
struct HistoryRow {
  int64_t version = 0;
  std::string name;
  std::string checksum;
  MigrationState state = MigrationState::kApplied;
  bool in_transaction = true;
  /// For non-transactional migrations: statements in the file, and how many
  /// completed (so statement statements_done + 1 is where it stopped).
  int statements_total = 0;
  int statements_done = 0;
  /// ISO 8601, as the server formats timestamptz.
  std::string applied_at;
  double execution_ms = 0;
  /// HEROKU_RELEASE_VERSION and HEROKU_APP_NAME of the run that applied it.
  std::string release;
  std::string app;
  bool out_of_order = false;
  /// For a failed migration: the server's error message.
  std::string error;
};

/// The part of a history row that says whether a migration file is
/// applied as it is now: for the usual release, which applies nothing.
struct HistoryChecksum {
  int64_t version = 0;
  std::string checksum;
  /// State applied (not started or failed).
  bool applied = true;
};

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_HISTORY_H_
