#ifndef SLUGWRIGHT_TESTING_FAKE_FOREIGN_TABLES_H_
#define SLUGWRIGHT_TESTING_FAKE_FOREIGN_TABLES_H_

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "migrate/foreign_tables.h"
#include "testing/fake_history_store.h"

/// Other tools' history tables in memory, and slugwright's own history
/// (once created) as the table `slugwright_migrations` a plain SELECT
/// shows. It passes ForeignTablesContract (testing/driver_contract.h).
class FakeForeignTables : public virtual ForeignTables, public virtual FakeHistoryTable {
 public:
  /// Another tool's history tables (foreign_history.h): name -> columns
  /// and rows as text.
  struct ForeignTable {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;
  };
  std::map<std::string, ForeignTable> foreign_tables;
  /// What OtherHistoryTables() finds.
  std::vector<std::string> other_history_tables;

  std::map<std::string, std::vector<std::string>> ForeignTableColumns(
      const std::vector<std::string>& tables) override {
    ++calls["foreign_tables"];
    ++queries_;
    std::map<std::string, std::vector<std::string>> found;
    for (const auto& t : tables) {
      if (t == "slugwright_migrations" && history_exists) found[t] = HistoryAsTable().columns;
      auto it = foreign_tables.find(t);
      if (it != foreign_tables.end()) found[t] = it->second.columns;
    }
    return found;
  }
  std::vector<std::vector<std::string>> ReadForeignTable(
      const std::string& table, const std::vector<std::string>& columns) override {
    ++queries_;
    std::map<std::string, ForeignTable> tables = foreign_tables;
    if (history_exists) tables["slugwright_migrations"] = HistoryAsTable();
    auto it = tables.find(table);
    if (it == tables.end())
      throw DatabaseError("relation \"" + table + "\" does not exist", "42P01", false);
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : it->second.rows) {
      std::vector<std::string> picked;
      for (const auto& c : columns) {
        auto col = std::find(it->second.columns.begin(), it->second.columns.end(), c);
        if (col == it->second.columns.end())
          throw DatabaseError("column \"" + c + "\" does not exist", "42703", false);
        picked.push_back(row[col - it->second.columns.begin()]);
      }
      rows.push_back(picked);
    }
    return rows;
  }
  std::vector<std::string> OtherHistoryTables() override {
    ++queries_;
    return other_history_tables;
  }

 private:
  /// The history as the database shows it to a plain SELECT (committed).
  ForeignTable HistoryAsTable() const {
    ForeignTable t{{"version", "name", "checksum", "state"}, {}};
    for (const auto& [v, r] : history)
      t.rows.push_back({std::to_string(v), r.name, r.checksum, ToString(r.state)});
    return t;
  }
};

#endif  // SLUGWRIGHT_TESTING_FAKE_FOREIGN_TABLES_H_
