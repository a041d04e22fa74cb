#include "sql/splitter.h"

#include <gtest/gtest.h>

#include "base/exit_codes.h"

namespace {

struct SplitCase {
  const char* name;
  std::string script;
  /// Each statement as "<line>:<text>".
  std::vector<std::string> expected;
};

std::vector<std::string> Split(const std::string& script, int first_line = 1) {
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  EXPECT_TRUE(SplitSql(script, first_line, &statements, &error))
      << error.line << ": " << error.message;
  std::vector<std::string> out;
  for (const SqlStatement& s : statements)
    out.push_back(std::to_string(s.line) + ":" + s.text);
  return out;
}

TEST(SqlSplitterTest, Splits) {
  const std::vector<SplitCase> cases = {
      {"empty", "", {}},
      {"whitespace only", " \n\t\r\n ", {}},
      {"comments only", "-- a comment; really\n/* block; */\n", {}},
      {"empty statements", ";;  ;\n;", {}},
      {"no final semicolon", "SELECT 1", {"1:SELECT 1"}},
      {"two on a line", "SELECT 1; SELECT 2;", {"1:SELECT 1;", "1:SELECT 2;"}},
      {"trimmed, first token's line",
       "  \n\nSELECT 1;\n\n  SELECT 2\n  ",
       {"3:SELECT 1;", "5:SELECT 2"}},
      {"leading comment not part of the statement",
       "-- create it\n/* really */ SELECT 1;",
       {"2:SELECT 1;"}},
      {"comment inside kept", "SELECT /* x; */ 1;", {"1:SELECT /* x; */ 1;"}},
      {"trailing comment after last token dropped",
       "SELECT 1 -- done",
       {"1:SELECT 1"}},
      {"line comment hides semicolon and quote",
       "SELECT 1 -- it's; fine\n; SELECT 2",
       {"1:SELECT 1 -- it's; fine\n;", "2:SELECT 2"}},
      {"double dash without space is a comment",
       "SELECT 1--1;\nSELECT 2",
       {"1:SELECT 1--1;\nSELECT 2"}},
      {"quoted string with doubled quote",
       "SELECT 'a;b''c;'; SELECT 2;",
       {"1:SELECT 'a;b''c;';", "1:SELECT 2;"}},
      {"backslash is literal in a standard string",
       "SELECT 'back\\'; SELECT 2",
       {"1:SELECT 'back\\';", "1:SELECT 2"}},
      {"escape string with backslash quote",
       "SELECT E'it\\'s; here'; SELECT 2",
       {"1:SELECT E'it\\'s; here';", "1:SELECT 2"}},
      {"lowercase escape string ending in escaped backslash",
       "SELECT e'a\\\\'; SELECT 2",
       {"1:SELECT e'a\\\\';", "1:SELECT 2"}},
      {"identifier ending in e is not an escape string prefix",
       "SELECT some_e'x\\'; SELECT 2",
       {"1:SELECT some_e'x\\';", "1:SELECT 2"}},
      {"unicode escape string",
       "SELECT U&'d\\0061t;'; SELECT 2",
       {"1:SELECT U&'d\\0061t;';", "1:SELECT 2"}},
      {"quoted identifier",
       "SELECT \"a;\"\"b\" FROM t; SELECT 2",
       {"1:SELECT \"a;\"\"b\" FROM t;", "1:SELECT 2"}},
      {"non-ASCII text",
       "SELECT 'é;' AS ü; SELECT 2",
       {"1:SELECT 'é;' AS ü;", "1:SELECT 2"}},
      {"dollar-quoted body",
       "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
       "SELECT 2;",
       {"1:CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;",
        "2:SELECT 2;"}},
      {"tagged body containing $$ and quotes",
       "DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$; SELECT 1",
       {"1:DO $body$ BEGIN RAISE NOTICE '$$;'; END $body$;", "1:SELECT 1"}},
      {"nested tags",
       "SELECT $a$ $b$ ; $b$ ; $a$; SELECT 2",
       {"1:SELECT $a$ $b$ ; $b$ ; $a$;", "1:SELECT 2"}},
      {"tags are case sensitive",
       "SELECT $T$ ; $t$ ; $T$; SELECT 2",
       {"1:SELECT $T$ ; $t$ ; $T$;", "1:SELECT 2"}},
      {"parameters are not dollar quotes",
       "PREPARE p AS SELECT $1, $2; EXECUTE p(1, 2);",
       {"1:PREPARE p AS SELECT $1, $2;", "1:EXECUTE p(1, 2);"}},
      {"dollar inside an identifier",
       "SELECT a$b$c FROM t; SELECT 2",
       {"1:SELECT a$b$c FROM t;", "1:SELECT 2"}},
      {"lone dollar and unclosed tag",
       "SELECT $ ; SELECT $foo; SELECT 2",
       {"1:SELECT $ ;", "1:SELECT $foo;", "1:SELECT 2"}},
      {"tag may not start with a digit: $1$ is a parameter then a dollar",
       "SELECT $1$; SELECT 2",
       {"1:SELECT $1$;", "1:SELECT 2"}},
      {"nested block comments",
       "SELECT /* a /* b; */ c; */ 1; SELECT 2",
       {"1:SELECT /* a /* b; */ c; */ 1;", "1:SELECT 2"}},
      {"operator followed by a comment",
       "SELECT 2 */* c; */ 3; SELECT 4",
       {"1:SELECT 2 */* c; */ 3;", "1:SELECT 4"}},
      {"semicolons inside parentheses",
       "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); "
       "INSERT INTO b VALUES (2)); SELECT 1",
       {"1:CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); "
        "INSERT INTO b VALUES (2));",
        "1:SELECT 1"}},
      {"unbalanced close parenthesis",
       "SELECT 1); SELECT 2",
       {"1:SELECT 1);", "1:SELECT 2"}},
      {"BEGIN ATOMIC body",
       "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
       "BEGIN ATOMIC\n"
       "  SELECT 1;\n"
       "  SELECT CASE WHEN true THEN 2 END;\n"
       "END;\n"
       "SELECT 3;",
       {"1:CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n"
        "  SELECT 1;\n  SELECT CASE WHEN true THEN 2 END;\nEND;",
        "6:SELECT 3;"}},
      {"create or replace procedure, lower case, comment between words",
       "create or replace procedure p() language sql begin /* x */ atomic "
       "insert into t values (1); end; select 2",
       {"1:create or replace procedure p() language sql begin /* x */ atomic "
        "insert into t values (1); end;",
        "1:select 2"}},
      {"CASE in parentheses inside BEGIN ATOMIC",
       "CREATE FUNCTION f(x int) RETURNS int BEGIN ATOMIC SELECT (CASE x WHEN "
       "1 THEN 2 END); SELECT CASE WHEN x > 1 THEN CASE x WHEN 2 THEN 3 END "
       "END; END; SELECT 9",
       {"1:CREATE FUNCTION f(x int) RETURNS int BEGIN ATOMIC SELECT (CASE x "
        "WHEN 1 THEN 2 END); SELECT CASE WHEN x > 1 THEN CASE x WHEN 2 THEN 3 "
        "END END; END;",
        "1:SELECT 9"}},
      {"transaction BEGIN and END are statements",
       "BEGIN; SELECT 1; END;",
       {"1:BEGIN;", "1:SELECT 1;", "1:END;"}},
      {"function named begin without atomic",
       "CREATE FUNCTION begin() RETURNS int LANGUAGE sql RETURN 1; SELECT 2",
       {"1:CREATE FUNCTION begin() RETURNS int LANGUAGE sql RETURN 1;",
        "1:SELECT 2"}},
      {"BEGIN ATOMIC outside a routine definition does not nest",
       "SELECT begin atomic; SELECT 2",
       {"1:SELECT begin atomic;", "1:SELECT 2"}},
      {"string-literal function body",
       "CREATE FUNCTION f() RETURNS int AS 'select 1;' LANGUAGE sql; SELECT 2;",
       {"1:CREATE FUNCTION f() RETURNS int AS 'select 1;' LANGUAGE sql;",
        "1:SELECT 2;"}},
      {"CRLF and lone CR line endings",
       "SELECT 1;\r\nSELECT 2;\rSELECT 3;\r\n\r\nSELECT 4;",
       {"1:SELECT 1;", "2:SELECT 2;", "3:SELECT 3;", "5:SELECT 4;"}},
      {"line comment ended by a lone CR",
       "SELECT 1 -- x\r; SELECT 2",
       {"1:SELECT 1 -- x\r;", "2:SELECT 2"}},
      {"multi-line string moves the line count",
       "SELECT 'a\nb\nc';\nSELECT 2;",
       {"1:SELECT 'a\nb\nc';", "4:SELECT 2;"}},
      {"concurrent index migration",
       "-- migrate out of a transaction\n"
       "CREATE INDEX CONCURRENTLY users_email ON users (email);\n"
       "CREATE UNIQUE INDEX CONCURRENTLY users_name ON users (lower(name));\n",
       {"2:CREATE INDEX CONCURRENTLY users_email ON users (email);",
        "3:CREATE UNIQUE INDEX CONCURRENTLY users_name ON users (lower(name));"}},
  };
  for (const SplitCase& c : cases)
    EXPECT_EQ(c.expected, Split(c.script)) << c.name;
}

TEST(SqlSplitterTest, CountsLinesFromFirstLine) {
  EXPECT_EQ(std::vector<std::string>({"11:SELECT 1;", "12:SELECT 2"}),
            Split("\nSELECT 1;\nSELECT 2", 10));
}

struct ErrorCase {
  const char* name;
  std::string script;
  int line;
  /// Substrings the message must contain.
  std::vector<std::string> message_parts;
};

TEST(SqlSplitterTest, RejectsUnterminatedConstructs) {
  const std::vector<ErrorCase> cases = {
      {"quoted string", "SELECT 1;\nSELECT 'abc;\n\n", 2,
       {"unterminated quoted string", "`'abc;`", "expected a closing `'`"}},
      {"escape string ending in an escaped quote",
       "SELECT E'abc\\'", 1,
       {"unterminated escape string", "`E'abc\\'`", "backslash"}},
      {"quoted identifier", "\n\nSELECT \"abc", 3,
       {"unterminated quoted identifier", "`\"abc`", "closing `\"`"}},
      {"dollar body", "SELECT 1;\n\nSELECT $x$ abc $y$\n;", 3,
       {"unterminated dollar-quoted string", "`$x$ abc $y$`",
        "expected a closing `$x$`"}},
      {"empty-tag dollar body", "DO $$\nBEGIN\nEND;\n", 1,
       {"dollar-quoted string", "closing `$$`"}},
      {"block comment", "SELECT 1; /* a /* b */\nSELECT 2;", 1,
       {"unterminated block comment", "`/* a /* b */`", "`*/`"}},
      {"unterminated comment inside a statement", "SELECT 1 /*", 1,
       {"block comment"}},
      {"line after CRLF", "SELECT 1;\r\nSELECT 'x", 2, {"quoted string"}},
      {"line after lone CR", "SELECT 1;\r\rSELECT 'x", 3, {"quoted string"}},
  };
  for (const ErrorCase& c : cases) {
    std::vector<SqlStatement> statements;
    SqlSplitError error;
    EXPECT_FALSE(SplitSql(c.script, 1, &statements, &error)) << c.name;
    EXPECT_EQ(c.line, error.line) << c.name;
    for (const std::string& part : c.message_parts)
      EXPECT_NE(std::string::npos, error.message.find(part))
          << c.name << ": " << error.message << " lacks " << part;
  }
}

TEST(SqlSplitterTest, ErrorExcerptIsShortAndKeepsUtf8Whole) {
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  // The quote and 38 ASCII bytes, then two-byte characters: the 40-byte
  // cut falls inside the first one, which is left out whole.
  std::string script = "SELECT '" + std::string(38, 'x') + "éééé";
  ASSERT_FALSE(SplitSql(script, 1, &statements, &error));
  EXPECT_NE(std::string::npos,
            error.message.find("`'" + std::string(38, 'x') + "...`"))
      << error.message;
}

TEST(SqlSplitterTest, ErrorLineCountsFromFirstLine) {
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  ASSERT_FALSE(SplitSql("\n'", 7, &statements, &error));
  EXPECT_EQ(8, error.line);
}

TEST(SqlSplitterTest, OrThrowNamesFileAndLine) {
  EXPECT_EQ(2u, SplitSqlOrThrow("SELECT 1; SELECT 2", "m.sql", 1).size());
  try {
    SplitSqlOrThrow("SELECT 1;\n$$", "migrations/1_a.sql", 5);
    FAIL() << "no error";
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code());
    EXPECT_EQ(0u, std::string(e.what()).find("migrations/1_a.sql:6: "))
        << e.what();
  }
}

}  // namespace

