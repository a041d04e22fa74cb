#include "migrate/migration_history.h"

const char* ToString(MigrationState state) {
  switch (state) {
    case MigrationState::kApplied: return "applied";
    case MigrationState::kFailed: return "failed";
    case MigrationState::kStarted: return "started";
  }
  return "unknown";
}

bool ParseMigrationState(const std::string& text, MigrationState* state) {
  if (text == "applied") *state = MigrationState::kApplied;
  else if (text == "failed") *state = MigrationState::kFailed;
  else if (text == "started") *state = MigrationState::kStarted;
  else return false;
  return true;
}
