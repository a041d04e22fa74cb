#ifndef SLUGWRIGHT_MIGRATE_DATABASE_ERROR_H_
#define SLUGWRIGHT_MIGRATE_DATABASE_ERROR_H_

// The one error every database role throws (database_driver.h), on its own
// so that code deciding on errors (LockTimeoutRetry's 55P03 rule) needs no
// role at all.

#include <stdexcept>
#include <string>

/// A failure reported by the database or the connection. The message is
/// already scrubbed of the password.
class DatabaseError : public std::runtime_error {
 public:
  DatabaseError(const std::string& message, const std::string& sqlstate,
                bool connection_lost)
      : std::runtime_error(message), sqlstate_(sqlstate),
        connection_lost_(connection_lost) {}
  /// The SQLSTATE, e.g. "55P03" (lock_not_available), "57014"
  /// (query_canceled); empty when the server sent none.
  const std::string& sqlstate() const { return sqlstate_; }
  /// The session is gone (killed, network, server restart).
  bool connection_lost() const { return connection_lost_; }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

#endif  // SLUGWRIGHT_MIGRATE_DATABASE_ERROR_H_
