#ifndef SLUGWRIGHT_MIGRATE_MIGRATION_FILE_ERRORS_H_
#define SLUGWRIGHT_MIGRATE_MIGRATION_FILE_ERRORS_H_

// How the readers of migration files (names, directives, both formats, the
// directory listing, `migrate new`) refuse one: a UserError(kExitUsage)
// whose message starts with the file, and the line when there is one.

#include <string>

#include "base/exit_codes.h"

/// Throws UserError(kExitUsage) with `message`.
[[noreturn]] inline void FailMigrationFile(const std::string& message) {
  throw UserError(kExitUsage, message);
}

/// `path:line`, how messages point into a file.
inline std::string FileLine(const std::string& path, int line) {
  return path + ":" + std::to_string(line);
}

#endif  // SLUGWRIGHT_MIGRATE_MIGRATION_FILE_ERRORS_H_
