#ifndef SLUGWRIGHT_MIGRATE_SERVER_LEXING_H_
#define SLUGWRIGHT_MIGRATE_SERVER_LEXING_H_

#include <vector>

#include "migrate/migration.h"
#include "migrate/session.h"

// Migration files lexed as the server lexes them. With
// standard_conforming_strings off on the server or database (legacy apps:
// `ALTER DATABASE ... SET standard_conforming_strings = off`), a backslash
// escapes a quote inside '...', so `'a\'; b'` is one string there and two
// statements by default; psql follows the server, and so must the splitter.
// Files are read before connecting with the default (on), which is what
// `validate --offline` keeps; these helpers correct that once the server
// has said otherwise.

/// source->ReadAll(), before connecting. When the files do not lex with
/// standard_conforming_strings on but do with it off, connects and asks the
/// server: if it is off there, returns the files lexed that way; otherwise
/// (or when the server cannot be reached) throws the first error.
std::vector<Migration> ReadBeforeConnecting(MigrationSource* source,
                                            Session* session);

/// After connecting: reads the files again when they were lexed with a
/// standard_conforming_strings other than the server's. Costs nothing when
/// they agree (the setting comes with the session set-up round trip).
void RereadIfServerLexesOtherwise(MigrationSource* source, Session* session,
                                  std::vector<Migration>* files);

/// ReadBeforeConnecting for `up`'s index (MigrationSource::ReadIndex): a
/// source that indexes lexes nothing here, so only a source whose index is
/// ReadAll can need the server's setting before connecting.
std::vector<Migration> ReadIndexBeforeConnecting(MigrationSource* source,
                                                 Session* session);

/// After connecting, for files from ReadIndex: from now on the source lexes
/// as the server does, so ReadChecked splits each pending file with the
/// server's setting. A file the index did not check is not read again (it
/// was not lexed, and its checksum does not depend on lexing); files already
/// checked with another setting (a source without an index) are.
void FollowServerLexing(MigrationSource* source, Session* session,
                        std::vector<Migration>* files);

#endif  // SLUGWRIGHT_MIGRATE_SERVER_LEXING_H_
