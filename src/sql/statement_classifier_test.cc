#include "sql/statement_classifier.h"

#include <gtest/gtest.h>

namespace {

ClassifiedStatement Classify(const std::string& text) { return ClassifyStatement(text); }

}  // namespace

TEST(StatementClassifier, CreateIndexWithEveryClause) {
  ClassifiedStatement s = Classify(
      "create UNIQUE index CONCURRENTLY if not exists \"My Idx\" on only Sales.\"Orders\" (id);");
  EXPECT_EQ(StatementKind::kCreateIndex, s.kind);
  EXPECT_TRUE(s.unique);
  EXPECT_TRUE(s.concurrently);
  EXPECT_TRUE(s.if_exists_clause);
  EXPECT_TRUE(s.only);
  EXPECT_EQ("My Idx", s.name.name);
  EXPECT_EQ("sales", s.table.schema);
  EXPECT_EQ("Orders", s.table.name);
  EXPECT_EQ("CREATE UNIQUE INDEX CONCURRENTLY", s.keywords);
  EXPECT_TRUE(s.CannotRunInTransaction());
  EXPECT_FALSE(s.BuildsIndexBlockingWrites());
}

TEST(StatementClassifier, CreateIndexWithoutConcurrentlyBlocksWrites) {
  for (const char* text : {"CREATE INDEX i ON t (c);", "CREATE INDEX ON t (c)",
                           "  create unique index i on public.t using btree (c)",
                           "CREATE /* CONCURRENTLY */ INDEX i ON t (c);",
                           "CREATE INDEX -- concurrently\n i ON t (c);",
                           "CREATE INDEX \"concurrently\" ON t (c);"}) {
    ClassifiedStatement s = Classify(text);
    EXPECT_EQ(StatementKind::kCreateIndex, s.kind) << text;
    EXPECT_TRUE(s.BuildsIndexBlockingWrites()) << text;
    EXPECT_FALSE(s.CannotRunInTransaction()) << text;
    EXPECT_EQ("t", s.table.name) << text;
  }
  ClassifiedStatement unnamed = Classify("CREATE INDEX ON t (c)");
  EXPECT_EQ("", unnamed.name.name);
  ClassifiedStatement quoted = Classify("CREATE INDEX \"concurrently\" ON t (c);");
  EXPECT_EQ("concurrently", quoted.name.name);
}

TEST(StatementClassifier, KeywordsInsideStringsAndCommentsAreNotKeywords) {
  EXPECT_EQ(StatementKind::kOther, Classify("SELECT 'CREATE INDEX CONCURRENTLY i ON t'").kind);
  EXPECT_EQ(StatementKind::kOther, Classify("\"vacuum\" ;").kind);
  EXPECT_EQ(StatementKind::kOther, Classify("SELECT $$VACUUM$$;").kind);
  EXPECT_EQ(StatementKind::kCreateTable, Classify("CREATE TABLE vacuum_log (id int);").kind);
  EXPECT_EQ(StatementKind::kOther, Classify("vacuum_full t;").kind);
  ClassifiedStatement copy = Classify("COPY (SELECT E'it\\'s to stdout', $x$from stdin$x$) TO '/tmp/f';");
  EXPECT_EQ(StatementKind::kCopy, copy.kind);
  EXPECT_FALSE(copy.copy_to_stdout);
  EXPECT_FALSE(copy.copy_from_stdin);
}

TEST(StatementClassifier, CreateTable) {
  ClassifiedStatement s = Classify("CREATE UNLOGGED TABLE IF NOT EXISTS app.\"Users\" (id int);");
  EXPECT_EQ(StatementKind::kCreateTable, s.kind);
  EXPECT_TRUE(s.unlogged);
  EXPECT_FALSE(s.temporary);
  EXPECT_TRUE(s.if_exists_clause);
  EXPECT_EQ("app.Users", s.name.Display());
  ClassifiedStatement temp = Classify("create global temporary table t (id int)");
  EXPECT_EQ(StatementKind::kCreateTable, temp.kind);
  EXPECT_TRUE(temp.temporary);
  ClassifiedStatement three_parts = Classify("CREATE TABLE db.s.T (id int)");
  EXPECT_EQ("s.t", three_parts.name.Display());
  // A long CREATE TABLE: the name is among the first tokens.
  std::string wide = "CREATE TABLE wide (";
  for (int i = 0; i < 100; ++i) wide += "c" + std::to_string(i) + " int, ";
  wide += "last int);";
  EXPECT_EQ("wide", Classify(wide).name.name);
}

