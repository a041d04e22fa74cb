#ifndef SLUGWRIGHT_BASE_EXIT_CODES_H_
#define SLUGWRIGHT_BASE_EXIT_CODES_H_

#include <stdexcept>
#include <string>

/// Process exit statuses, shared by every command and documented in the
/// README. Scripts and Heroku's release phase act on these numbers.
enum ExitCode : int {
  kExitOk = 0,
  /// A migration, hook or external command failed (rolled back as
  /// configured); for `detect`, nothing to select.
  kExitFailed = 1,
  /// Bad usage, configuration or input (Procfile, slugwright.yml, migration
  /// files, config vars). Nothing was written.
  kExitUsage = 2,
  /// The migration lock was not acquired before the deadline.
  kExitLockTimeout = 3,
  /// Refused for integrity: an applied migration changed, an out-of-order
  /// pending migration, or an unfinished non-transactional migration.
  kExitIntegrity = 4,
  /// The database did not accept a connection: `migrate status
  /// --exit-code` (where 1 means "pending"), and `migrate wait` / `--wait`
  /// when the timeout ran out. Other commands exit 1 when they cannot
  /// connect.
  kExitCannotConnect = 5,
  /// `migrate status --exit-code`: which migrations are pending cannot be
  /// known (a `command:` tool whose migrations directory is not known or
  /// cannot be listed).
  kExitPendingUnknown = 6,
  /// Interrupted by SIGINT (128 + 2) or SIGTERM (128 + 15).
  kExitInterrupted = 130,
  kExitTerminated = 143,
};

/// An error to report to the user as is (no stack, no "what():" prefix),
/// carrying the exit status the command ends with.
class UserError : public std::runtime_error {
 public:
  UserError(ExitCode code, const std::string& message)
      : std::runtime_error(message), code_(code) {}
  ExitCode code() const { return code_; }

 private:
  ExitCode code_;
};

#endif  // SLUGWRIGHT_BASE_EXIT_CODES_H_
