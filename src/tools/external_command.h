#ifndef SLUGWRIGHT_TOOLS_EXTERNAL_COMMAND_H_
#define SLUGWRIGHT_TOOLS_EXTERNAL_COMMAND_H_

// The `command:` mode: an app with its own migration tool runs it (or
// `rollback_command:` for down) under slugwright's migration lock, with the
// hooks, the event log and on_failure: rollback-release around it.

#include "migrate/migrator_context.h"
#include "tools/command_observer.h"
#include "tools/command_skip.h"

/// Runs `command:` once (or, with `down`, `rollback_command:` `count`
/// times) under the lock, telling `events` what happens; returns the exit
/// status, throws UserError for refusals (no rollback_command) and
/// RunError for the lock and an unreachable database. With `disk` (the
/// working directory's files), `up` leaves the tool unstarted when
/// CheckNothingPending (command_skip.h) finds every migration recorded;
/// the hooks still run. Null `disk` always starts it (rehearse, which
/// runs the tool to see what it does).
int RunExternalCommand(const MigratorContext& context, CommandObserver* events, bool down,
                       int count, DiskInterface* disk = nullptr);

/// Why these settings cannot run safely, "" when they can: `on_failure:
/// rollback-release` with `command:` needs `rollback_command:` and a
/// history table slugwright can read (inferred from the command or named
/// in `command_history:`), since undoing a guessed number of migrations
/// could revert an earlier release's migration.
std::string CheckReleaseSettings(const ReleaseSettings& settings);

/// PGOPTIONS for libpq-based tools run by `command:` (and hooks): the
/// user's own `user_pgoptions` first, then the release's lock_timeout and
/// statement_timeout (libpq applies the last of a repeated setting).
std::string ExternalCommandPgOptions(const ReleaseSettings& settings,
                                     const std::string& user_pgoptions);

#endif  // SLUGWRIGHT_TOOLS_EXTERNAL_COMMAND_H_
