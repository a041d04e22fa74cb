// Reliability suite: the splitter against psql. Each file of a corpus
// written here (dollar tags nested and tagged, nested comments, E'' and
// U&'' strings with UESCAPE, a rule with several actions, BEGIN ATOMIC
// bodies, standard_conforming_strings off) is run by
// `psql -v ON_ERROR_STOP=1 -f` on one fresh database and by slugwright as
// a transaction:false migration (split, then sent statement by statement)
// on another; both must leave the same schema and rows (pg_dump).

#include <array>
#include <cstdio>
#include <gtest/gtest.h>
#include <memory>
#include <regex>

#include "postgres/local_postgres.h"
#include "testing/reliability_fixture.h"

namespace {

struct CorpusFile {
  const char* name;
  const char* sql;
};

const CorpusFile kCorpus[] = {
    {"dollar_tags", R"SQL(CREATE TABLE log (id serial PRIMARY KEY, v text);
CREATE FUNCTION outer_fn() RETURNS text LANGUAGE plpgsql AS $outer$
BEGIN
  EXECUTE $inner$INSERT INTO log (v) VALUES ('inner; $$ not the end')$inner$;
  RETURN $$a;b$$ || $_$;$_$ || $a1$$$ inside; $inner$ too$a1$;
END;
$outer$;
SELECT outer_fn();
INSERT INTO log (v) VALUES ($x$it's; "quoted"$x$), ($$$$), ($q$$1 $2;$q$);
DO $do$ BEGIN INSERT INTO log (v) VALUES ('from do;'); END $do$;
)SQL"},
    {"nested_comments", R"SQL(/* a /* nested; */ comment; */ CREATE TABLE c (v text);
-- a line comment; with ' a quote
INSERT INTO c VALUES ('x') /* trailing; /* deeper */ */;
INSERT INTO c /* inside; */ VALUES ('-- not a comment; /* nor this */');
/* only a comment; */
INSERT INTO c VALUES ('y'); -- after; it
)SQL"},
    {"escape_and_unicode_strings", R"SQL(CREATE TABLE s (v text);
INSERT INTO s VALUES (E'it\'s; \\ fine'), (e'tab\there;'), (E'\x41\101;');
INSERT INTO s VALUES (U&'d\0061t\+000061;'), (U&'d!0061t!+000061' UESCAPE '!');
INSERT INTO s VALUES ('plain '' quote; here'), ('back\slash;');
CREATE TABLE "odd; ""name""" (U&"d\0061t;" text);
INSERT INTO "odd; ""name""" ("dat;") VALUES ('x');
)SQL"},
    {"rule_with_several_actions", R"SQL(CREATE TABLE t (id int);
CREATE TABLE audit (what text, id int);
CREATE RULE t_log AS ON INSERT TO t DO ALSO (
  INSERT INTO audit VALUES ('first;', NEW.id);
  INSERT INTO audit VALUES ('second;', NEW.id)
);
INSERT INTO t VALUES (1), (2);
)SQL"},
    {"begin_atomic", R"SQL(CREATE TABLE n (v int);
CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE sql
BEGIN ATOMIC
  SELECT x + 1;
END;
CREATE OR REPLACE PROCEDURE put(x int) LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO n VALUES (x);
  INSERT INTO n VALUES (add_one(x));
END;
CALL put(10);
CREATE FUNCTION cased(x int) RETURNS text LANGUAGE sql
BEGIN ATOMIC
  SELECT CASE WHEN x > 0 THEN 'pos;' ELSE 'neg;' END;
END;
INSERT INTO n SELECT length(cased(1));
)SQL"},
    {"standard_conforming_strings_off", R"SQL(CREATE TABLE o (v text);
SET standard_conforming_strings = off;
INSERT INTO o VALUES ('a\'; b');
INSERT INTO o VALUES ('d\'); INSERT INTO o VALUES (''e''); --');
SET standard_conforming_strings = on;
INSERT INTO o VALUES ('back\'); INSERT INTO o VALUES ('on again;');
)SQL"},
};

/// Runs `command` through the shell; its stdout, or "" and *ok false.
std::string Capture(const std::string& command, bool* ok) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) {
    *ok = false;
    return out;
  }
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
  *ok = ::pclose(pipe) == 0;
  return out;
}

/// Schema and rows of `url`, without slugwright's tables and pg_dump's
/// per-run lines (`\restrict` keys).
std::string Dump(const std::string& bin, const std::string& url) {
  bool ok = true;
  std::string dump = Capture("'" + bin + "/pg_dump' --no-owner --no-privileges "
                             "--exclude-table='slugwright_migrations*' '" + url + "'", &ok);
  EXPECT_TRUE(ok) << "pg_dump failed";
  static const std::regex kPerRun(R"(^\\(un)?restrict .*$)", std::regex::multiline);
  return std::regex_replace(dump, kPerRun, "");
}

TEST_F(Reliability, SplitterAgreesWithPsqlOnACorpusOfHardCases) {
  const std::string bin = LocalPostgres::FindServerBinDir();
  for (const CorpusFile& file : kCorpus) {
    SCOPED_TRACE(file.name);
    const std::string dir = std::string("corpus/") + file.name;
    tmp_.Write(dir + "/psql.sql", file.sql);
    tmp_.Write(dir + "/migrations/20240101000000_" + file.name + ".sql",
               std::string("-- migrate:up transaction:false\n") + file.sql);
    PgDatabase by_psql;
    PgDatabase by_slugwright;
    bool ok = true;
    std::string psql = Capture("'" + bin + "/psql' -X -q -v ON_ERROR_STOP=1 -d '" +
                                   by_psql.url() + "' -f '" + tmp_.path() + "/" + dir +
                                   "/psql.sql' 2>&1",
                               &ok);
    ASSERT_TRUE(ok) << psql;
    RunResult up = Run({"migrate", "up", "--dir", tmp_.path() + "/" + dir + "/migrations"},
                       by_slugwright.url());
    ASSERT_EQ(up.code, 0) << up.all();
    std::string expected = Dump(bin, by_psql.url());
    EXPECT_NE(expected.find("CREATE TABLE public."), std::string::npos) << expected;
    EXPECT_EQ(Dump(bin, by_slugwright.url()), expected);
    EXPECT_EQ(by_slugwright.RowState(20240101000000).rfind("applied", 0), 0u);
  }
}

}  // namespace
