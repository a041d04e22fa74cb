// Reliability suite: the splitter lexes migration files as the server does.
// On a database set to standard_conforming_strings = off (legacy apps), a
// backslash escapes a quote inside '...', as psql and the server read it.

#include <gtest/gtest.h>

#include "testing/reliability_fixture.h"

namespace {

using reliability::Contains;

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

}  // namespace
