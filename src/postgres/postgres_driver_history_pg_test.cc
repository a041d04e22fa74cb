// PostgresDriver::ReadHistory on rows written straight into the history
// table: each column reads as the server formatted it before the driver
// read applied_at as an epoch (to_char on the server).

#include <gtest/gtest.h>

#include "base/redactor.h"
#include "postgres/database_url.h"
#include "postgres/history_table.h"
#include "postgres/local_postgres.h"
#include "postgres/postgres_driver.h"
#include "postgres/sql_session.h"
#include "testing/pg_fixture.h"

TEST(PostgresDriverHistory, AppliedAtReadsAsToCharInUtcFormatsIt) {
  PgDatabase db;
  Redactor redactor;
  redactor.AddSecret(TestCluster().password());
  PostgresDriver driver(DatabaseTarget::Parse(db.url()), HistoryTableName(), "history test",
                        &redactor);
  driver.Connect();
  driver.CreateHistoryTables();
  const char* const kTimes[] = {
      "2024-01-01 12:34:56.999999+00", "1969-12-31 23:59:59.5+00", "1970-01-01 00:00:00+00",
      "2024-06-30 23:00:00-05",        "0999-01-01 00:00:00+00",   "10000-01-01 00:00:00+00",
      "0001-01-01 00:00:00+00 BC",     "infinity",                 "-infinity",
      "2000-02-29 23:59:59+00",        "1900-03-01 00:00:01+00",   "2100-12-31 12:00:00+00",
      "1600-02-29 06:07:08+00",        "0044-03-15 12:00:00+00 BC", "4713-11-24 00:00:00+00 BC",
      "1969-12-31 23:59:60+00",        "2038-01-19 03:14:08+00",   "294276-12-31 23:59:59+00"};
  int version = 0;
  for (const char* time : kTimes)
    db.Exec("INSERT INTO slugwright_migrations (version, name, checksum, in_transaction, "
            "applied_at, execution_ms) VALUES (" + std::to_string(++version) + ", 'm', 'c', "
            "true, '" + time + "', 1.25)");
  // And a sweep over 800 years, a few hours off each week.
  db.Exec("INSERT INTO slugwright_migrations (version, name, checksum, in_transaction, "
          "applied_at, execution_ms) SELECT 1000 + i, 'm', 'c', true, timestamptz "
          "'1600-01-01 00:00:00+00' + i * interval '7 days 13 hours 17 minutes 3.5 seconds', "
          "1.25 FROM generate_series(0, 40000) i");
  std::vector<HistoryRow> rows;
  ASSERT_TRUE(driver.ReadHistory(&rows));
  ASSERT_EQ(static_cast<size_t>(version) + 40001, rows.size());
  SqlSession::Rows expected = db.Query(
      "SELECT coalesce(to_char(applied_at AT TIME ZONE 'UTC', "
      "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '') FROM slugwright_migrations ORDER BY version");
  ASSERT_EQ(rows.size(), expected.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(expected[i].at(0), rows[i].applied_at)
        << "version " << rows[i].version
        << (rows[i].version <= version ? std::string(", ") + kTimes[rows[i].version - 1] : "");
    EXPECT_EQ(1.25, rows[i].execution_ms);
  }
}
