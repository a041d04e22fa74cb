#include "migrate/release_settings.h"

#include <nlohmann/json.hpp>

const char* ToString(ReleaseSettings::TransactionMode mode) {
  return mode == ReleaseSettings::TransactionMode::kAll ? "all"
                                                        : "per-migration";
}

const char* ToString(ReleaseSettings::OnFailure on_failure) {
  return on_failure == ReleaseSettings::OnFailure::kRollbackRelease
             ? "rollback-release"
             : "stop";
}

const char* ToString(ReleaseSettings::AfterHookFailure after_hook_failure) {
  return after_hook_failure == ReleaseSettings::AfterHookFailure::kFail ? "fail" : "warn";
}

const char* ToString(ReleaseSettings::Coordinate coordinate) {
  switch (coordinate) {
    case ReleaseSettings::Coordinate::kCommit: return "commit";
    case ReleaseSettings::Coordinate::kOff: return "off";
    case ReleaseSettings::Coordinate::kAuto: break;
  }
  return "auto";
}

bool ParseCoordinate(const std::string& word, ReleaseSettings::Coordinate* coordinate) {
  for (ReleaseSettings::Coordinate c :
       {ReleaseSettings::Coordinate::kAuto, ReleaseSettings::Coordinate::kCommit,
        ReleaseSettings::Coordinate::kOff})
    if (word == ToString(c)) {
      *coordinate = c;
      return true;
    }
  return false;
}

void to_json(nlohmann::json& j, const ReleaseSettings& s) {
  j = nlohmann::json{
      {"migrations", s.migrations_dir},
      {"database_url_env", s.database_url_env},
      {"table", s.table},
      {"transaction", ToString(s.transaction)},
      {"on_failure", ToString(s.on_failure)},
      {"after_hook_failure", ToString(s.after_hook_failure)},
      {"lock_wait_seconds", s.lock_wait_seconds},
      {"lock_timeout_seconds", s.lock_timeout_seconds},
      {"statement_timeout_seconds", s.statement_timeout_seconds},
      {"lock_retries", s.lock_retries},
      {"allow_out_of_order", s.allow_out_of_order},
      {"postgres_version", s.postgres_version},
      {"command", s.command},
      {"rollback_command", s.rollback_command},
      {"skip_command_when_nothing_pending",
       s.skip_command_when_nothing_pending == ReleaseSettings::SkipCommand::kAlways ? "true"
       : s.skip_command_when_nothing_pending == ReleaseSettings::SkipCommand::kNever
           ? "false"
           : "auto"},
      {"coordinate", ToString(s.coordinate)},
      {"command_history",
       {{"table", s.command_history.table},
        {"column", s.command_history.column},
        {"migrations", s.command_history.migrations}}},
      {"hooks",
       {{"before", s.hooks.before},
        {"after", s.hooks.after},
        {"on_failure", s.hooks.on_failure},
        {"timeout_seconds", s.hooks.timeout_seconds}}},
  };
}

void from_json(const nlohmann::json& j, ReleaseSettings& s) {
  s = ReleaseSettings();
  j.at("migrations").get_to(s.migrations_dir);
  j.at("database_url_env").get_to(s.database_url_env);
  j.at("table").get_to(s.table);
  s.transaction = j.at("transaction").get<std::string>() == "all"
                      ? ReleaseSettings::TransactionMode::kAll
                      : ReleaseSettings::TransactionMode::kPerMigration;
  s.on_failure = j.at("on_failure").get<std::string>() == "rollback-release"
                     ? ReleaseSettings::OnFailure::kRollbackRelease
                     : ReleaseSettings::OnFailure::kStop;
  // Absent in release.json files written before after_hook_failure existed.
  if (j.contains("after_hook_failure") && j.at("after_hook_failure").get<std::string>() == "fail")
    s.after_hook_failure = ReleaseSettings::AfterHookFailure::kFail;
  j.at("lock_wait_seconds").get_to(s.lock_wait_seconds);
  j.at("lock_timeout_seconds").get_to(s.lock_timeout_seconds);
  j.at("statement_timeout_seconds").get_to(s.statement_timeout_seconds);
  j.at("lock_retries").get_to(s.lock_retries);
  j.at("allow_out_of_order").get_to(s.allow_out_of_order);
  // Absent in release.json files written before postgres_version existed.
  if (j.contains("postgres_version")) j.at("postgres_version").get_to(s.postgres_version);
  j.at("command").get_to(s.command);
  j.at("rollback_command").get_to(s.rollback_command);
  // Absent in release.json files written before the setting existed.
  if (j.contains("skip_command_when_nothing_pending")) {
    const std::string skip = j.at("skip_command_when_nothing_pending").get<std::string>();
    s.skip_command_when_nothing_pending = skip == "true"    ? ReleaseSettings::SkipCommand::kAlways
                                          : skip == "false" ? ReleaseSettings::SkipCommand::kNever
                                                            : ReleaseSettings::SkipCommand::kAuto;
  }
  // Absent in release.json files written before the setting existed.
  if (j.contains("coordinate")) ParseCoordinate(j.at("coordinate").get<std::string>(), &s.coordinate);
  // Absent in release.json files written before command_history existed.
  if (j.contains("command_history")) {
    const nlohmann::json& history = j.at("command_history");
    history.at("table").get_to(s.command_history.table);
    history.at("column").get_to(s.command_history.column);
    history.at("migrations").get_to(s.command_history.migrations);
  }
  const nlohmann::json& hooks = j.at("hooks");
  hooks.at("before").get_to(s.hooks.before);
  hooks.at("after").get_to(s.hooks.after);
  hooks.at("on_failure").get_to(s.hooks.on_failure);
  hooks.at("timeout_seconds").get_to(s.hooks.timeout_seconds);
}
