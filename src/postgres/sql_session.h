#ifndef SLUGWRIGHT_POSTGRES_SQL_SESSION_H_
#define SLUGWRIGHT_POSTGRES_SQL_SESSION_H_

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

/// A plain SQL session on one PostgreSQL connection, for the parts that
/// need catalog queries or administrative statements but not the
/// migration driver: rehearse's snapshot, scratch database and observer,
/// and the PostgreSQL tests. Every statement runs outside any transaction
/// the session did not open itself (BEGIN/COMMIT are plain statements).
/// This and the driver are the only ways the rest of slugwright reaches
/// PostgreSQL; neither shows libpqxx in its header.
class SqlSession {
 public:
  /// A statement the server refused.
  struct Error : std::runtime_error {
    Error(const std::string& message, std::string sqlstate)
        : std::runtime_error(message), sqlstate(std::move(sqlstate)) {}
    /// The SQLSTATE code ("42P01"), empty when the server sent none.
    std::string sqlstate;
  };
  /// Result rows; a NULL is read as "".
  using Rows = std::vector<std::vector<std::string>>;

  /// Connects; throws std::runtime_error (libpq's message, which may name
  /// the host but never the password) when it cannot.
  explicit SqlSession(const std::string& conninfo);
  ~SqlSession();
  SqlSession(const SqlSession&) = delete;
  SqlSession& operator=(const SqlSession&) = delete;

  /// Runs `sql` (one or more statements); the rows of the last one.
  /// Throws Error when the server refuses it, std::runtime_error when the
  /// connection is lost.
  Rows Query(const std::string& sql);
  /// The first column of the first row; "" without rows.
  std::string Scalar(const std::string& sql);
  /// A string literal for SQL: 'it''s'.
  std::string Quote(const std::string& value) const;
  /// An identifier for SQL: "My Table".
  std::string QuoteName(const std::string& name) const;
  /// The server's backend process id.
  int BackendPid() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

#endif  // SLUGWRIGHT_POSTGRES_SQL_SESSION_H_