// psql meta-commands were sent to the server as SQL; they are refused when
// the file is read, with the line and what to write instead.
TEST(SqlSplitter, RefusesPsqlMetaCommandsWithWhatToWriteInstead) {
  struct Case {
    const char* script;
    int line;
    const char* part;
  } cases[] = {
      {"CREATE TABLE a (id int);\n\\connect other\nCREATE TABLE b (id int);\n", 2,
       "a migration runs on the database of DATABASE_URL"},
      {"\\c other\n", 1, "psql meta-command `\\c other`"},
      {"SELECT 1 AS one \\gset\n", 1, "write the values into the SQL"},
      {"\\set ON_ERROR_STOP on\nSELECT 1;\n", 1, "write the values into the SQL"},
      {"\\i other.sql\n", 1, "make it a migration of its own"},
      {"\\copy t FROM 'x.csv'\n", 1, "INSERT ... VALUES"},
      {"COPY t FROM stdin;\n1\tone\n\\.\n", 3, "INSERT ... VALUES"},
      {"SELECT 1 \\; SELECT 2;\n", 1, "end the statement with `;`"},
  };
  for (const Case& c : cases) {
    std::vector<SqlStatement> statements;
    SqlSplitError error;
    EXPECT_FALSE(SplitSql(c.script, 1, &statements, &error)) << c.script;
    EXPECT_EQ(c.line, error.line) << c.script;
    EXPECT_NE(std::string::npos, error.message.find(c.part)) << c.script << " -> " << error.message;
  }
  // Backslashes inside strings, comments and dollar quotes are SQL.
  std::vector<SqlStatement> statements;
  SqlSplitError error;
  EXPECT_TRUE(SplitSql("SELECT E'a\\\\b', 'c\\d', $$\\x$$; -- \\c db\n/* \\i f */ SELECT 1;", 1,
                       &statements, &error))
      << error.message;
  EXPECT_EQ(2u, statements.size());
}