TEST(StatementClassifier, DropIndexAndDropTableListTheirNames) {
  ClassifiedStatement s = Classify("DROP INDEX CONCURRENTLY IF EXISTS a, s.b;");
  EXPECT_EQ(StatementKind::kDropIndex, s.kind);
  EXPECT_TRUE(s.concurrently);
  EXPECT_TRUE(s.if_exists_clause);
  ASSERT_EQ(2u, s.names.size());
  EXPECT_EQ("s.b", s.names[1].Display());
  EXPECT_EQ("DROP INDEX CONCURRENTLY", s.keywords);
  EXPECT_TRUE(s.CannotRunInTransaction());
  ClassifiedStatement t = Classify("drop table x,\n y");
  EXPECT_EQ(StatementKind::kDropTable, t.kind);
  ASSERT_EQ(2u, t.names.size());
  EXPECT_EQ(2, t.names[1].line);
  EXPECT_FALSE(t.CannotRunInTransaction());
  // A long list is read to its end.
  std::string many = "DROP TABLE t0";
  for (int i = 1; i < 40; ++i) many += ", t" + std::to_string(i);
  EXPECT_EQ(40u, Classify(many).names.size());
}

TEST(StatementClassifier, Reindex) {
  ClassifiedStatement s = Classify("REINDEX (VERBOSE) TABLE CONCURRENTLY app.t;");
  EXPECT_EQ(StatementKind::kReindex, s.kind);
  EXPECT_TRUE(s.concurrently);
  EXPECT_EQ("REINDEX ( VERBOSE ) TABLE CONCURRENTLY", s.keywords);
  EXPECT_EQ("app.t", s.name.Display());
  EXPECT_TRUE(Classify("REINDEX (CONCURRENTLY) INDEX i").concurrently);
  ClassifiedStatement plain = Classify("REINDEX INDEX i;");
  EXPECT_FALSE(plain.concurrently);
  EXPECT_FALSE(plain.CannotRunInTransaction());
  EXPECT_EQ("REINDEX", plain.keywords);
}

TEST(StatementClassifier, AlterTableActions) {
  ClassifiedStatement s = Classify(
      "ALTER TABLE IF EXISTS ONLY public.t ADD COLUMN a int DEFAULT f(1, 2), DROP COLUMN b;");
  EXPECT_EQ(StatementKind::kAlterTable, s.kind);
  EXPECT_TRUE(s.if_exists_clause);
  EXPECT_TRUE(s.only);
  EXPECT_EQ("public.t", s.name.Display());
  ASSERT_EQ(2u, s.actions.size());
  SqlTokens tokens = TokenizeSql("ALTER TABLE IF EXISTS ONLY public.t ADD COLUMN a int DEFAULT "
                                 "f(1, 2), DROP COLUMN b;", 1);
  EXPECT_TRUE(tokens.tokens[s.actions[0].first].IsWord("add"));
  EXPECT_TRUE(tokens.tokens[s.actions[1].first].IsWord("drop"));
  EXPECT_TRUE(tokens.tokens[s.actions[1].second].IsSymbol(";"));
  EXPECT_FALSE(s.detaches_partition_concurrently);
  EXPECT_TRUE(Classify("ALTER TABLE m DETACH PARTITION m_2020 CONCURRENTLY")
                  .detaches_partition_concurrently);
  EXPECT_FALSE(Classify("ALTER TABLE m DETACH PARTITION m_2020 FINALIZE")
                   .detaches_partition_concurrently);
}

TEST(StatementClassifier, AlterTypeAlterSystemVacuumDatabases) {
  ClassifiedStatement type = Classify("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';");
  EXPECT_EQ(StatementKind::kAlterType, type.kind);
  EXPECT_TRUE(type.adds_enum_value);
  EXPECT_EQ("mood", type.name.name);
  EXPECT_FALSE(Classify("ALTER TYPE mood RENAME VALUE 'a' TO 'b'").adds_enum_value);
  struct Case {
    const char* text;
    StatementKind kind;
    const char* keywords;
  } cases[] = {
      {"alter system set work_mem = '8MB'", StatementKind::kAlterSystem, "ALTER SYSTEM"},
      {"VACUUM (ANALYZE) t;", StatementKind::kVacuum, "VACUUM"},
      {"CREATE DATABASE other", StatementKind::kCreateDatabase, "CREATE DATABASE"},
      {"DROP DATABASE IF EXISTS other", StatementKind::kDropDatabase, "DROP DATABASE"},
      {"CREATE TABLESPACE s LOCATION '/x'", StatementKind::kCreateTablespace, "CREATE TABLESPACE"},
      {"drop tablespace s", StatementKind::kDropTablespace, "DROP TABLESPACE"},
  };
  for (const Case& c : cases) {
    ClassifiedStatement s = Classify(c.text);
    EXPECT_EQ(c.kind, s.kind) << c.text;
    EXPECT_EQ(c.keywords, s.keywords) << c.text;
    EXPECT_TRUE(s.CannotRunInTransaction()) << c.text;
  }
}

