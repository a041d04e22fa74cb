#ifndef SLUGWRIGHT_MIGRATE_RUN_ERROR_H_
#define SLUGWRIGHT_MIGRATE_RUN_ERROR_H_

// Why a migration command stopped before (or instead of) running, as a kind
// with its facts, in the style of golang-migrate's ErrLocked / ErrDirty.
// The runner throws it; the command line words it
// (cli/output/migrate_output.h) and ExitCodeOf() maps the kind to the
// process exit status, in one place.

#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "migrate/database_driver.h"

class RunError : public std::exception {
 public:
  enum class Kind {
    /// The migration lock was not acquired within `wait_seconds`: `holders` have it.
    kLocked,
    /// A signal arrived (`signal`) while waiting for the lock or just after.
    kInterruptedWaitingForLock,
    kInterruptedBeforeStart,
    /// The server did not accept a connection: `message` is libpq's.
    kUnreachable,
    /// A query failed outside a migration (reading the history, taking the
    /// lock): `message` and `sqlstate` are the server's.
    kDatabase,
    /// `database` did not accept a connection within `wait_seconds`
    /// (`migrate wait`, --wait); `message` is the last error.
    kDatabaseWaitTimedOut,
    /// A signal arrived while waiting for `database` to accept a connection.
    kInterruptedWaitingForDatabase,
    /// `down` was given `count` < 1.
    kBadCount,
    /// `down` would revert `version`_`name`, whose file is not in `source`.
    kNoFileToRevert,
    /// `down` would revert `version`_`name`, whose `file` has no down section.
    kNoDownSection,
    /// The up section of `version`_`name` (`file`, which says so on `line`)
    /// holds no SQL statement: a `migrate new` template not filled in yet.
    kBlankUpSection,
    /// `statement`, at `file`:`line` of `version`_`name`, ends or starts a
    /// transaction in a section slugwright runs in a transaction of its own.
    kTransactionControl,
    /// `transaction: all` and `version`_`name` (`file`) is transaction:false.
    kTransactionFalseInTransactionAll,
  };

  /// The facts; which are set depends on the kind.
  struct Facts {
    std::string database;
    double wait_seconds = 0;
    std::vector<LockHolder> holders;
    /// The signal that interrupted the run and its exit status (0: none).
    int signal = 0;
    int interrupt_exit_code = 0;
    std::string message;
    std::string sqlstate;
    int count = 0;
    int64_t version = 0;
    std::string name;
    std::string source;
    std::string file;
    int line = 0;
    std::string statement;
  };

  RunError(Kind kind, Facts facts) : kind_(kind), facts_(std::move(facts)) {}

  Kind kind() const { return kind_; }
  const Facts& facts() const { return facts_; }
  /// The kind's name ("locked", "unreachable", ...), for logs; users read
  /// the command line's wording.
  const char* what() const noexcept override;

 private:
  Kind kind_;
  Facts facts_;
};

/// The process exit status of `error`: 3 locked, 2 usage (`down`'s and the
/// files' refusals), 1 database, the signal's 130/143 when interrupted.
int ExitCodeOf(const RunError& error);

#endif  // SLUGWRIGHT_MIGRATE_RUN_ERROR_H_
