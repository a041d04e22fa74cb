// The physical floor of a release that finds nothing to do: a process that
// connects with libpq to DATABASE_URL, runs `SELECT 1` and exits. What any
// migration tool must pay at least; psql pays more (it reads psqlrc and
// sets up its terminal). tests/bench/bench.mjs compiles it with cc and
// -lpq. Exit 0, or 1 with libpq's message on stderr.
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  const char* url = getenv("DATABASE_URL");
  if (!url || !*url) {
    fprintf(stderr, "libpq_floor: DATABASE_URL is not set\n");
    return 1;
  }
  PGconn* conn = PQconnectdb(url);
  if (PQstatus(conn) != CONNECTION_OK) {
    fprintf(stderr, "libpq_floor: %s", PQerrorMessage(conn));
    PQfinish(conn);
    return 1;
  }
  PGresult* result = PQexec(conn, "SELECT 1");
  int ok = PQresultStatus(result) == PGRES_TUPLES_OK;
  if (!ok) fprintf(stderr, "libpq_floor: %s", PQerrorMessage(conn));
  PQclear(result);
  PQfinish(conn);
  return ok ? 0 : 1;
}
