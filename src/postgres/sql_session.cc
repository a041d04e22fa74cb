#include "postgres/sql_session.h"

#include <pqxx/pqxx>

struct SqlSession::Impl {
  explicit Impl(const std::string& conninfo) : conn(conninfo) {}
  pqxx::connection conn;
};

SqlSession::SqlSession(const std::string& conninfo) : impl_(std::make_unique<Impl>(conninfo)) {}

SqlSession::~SqlSession() = default;

SqlSession::Rows SqlSession::Query(const std::string& sql) {
  pqxx::result result;
  try {
    pqxx::nontransaction work(impl_->conn);
    result = work.exec(sql);
  } catch (const pqxx::sql_error& e) {
    throw Error(e.what(), e.sqlstate());
  }
  Rows rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    std::vector<std::string> values;
    values.reserve(row.size());
    for (const auto& field : row) values.push_back(field.is_null() ? "" : field.c_str());
    rows.push_back(std::move(values));
  }
  return rows;
}

std::string SqlSession::Scalar(const std::string& sql) {
  Rows rows = Query(sql);
  return rows.empty() || rows[0].empty() ? "" : rows[0][0];
}

std::string SqlSession::Quote(const std::string& value) const { return impl_->conn.quote(value); }

std::string SqlSession::QuoteName(const std::string& name) const {
  return impl_->conn.quote_name(name);
}

int SqlSession::BackendPid() const { return impl_->conn.backendpid(); }
