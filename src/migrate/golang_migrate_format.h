#ifndef SLUGWRIGHT_MIGRATE_GOLANG_MIGRATE_FORMAT_H_
#define SLUGWRIGHT_MIGRATE_GOLANG_MIGRATE_FORMAT_H_

// golang-migrate's migration file format: `<version>_<name>.up.sql` and
// an optional `<version>_<name>.down.sql` beside it, each plain SQL, with
// an optional `-- slugwright: transaction:false` directive on the first
// line.

#include <cstddef>
#include <string>
#include <string_view>

#include "migrate/migration.h"
#include "migrate/migration_file_name.h"
#include "migrate/migration_sections.h"

/// Where the SQL of an `.up.sql` or `.down.sql` file is, from its
/// directive line alone.
struct PlainLayout {
  bool in_transaction = true;
  /// The file has a `-- slugwright:` directive line.
  bool has_directive = false;
  Section section;
};

/// Finds the directive of an `.up.sql` or `.down.sql` file; `body` is
/// where the text after an optional BOM starts. Throws UserError(kExitUsage)
/// for a dbmate marker, a directive that is not on the first line or has no
/// option, and an unknown option.
PlainLayout LayOutPlain(const std::string& path, std::string_view contents, size_t body,
                        const MigrationFileName& file_name);

/// Parses an `.up.sql` file into the up fields of *m, or a `.down.sql`
/// file into its down fields (whose split_options say how to lex it),
/// split and checked (sql/statement_rules.h). A file without a directive
/// whose one statement PostgreSQL refuses in a transaction runs outside
/// one, as golang-migrate runs it. Besides LayOutPlain's, throws for an
/// `.up.sql` without SQL and for what SplitSqlOrThrow and the checks refuse.
void ParsePlain(const std::string& path, std::string_view contents, size_t body,
                const MigrationFileName& file_name, Migration* m);

/// Throws UserError(kExitUsage): an `.up.sql` file holds no SQL after its
/// directive.
[[noreturn]] void FailNoSqlAfterDirective(const std::string& path);

#endif  // SLUGWRIGHT_MIGRATE_GOLANG_MIGRATE_FORMAT_H_
