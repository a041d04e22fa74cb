#ifndef SLUGWRIGHT_MIGRATE_RELEASE_SETTINGS_H_
#define SLUGWRIGHT_MIGRATE_RELEASE_SETTINGS_H_

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

/// Commands run around a release's migrations (`hooks:` in slugwright.yml).
struct HookSettings {
  /// After the lock is taken, before any migration; a failure aborts with
  /// nothing applied.
  std::vector<std::string> before;
  /// After every migration succeeded.
  std::vector<std::string> after;
  /// After a failure, once the database was rolled back as configured.
  std::vector<std::string> on_failure;
  /// Each hook command is killed when it runs longer than this.
  double timeout_seconds = 300;
};

/// Where `command:`'s tool records what it applied (`command_history:` in
/// slugwright.yml); an empty field is inferred from the command
/// (tools/tool_history.h).
struct CommandHistorySettings {
  /// The tool's history table, in the current schema.
  std::string table;
  /// Its column naming each applied migration.
  std::string column;
  /// The tool's migration files, relative to the app root.
  std::string migrations;
};

/// How one app's release phase applies migrations: the `release:` section of
/// slugwright.yml, resolved by `bin/compile` and stored in the slug so that
/// `slugwright release` needs no app name at run time.
struct ReleaseSettings {
  enum class TransactionMode { kPerMigration, kAll };
  enum class OnFailure { kStop, kRollbackRelease };
  /// What a failing `hooks.after` does once the migrations committed.
  enum class AfterHookFailure {
    /// Say so and succeed: the schema already changed, and keeping the old
    /// code on it (what a failed release phase does) is the worse state.
    kWarn,
    /// Fail the release (the hook gates the deploy, e.g. a smoke test).
    kFail,
  };

  /// Directory of migration files, relative to the app root.
  std::string migrations_dir = "migrations";
  /// The config var that holds the database URL.
  std::string database_url_env = "DATABASE_URL";
  /// The history table slugwright owns, schema-qualified.
  std::string table = "public.slugwright_migrations";
  TransactionMode transaction = TransactionMode::kPerMigration;
  OnFailure on_failure = OnFailure::kStop;
  AfterHookFailure after_hook_failure = AfterHookFailure::kWarn;
  /// How long to wait for the migration lock; 0 fails at once.
  double lock_wait_seconds = 600;
  /// PostgreSQL lock_timeout for migration statements.
  double lock_timeout_seconds = 5;
  /// PostgreSQL statement_timeout for migration statements; 0 is none.
  double statement_timeout_seconds = 0;
  /// How often a migration that hit lock_timeout is retried.
  int lock_retries = 3;
  bool allow_out_of_order = false;
  /// The PostgreSQL major version the app's database runs
  /// (`postgres_version`), for `migrate lint`'s rules when no database is
  /// given; 0 when not set.
  int postgres_version = 0;
  /// An external migration tool run under slugwright's lock instead of the
  /// built-in runner (e.g. `npx sequelize-cli db:migrate`), and its undo.
  std::string command;
  std::string rollback_command;
  /// `command:` mode: whether to leave the tool unstarted when every file
  /// of its directory is recorded in its table
  /// (`skip_command_when_nothing_pending`). kAuto skips only a command
  /// that is a plain migrate invocation of a known tool (tools/command_skip.h).
  enum class SkipCommand { kAuto, kAlways, kNever };
  SkipCommand skip_command_when_nothing_pending = SkipCommand::kAuto;
  /// Whether `slugwright release` runs once per commit for every service
  /// that deploys it (`coordinate:`; ledger/release_key.h): kAuto does
  /// when a commit is known from a flag or a platform other than Heroku,
  /// kCommit also on Heroku (apps sharing one database), kOff never.
  enum class Coordinate { kAuto, kCommit, kOff };
  Coordinate coordinate = Coordinate::kAuto;
  CommandHistorySettings command_history;
  HookSettings hooks;
};

const char* ToString(ReleaseSettings::TransactionMode mode);
const char* ToString(ReleaseSettings::OnFailure on_failure);
const char* ToString(ReleaseSettings::AfterHookFailure after_hook_failure);
/// "auto", "commit", "off".
const char* ToString(ReleaseSettings::Coordinate coordinate);
/// False for any other word.
bool ParseCoordinate(const std::string& word, ReleaseSettings::Coordinate* coordinate);

void to_json(nlohmann::json& j, const ReleaseSettings& settings);
/// Throws nlohmann::json::exception on a malformed document.
void from_json(const nlohmann::json& j, ReleaseSettings& settings);

#endif  // SLUGWRIGHT_MIGRATE_RELEASE_SETTINGS_H_