// With standard_conforming_strings off, '\'' does not end a string: the
// splitter reads it as the server does, from the option or a SET in the
// script.
TEST(SqlSplitter, FollowsStandardConformingStrings) {
  const char* script = "SELECT 'a\\'; DROP TABLE t; --';\nSELECT 1;\n";
  std::vector<SqlStatement> on, off;
  SqlSplitError error;
  ASSERT_TRUE(SplitSql(script, 1, &on, &error)) << error.message;
  EXPECT_EQ(3u, on.size());  // `'a\'` ends at the second quote
  SqlSplitOptions options;
  options.standard_conforming_strings = false;
  ASSERT_TRUE(SplitSql(script, 1, &off, &error, options)) << error.message;
  ASSERT_EQ(2u, off.size());
  EXPECT_EQ("SELECT 'a\\'; DROP TABLE t; --';", off[0].text);

  std::vector<SqlStatement> with_set;
  std::string set_script = std::string("SET standard_conforming_strings = off;\n") + script +
                           "SET standard_conforming_strings TO on;\nSELECT 'x\\';\n";
  ASSERT_TRUE(SplitSql(set_script, 1, &with_set, &error)) << error.message;
  ASSERT_EQ(5u, with_set.size());  // SET, the string, SELECT 1, SET, SELECT
  EXPECT_EQ("SELECT 'a\\'; DROP TABLE t; --';", with_set[1].text);
  EXPECT_EQ("SELECT 'x\\';", with_set[4].text);
}