TEST(StatementClassifier, Copy) {
  ClassifiedStatement in = Classify("COPY public.t (a, b) FROM stdin WITH (FORMAT csv);");
  EXPECT_EQ(StatementKind::kCopy, in.kind);
  EXPECT_TRUE(in.copy_from_stdin);
  EXPECT_FALSE(in.copy_to_stdout);
  EXPECT_EQ("public.t", in.name.Display());
  ClassifiedStatement out = Classify("COPY (SELECT a FROM t WHERE b = ')') TO\n STDOUT;");
  EXPECT_TRUE(out.copy_to_stdout);
  EXPECT_EQ("", out.name.name);
  EXPECT_FALSE(Classify("COPY t FROM '/srv/stdin'").copy_from_stdin);
}

TEST(StatementClassifier, TransactionControl) {
  struct Case {
    const char* text;
    const char* keywords;
  } cases[] = {{"BEGIN;", "BEGIN"},
               {"begin transaction isolation level serializable", "BEGIN TRANSACTION"},
               {"START TRANSACTION;", "START TRANSACTION"},
               {"commit", "COMMIT"},
               {"END;", "END"},
               {"ROLLBACK TO SAVEPOINT a;", "ROLLBACK TO"},
               {"ABORT", "ABORT"},
               {"SAVEPOINT \"Mine\";", "SAVEPOINT Mine"},
               {"RELEASE SAVEPOINT a", "RELEASE SAVEPOINT"},
               {"PREPARE TRANSACTION 'x'", "PREPARE TRANSACTION"},
               {"COMMIT PREPARED 'x'", "COMMIT PREPARED"}};
  for (const Case& c : cases) {
    ClassifiedStatement s = Classify(c.text);
    EXPECT_EQ(StatementKind::kTransactionControl, s.kind) << c.text;
    EXPECT_EQ(c.keywords, s.keywords) << c.text;
  }
  for (const char* text : {"START foo", "PREPARE q AS SELECT 1", "ending", "INSERT INTO ends VALUES (1)",
                           "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; END;"})
    EXPECT_NE(StatementKind::kTransactionControl, Classify(text).kind) << text;
}

TEST(StatementClassifier, Set) {
  ClassifiedStatement s = Classify("set LOCAL Standard_Conforming_Strings TO 'OFF';");
  EXPECT_EQ(StatementKind::kSet, s.kind);
  EXPECT_EQ("local", s.set_scope);
  EXPECT_EQ("standard_conforming_strings", s.setting);
  EXPECT_EQ("OFF", s.set_value);
  ClassifiedStatement eq = Classify("SET lock_timeout='5s'");
  EXPECT_EQ("lock_timeout", eq.setting);
  EXPECT_EQ("5s", eq.set_value);
  EXPECT_EQ("", eq.set_scope);
  EXPECT_EQ("false", Classify("SET x=false").set_value);
  EXPECT_EQ("", Classify("SET \"x\" = 1").setting);
}

TEST(StatementClassifier, EmptyAndOddInputs) {
  for (const char* text : {"", ";", "-- only a comment", "(", "create", "drop index", "alter table",
                           "copy", "set", "'unterminated", "$x$ abc", "REINDEX ((("}) {
    ClassifiedStatement s = Classify(text);
    EXPECT_FALSE(s.CannotRunInTransaction()) << text;
    EXPECT_FALSE(s.copy_from_stdin || s.copy_to_stdout) << text;
  }
  EXPECT_EQ(StatementKind::kOther, Classify("").kind);
  ClassifiedStatement alter = Classify("ALTER TABLE t");
  ASSERT_EQ(1u, alter.actions.size());
  EXPECT_EQ(alter.actions[0].first, alter.actions[0].second);
}

// The text is lexed only as far as the classifier reads: a name of many
// parts, or a statement whose facts lie far in, is lexed on to its end.
TEST(StatementClassifier, ReadsPastTheFirstTokensWhenItMust) {
  std::string parts = "a";
  for (int i = 0; i < 30; ++i) parts += ".a";
  ClassifiedStatement index = Classify("CREATE INDEX " + parts + " ON t (c)");
  EXPECT_EQ("t", index.table.name);
  std::string columns;
  for (int i = 0; i < 40; ++i) columns += "c" + std::to_string(i) + ", ";
  EXPECT_TRUE(Classify("COPY t (" + columns + "last) FROM STDIN").copy_from_stdin);
  EXPECT_TRUE(Classify("ALTER TABLE t ADD COLUMN x int DEFAULT (" + columns +
                       "1), DETACH PARTITION p CONCURRENTLY")
                  .detaches_partition_concurrently);
}
