#ifndef SLUGWRIGHT_MIGRATE_DATABASE_WAIT_H_
#define SLUGWRIGHT_MIGRATE_DATABASE_WAIT_H_

// `slugwright migrate wait` and the `--wait` flag of `up`/`release` (as
// dbmate's): poll until the database accepts a connection, e.g. while a
// freshly provisioned add-on or a local container starts.

class Clock;
class Session;
class Interrupt;
class RunObserver;

/// Tries session->Connect() about once a second until it succeeds or
/// `timeout_seconds` have passed (0: one attempt), telling `events` when it
/// starts waiting and when the server accepts. Leaves the session connected.
/// Throws RunError: kDatabaseWaitTimedOut (exit 5) with the last error,
/// kInterruptedWaitingForDatabase (130/143). `interrupt` may be null.
void WaitForDatabase(Session* session, Clock* clock, Interrupt* interrupt,
                     RunObserver* events, double timeout_seconds);

#endif  // SLUGWRIGHT_MIGRATE_DATABASE_WAIT_H_
