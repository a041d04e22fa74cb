#include "sql/statement_rules.h"

#include <gtest/gtest.h>

namespace {

std::string Check(const std::string& text, bool in_transaction) {
  return CheckStatement({text, 1}, in_transaction, "-- migrate:up transaction:false");
}

}  // namespace

TEST(StatementRules, CopyFromStdinIsRefusedEitherWay) {
  for (bool in_transaction : {true, false}) {
    std::string why = Check("COPY t (a, b) FROM stdin;", in_transaction);
    EXPECT_NE(std::string::npos, why.find("reads rows that slugwright does not send")) << why;
    EXPECT_NE(std::string::npos, Check("copy public.t from STDIN with (format csv)",
                                       in_transaction)
                                     .find("COPY"));
  }
  EXPECT_EQ("", Check("COPY t FROM '/srv/data.csv';", true));
}

TEST(StatementRules, CopyToStdoutIsRefusedEitherWayWithWhatToWriteInstead) {
  for (bool in_transaction : {true, false}) {
    for (const char* s : {"COPY (SELECT 1) TO STDOUT;", "copy t to stdout with (format csv)",
                          "COPY public.t (a, b) TO STDOUT;",
                          "COPY (SELECT a FROM t WHERE b = ')') TO\n  STDOUT (FORMAT csv);"}) {
      std::string why = Check(s, in_transaction);
      EXPECT_NE(std::string::npos, why.find("`COPY ... TO STDOUT` sends rows")) << s;
      EXPECT_NE(std::string::npos, why.find("COPY ... TO '/path'")) << why;
    }
  }
  EXPECT_EQ("", Check("COPY t TO '/srv/data.csv';", true));
  EXPECT_EQ("", Check("COPY (SELECT 'to stdout') TO '/srv/x.csv';", true));
  EXPECT_EQ("", Check("SELECT 'COPY t TO STDOUT';", true));
}

TEST(StatementRules, WhatCannotRunInATransactionNamesTheAnnotation) {
  const char* statements[] = {
      "CREATE INDEX CONCURRENTLY i ON t (c);", "create unique index concurrently i on t (c)",
      "DROP INDEX CONCURRENTLY i;",           "REINDEX TABLE CONCURRENTLY t;",
      "VACUUM ANALYZE t;",                    "CREATE DATABASE other;",
      "ALTER SYSTEM SET work_mem = '8MB';",
  };
  for (const char* s : statements) {
    std::string why = Check(s, true);
    EXPECT_NE(std::string::npos, why.find("cannot run inside a transaction block")) << s;
    EXPECT_NE(std::string::npos, why.find("add `-- migrate:up transaction:false`")) << why;
    EXPECT_EQ("", Check(s, false)) << s;
  }
  EXPECT_NE(std::string::npos, Check("CREATE INDEX CONCURRENTLY i ON t (c);", true)
                                   .find("`CREATE INDEX CONCURRENTLY` cannot run"));
  EXPECT_EQ("", Check("CREATE INDEX i ON t (c);", true));
  EXPECT_EQ("", Check("CREATE TABLE vacuum_log (id int);", true));
}

TEST(StatementRules, TransactionControlIsRefusedWhenStatementsGoOneByOne) {
  for (const char* s : {"BEGIN;", "begin transaction isolation level serializable;",
                        "START TRANSACTION;", "COMMIT;", "END;", "ROLLBACK;", "SAVEPOINT a;",
                        "RELEASE SAVEPOINT a;", "ABORT;"}) {
    std::string why = Check(s, false);
    EXPECT_NE(std::string::npos, why.find("explicit transaction control")) << s;
    EXPECT_EQ("", Check(s, true)) << s;
  }
  EXPECT_EQ("", Check("INSERT INTO ends (x) VALUES (1);", false));
  EXPECT_EQ("", Check("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;",
                      false));
}

// The server reads a migration sent in one transaction whole before a SET
// in it runs, so turning standard_conforming_strings off there would not
// change how the strings after it are read; statement by statement it does.
TEST(StatementRules, TurningStandardConformingStringsOffInATransactionIsRefused) {
  for (const char* s : {"SET standard_conforming_strings = off;",
                        "set session standard_conforming_strings to 'off';",
                        "SET LOCAL standard_conforming_strings=false;"}) {
    std::string why = Check(s, true);
    EXPECT_NE(std::string::npos, why.find("reads the whole migration before this SET runs"))
        << s;
    EXPECT_NE(std::string::npos, why.find("-- migrate:up transaction:false")) << s;
    EXPECT_EQ("", Check(s, false)) << s;
  }
  // pg_dump's header sets it on, which changes nothing on today's servers.
  EXPECT_EQ("", Check("SET standard_conforming_strings = on;", true));
  EXPECT_EQ("", Check("SET standard_conforming_strings_x = off;", true));
}
