#include "migrate/run_error.h"

#include "base/exit_codes.h"

const char* RunError::what() const noexcept {
  switch (kind_) {
    case Kind::kLocked: return "locked";
    case Kind::kInterruptedWaitingForLock: return "interrupted waiting for the lock";
    case Kind::kInterruptedBeforeStart: return "interrupted before start";
    case Kind::kUnreachable: return "unreachable";
    case Kind::kDatabase: return "database error";
    case Kind::kDatabaseWaitTimedOut: return "database wait timed out";
    case Kind::kInterruptedWaitingForDatabase: return "interrupted waiting for the database";
    case Kind::kBadCount: return "bad count";
    case Kind::kNoFileToRevert: return "no file to revert";
    case Kind::kNoDownSection: return "no down section";
    case Kind::kBlankUpSection:
      return "blank up section";
    case Kind::kTransactionControl:
      return "transaction control in a transaction";
    case Kind::kTransactionFalseInTransactionAll:
      return "transaction:false in transaction: all";
  }
  return "run error";
}

int ExitCodeOf(const RunError& error) {
  const RunError::Facts& f = error.facts();
  switch (error.kind()) {
    case RunError::Kind::kLocked: return kExitLockTimeout;
    case RunError::Kind::kInterruptedWaitingForLock:
    case RunError::Kind::kInterruptedBeforeStart:
    case RunError::Kind::kInterruptedWaitingForDatabase: return f.interrupt_exit_code;
    case RunError::Kind::kDatabaseWaitTimedOut: return kExitCannotConnect;
    // Exit 1, not 2: an unreachable or restarting server is usually
    // temporary, and retrying the release is the right reaction.
    case RunError::Kind::kUnreachable: return kExitFailed;
    case RunError::Kind::kDatabase: return f.interrupt_exit_code ? f.interrupt_exit_code : kExitFailed;
    case RunError::Kind::kBadCount:
    case RunError::Kind::kNoFileToRevert:
    case RunError::Kind::kNoDownSection:
    case RunError::Kind::kBlankUpSection:
    case RunError::Kind::kTransactionControl:
    case RunError::Kind::kTransactionFalseInTransactionAll:
      return kExitUsage;
  }
  return kExitFailed;
}
