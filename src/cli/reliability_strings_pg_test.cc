// Reliability suite: the splitter lexes migration files as the server does.
// On a database set to standard_conforming_strings = off (legacy apps), a
// backslash escapes a quote inside '...', as psql and the server read it;
// and a migration's `SET standard_conforming_strings` stays in its file.

#include <gtest/gtest.h>

#include "testing/reliability_fixture.h"

namespace {


// A transaction:false file is split by slugwright and its statements sent
// one by one: `('a\'; b')` is one string on this database, and cut at the
// `;` inside it, the server would get an unterminated string. The
// transactional file `'it\'s'` does not even lex with the default.
TEST_F(Reliability, DatabaseWithStandardConformingStringsOffIsSplitAsTheServerReadsIt) {
  db_.Exec("ALTER DATABASE " + db_.name() + " SET standard_conforming_strings = off");
  Write("20240101000000_t.sql", "-- migrate:up\nCREATE TABLE t (v text);\n");
  Write("20240102000000_seed.sql",
        "-- migrate:up transaction:false\n"
        "INSERT INTO t VALUES ('a\\'; b');\n"
        "INSERT INTO t VALUES ('c');\n");
  Write("20240103000000_quote.sql", "-- migrate:up\nINSERT INTO t VALUES ('it\\'s');\n");

  RunResult offline = Run({"migrate", "validate", "--offline", "--dir", Dir()});
  EXPECT_EQ(offline.code, 2) << offline.all();  // offline: the default, on
  EXPECT_TRUE(Contains(offline.err, "unterminated")) << offline.err;

  RunResult status = Run({"migrate", "status", "--dir", Dir()});
  EXPECT_EQ(status.code, 0) << status.all();
  RunResult up = Run(Up());
  ASSERT_EQ(up.code, 0) << up.all();
  EXPECT_EQ(RowState(20240102000000), "applied 2/2");
  EXPECT_EQ(Scalar("SELECT string_agg(v, '|' ORDER BY v) FROM t"), "a'; b|c|it's");
  RunResult again = Run(Up());
  EXPECT_EQ(again.code, 0) << again.all();
}

// A file that lexes either way, differently: read before connecting with the
// default, read again once the server's session set-up says `off`.
TEST_F(Reliability, FileThatLexesEitherWayIsReadAgainAsTheServerReadsIt) {
  db_.Exec("ALTER DATABASE " + db_.name() + " SET standard_conforming_strings = off");
  Write("20240101000000_t.sql", "-- migrate:up\nCREATE TABLE t (v text);\n");
  Write("20240102000000_seed.sql",
        "-- migrate:up transaction:false\n"
        "INSERT INTO t VALUES ('d\\'); INSERT INTO t VALUES (''e''); --');\n");
  RunResult up = Run(Up());
  ASSERT_EQ(up.code, 0) << up.all();
  EXPECT_EQ(RowState(20240102000000), "applied 1/1");
  EXPECT_EQ(Scalar("SELECT string_agg(v, '|') FROM t"), "d'); INSERT INTO t VALUES ('e'); --");
  RunResult dry = Run(Up({"--dry-run"}));
  EXPECT_EQ(dry.code, 0) << dry.all();
}

// A migration that sets standard_conforming_strings changes it for its own
// file only: the splitter follows the `SET` within that file and starts
// every other file from the value the session had at connect, so before
// the next migration the session is set back to that value (a round trip
// of its own, sent only after a migration that names the setting), or the
// server would read the next file's strings differently from how they
// were split.
//
// Migration 1 switches the setting off (a legacy dump; transaction:false, so
// its statements are sent one by one and the server reads the `\'` after
// the SET as the splitter does); migrations 2 and 3 end a string with a backslash, which with `off` would escape the quote
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
