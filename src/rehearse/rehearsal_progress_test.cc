#include "rehearse/rehearsal_progress.h"

#include <gtest/gtest.h>
#include <sstream>

TEST(RehearsalProgress, CountsPgDumpTables) {
  CopyProgress p;
  p.Feed("pg_dump: reading extensions");
  p.Feed("pg_dump: dumping contents of table \"public.customers\"");
  p.Feed("pg_dump: dumping contents of table \"public.orders\"");
  EXPECT_EQ(p.tables(), 2);
  EXPECT_EQ(p.current(), "public.orders");
}

TEST(RehearsalProgress, CountsParallelRestoreByFinishedItems) {
  CopyProgress p(true);
  p.Feed("pg_restore: creating TABLE \"public.orders\"");
  p.Feed("pg_restore: launching item 3350 TABLE DATA orders");
  p.Feed("pg_restore: processing data for table \"public.orders\"");
  EXPECT_EQ(p.tables(), 0);  // started, not finished
  EXPECT_EQ(p.current(), "public.orders");
  p.Feed("pg_restore: finished item 3350 TABLE DATA orders");
  p.Feed("pg_restore: launching item 3203 INDEX orders_customer_id_idx");
  p.Feed("pg_restore: creating INDEX \"public.orders_customer_id_idx\"");
  p.Feed("pg_restore: finished item 3203 INDEX orders_customer_id_idx");
  p.Feed("pg_restore: finished item 3206 FK CONSTRAINT orders orders_customer_id_fkey");
  EXPECT_EQ(p.tables(), 1);
  EXPECT_EQ(p.post_data(), 2);
}

TEST(RehearsalProgress, CountsSerialRestoreByStartedItems) {
  CopyProgress p(false);
  p.Feed("pg_restore: creating TABLE \"public.customers\"");
  p.Feed("pg_restore: processing data for table \"public.customers\"");
  p.Feed("pg_restore: processing data for table \"public.orders\"");
  p.Feed("pg_restore: creating CONSTRAINT \"public.customers customers_pkey\"");
  p.Feed("pg_restore: creating FK CONSTRAINT \"public.orders orders_customer_id_fkey\"");
  EXPECT_EQ(p.tables(), 2);
  EXPECT_EQ(p.post_data(), 2);
}

TEST(RehearsalProgress, FormatsPhaseCountsAndBytes) {
  EXPECT_EQ(FormatCopyProgress("restore", 5, 7, 2, 9, 125829120, "in the copy", 12),
            "restore: 5/7 tables, 2/9 indexes and constraints, 120 MB in the copy, 12.0s");
  EXPECT_EQ(FormatCopyProgress("dump", 1, 0, 0, 0, -1, "written", 0.5), "dump: 1 tables, 500ms");
  EXPECT_EQ(FormatCopyProgress("dump", 0, 1, 0, 0, 2048, "written", 61),
            "dump: 0/1 table, 2.0 kB written, 1m01s");
}

TEST(RehearsalProgress, PlainOutputPrintsALineEveryInterval) {
  std::ostringstream out;
  ProgressPrinter printer(out, false, 10);
  printer.Update("dump: 1 tables", 100.0);
  printer.Update("dump: 2 tables", 105.0);
  EXPECT_EQ(out.str(), "");
  printer.Update("dump: 3 tables", 110.5);
  printer.Update("dump: 4 tables", 115.0);
  printer.Update("dump: 5 tables", 121.0);
  printer.Done();
  EXPECT_EQ(out.str(), "       dump: 3 tables\n       dump: 5 tables\n");
  EXPECT_EQ(printer.lines_printed(), 2);
}

TEST(RehearsalProgress, TerminalRedrawsOneLineAndErasesIt) {
  std::ostringstream out;
  ProgressPrinter printer(out, true, 10);
  printer.Update("restore: 1/2 tables", 1.0);
  printer.Update("restore: 1/2 tables, again too soon", 1.05);
  printer.Update("restore: 2/2 tables", 1.2);
  printer.Done();
  EXPECT_EQ(out.str(),
            "\r\033[K       restore: 1/2 tables\r\033[K       restore: 2/2 tables\r\033[K");
  EXPECT_EQ(out.str().find('\n'), std::string::npos);
}
