#ifndef SLUGWRIGHT_MIGRATE_DATABASE_WAIT_H_
#define SLUGWRIGHT_MIGRATE_DATABASE_WAIT_H_

// `slugwright migrate wait` and the `--wait` flag of `up`/`release` (as
// dbmate's): poll until the database accepts a connection, e.g. while a
// freshly provisioned add-on or a local container starts.

class Clock;
class Console;
class Interrupt;
class Session;

/// Tries session->Connect() about once a second until it succeeds or
/// `timeout_seconds` have passed (0: one attempt). Leaves the session
/// connected. Throws UserError(kExitCannotConnect) naming the database and
/// the last error on timeout, and UserError(130/143) when interrupted.
/// `interrupt` may be null.
void WaitForDatabase(Session* session, Clock* clock, Interrupt* interrupt,
                     Console* console, double timeout_seconds);

#endif  // SLUGWRIGHT_MIGRATE_DATABASE_WAIT_H_
