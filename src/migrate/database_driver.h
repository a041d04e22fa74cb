#ifndef SLUGWRIGHT_MIGRATE_DATABASE_DRIVER_H_
#define SLUGWRIGHT_MIGRATE_DATABASE_DRIVER_H_

// How to implement a database driver
//
// 1. A driver is one session playing six roles, each a small interface of
//    its own header:
//      Session           session.h            connect, describe, one statement,
//                                             timeouts, cancel, who blocks it
//      LockBackend       lock_backend.h       the migration lock
//      HistoryStore      history_store.h      history rows of a run, its
//                                             transactions, lost commits
//      HistoryRepair     history_repair.h     rows written by `repair`/`adopt`
//      ForeignTables     foreign_tables.h     other tools' history tables
//      SchemaInspection  schema_inspection.h  invalid indexes, catalog reads
//    Code that needs one role takes only that role (MigrationLock takes a
//    LockBackend, `migrate wait` a Session, tools/ ForeignTables); the
//    Migrator, which uses all of them on one connection, takes the
//    DatabaseDriver below.
// 2. Subclass DatabaseDriver in the folder that may include the database's
//    client library (for PostgreSQL: src/postgres/, the only folder allowed
//    libpq/libpqxx; see postgres_driver.h). The runner reaches the
//    database through these roles and nothing else.
// 3. Keep one session from Session::Connect() to the end: the migration
//    lock is a session lock, and the migrations run on the session that
//    holds it. Never reconnect quietly; once the session is lost, fail
//    every call with DatabaseError(connection_lost = true).
// 4. Report every database failure as DatabaseError (database_error.h)
//    with the server's SQLSTATE ("55P03" for lock_timeout, "57014" for a
//    cancelled statement: the Migrator's retries and messages depend on
//    them) and a message scrubbed of the password (base/redactor.h).
//    Describe() never shows it.
// 5. Write each history row in the same transaction as its migration's SQL
//    (HistoryStore::ApplyUp/ApplyDown), and record progress of
//    non-transactional migrations after each statement, so a killed run
//    leaves a history that says what the schema holds.
// 6. Make LockBackend::TryLock a single non-blocking attempt: slugwright
//    polls, so no session ever queues on the lock (LockHasWaiters stays
//    false).
// 7. Follow each method's comment in the role headers; where it says
//    "never throws", catch everything.
// 8. Run the contract suite: testing/driver_contract.h holds one suite of
//    checks per role (SessionContract, LockBackendContract,
//    HistoryStoreContract, HistoryRepairContract, ForeignTablesContract,
//    SchemaInspectionContract). Instantiate each with your driver (as
//    postgres/postgres_driver_contract_pg_test.cc does for PostgresDriver
//    and migrate/fake_driver_contract_test.cc for the fakes) and make them
//    pass.

#include "migrate/database_error.h"
#include "migrate/foreign_tables.h"
#include "migrate/history_repair.h"
#include "migrate/history_store.h"
#include "migrate/lock_backend.h"
#include "migrate/run_info.h"
#include "migrate/schema_inspection.h"
#include "migrate/session.h"

/// All the roles of one database session, for the Migrator and the commands
/// it hands its collaborators to (migrator_context.h). It only combines the
/// roles and declares nothing of its own. The roles are virtual bases so
/// that an implementation may be assembled from one class per role, as the
/// fakes in testing/ are.
class DatabaseDriver : public virtual Session,
                       public virtual LockBackend,
                       public virtual HistoryStore,
                       public virtual HistoryRepair,
                       public virtual ForeignTables,
                       public virtual SchemaInspection {};

#endif  // SLUGWRIGHT_MIGRATE_DATABASE_DRIVER_H_
