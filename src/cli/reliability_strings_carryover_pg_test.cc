// Reliability suite: a migration that sets standard_conforming_strings
// changes it for its own file only. The splitter follows the `SET` within
// that file and starts every other file from the value the session had at
// connect, so the session is set back to that value before each migration
// (with lock_timeout and statement_timeout), or the server would read the
// next file's strings differently from how it was split.

#include <gtest/gtest.h>

#include "testing/reliability_fixture.h"

namespace {

// Migration 1 switches the setting off (a legacy dump; transaction:false, so
// its statements are sent one by one and the server reads the `\'` after
// the SET as the splitter does); migrations 2 and 3
// end a string with a backslash, which with `off` would escape the quote
// and swallow the rest of the query: the history insert in a transactional
// file, the next statement in a transaction:false one.
TEST_F(Reliability, StandardConformingStringsSetByOneMigrationDoesNotCarryOverToTheNext) {
  Write("20240101000000_legacy.sql",
        "-- migrate:up transaction:false\nSET standard_conforming_strings = off;\n"
        "CREATE TABLE t (v text);\nINSERT INTO t VALUES ('it\\'s');\n");
  Write("20240102000000_path.sql", "-- migrate:up\nINSERT INTO t VALUES ('C:\\');\n");
  Write("20240103000000_seed.sql",
        "-- migrate:up transaction:false\n"
        "INSERT INTO t VALUES ('x\\');\nINSERT INTO t VALUES ('y');\n");

  RunResult up = Run(Up());
  ASSERT_EQ(up.code, 0) << up.all();
  EXPECT_EQ(HistoryCount(), 3);
  EXPECT_EQ(RowState(20240103000000), "applied 2/2");
  EXPECT_EQ(Scalar("SELECT string_agg(v, '|' ORDER BY v) FROM t"), "C:\\|it's|x\\|y");
}

}  // namespace
