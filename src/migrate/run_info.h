#ifndef SLUGWRIGHT_MIGRATE_RUN_INFO_H_
#define SLUGWRIGHT_MIGRATE_RUN_INFO_H_

#include <string>

/// Who is running, recorded with every history row and event
/// (history_store.h, history_repair.h).
struct RunInfo {
  /// Random, unique per run: groups the events of one run.
  std::string run_id;
  /// HEROKU_RELEASE_VERSION ("v42") and HEROKU_APP_NAME, where set.
  std::string release;
  std::string app;
  /// "slugwright 0.1.0".
  std::string runner;
};

#endif  // SLUGWRIGHT_MIGRATE_RUN_INFO_H_
