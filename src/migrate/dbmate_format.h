#ifndef SLUGWRIGHT_MIGRATE_DBMATE_FORMAT_H_
#define SLUGWRIGHT_MIGRATE_DBMATE_FORMAT_H_

// dbmate's migration file format, which `migrate new` writes too:
// `<version>_<name>.sql` holding `-- migrate:up [transaction:false]`, the
// SQL, then optionally `-- migrate:down [transaction:false]` and its SQL.

#include <cstddef>
#include <string>
#include <string_view>

#include "migrate/migration.h"
#include "migrate/migration_sections.h"

/// Where the sections of a dbmate-style file are, found from its marker
/// lines alone: no lexing, so indexing an applied file stays cheap.
struct DbmateLayout {
  /// Where the `-- migrate:up` line begins: the text before it must hold
  /// only comments.
  size_t up_marker_begin = 0;
  int up_marker_line = 0;
  bool has_down_marker = false;
  bool up_in_transaction = true;
  bool down_in_transaction = true;
  Section up;
  Section down;
};

/// Finds the markers of a dbmate-style file; `body` is where the text after
/// an optional BOM starts, `stem` the file name without `.sql`. Throws
/// UserError(kExitUsage) for a missing, misplaced, repeated or misspelled
/// marker, a `-- slugwright:` directive and an unknown option.
DbmateLayout LayOutDbmate(const std::string& path, std::string_view contents, size_t body,
                          const std::string& stem);

/// Parses a dbmate-style file into *m (whose split_options say how to lex
/// it): both sections split and checked (sql/statement_rules.h), the up
/// section hashed. Besides LayOutDbmate's, throws for SQL before
/// `-- migrate:up` and for what SplitSqlOrThrow and the checks refuse.
void ParseDbmate(const std::string& path, std::string_view contents, size_t body,
                 const std::string& stem, Migration* m);

#endif  // SLUGWRIGHT_MIGRATE_DBMATE_FORMAT_H_
