// The history table's name rules, lock keys and DDL, without a server.

#include "postgres/history_table.h"

#include <gtest/gtest.h>

#include "base/exit_codes.h"

TEST(HistoryTableTest, ParsesSchemaAndLowercases) {
  HistoryTableName name = HistoryTableName::Parse("Ops.Migrations");
  EXPECT_EQ(name.Qualified(), "ops.migrations");
  EXPECT_EQ(name.QuotedHistory(), "\"ops\".\"migrations\"");
  EXPECT_EQ(name.QuotedEvents(), "\"ops\".\"migrations_events\"");
  EXPECT_EQ(HistoryTableName::Parse("t").Qualified(), "public.t");
  EXPECT_THROW(HistoryTableName::Parse("a;b"), UserError);
  EXPECT_THROW(HistoryTableName::Parse(std::string(57, 'a')), UserError);
}

TEST(HistoryTableTest, LockKeysAreTheDocumentedFormula) {
  AdvisoryLockKeys keys = LockKeysFor(HistoryTableName());
  EXPECT_EQ(keys.classid, 0x736c7567);
  EXPECT_GE(keys.objid, 0);
  // FNV-1a of "public.slugwright_migrations", top bit cleared.
  uint32_t hash = 2166136261u;
  for (unsigned char c : std::string("public.slugwright_migrations")) {
    hash ^= c;
    hash *= 16777619u;
  }
  EXPECT_EQ(keys.objid, static_cast<int32_t>(hash & 0x7fffffffu));
  EXPECT_NE(LockKeysFor(HistoryTableName::Parse("other")).objid, keys.objid);
}

TEST(HistoryTableTest, DdlCreatesSchemaAndBothTablesIdempotently) {
  std::string ddl = HistoryTablesDdl(HistoryTableName::Parse("ops.m"));
  EXPECT_NE(ddl.find("WHERE nspname = 'ops') THEN EXECUTE 'CREATE SCHEMA \"ops\"'"),
            std::string::npos)
      << ddl;
  EXPECT_NE(ddl.find("CREATE TABLE IF NOT EXISTS \"ops\".\"m\" ("), std::string::npos);
  EXPECT_NE(ddl.find("CREATE TABLE IF NOT EXISTS \"ops\".\"m_events\" ("), std::string::npos);
}
