#include "migrate/server_lexing.h"

#include <algorithm>
#include <exception>

#include "base/exit_codes.h"

namespace {

using ReadFiles = std::vector<Migration> (MigrationSource::*)();

/// (source->*read)(), and when that fails with standard_conforming_strings
/// on but not with it off, asks the server which one it uses.
std::vector<Migration> ReadAskingTheServerIfBroken(MigrationSource* source,
                                                   Session* session, ReadFiles read) {
  try {
    return (source->*read)();
  } catch (const UserError&) {
    std::exception_ptr lexed_on = std::current_exception();
    const SqlSplitOptions before = source->split_options();
    if (!before.standard_conforming_strings) throw;
    source->SetSplitOptions(SqlSplitOptions{false});
    std::vector<Migration> lexed_off;
    bool server_off = false;
    try {
      lexed_off = (source->*read)();
      session->Connect();
      server_off = !session->StandardConformingStrings();
    } catch (const std::exception&) {
      // Broken either way, or no server to ask: the default's error stands.
    }
    if (!server_off) {
      source->SetSplitOptions(before);
      std::rethrow_exception(lexed_on);
    }
    return lexed_off;
  }
}

}  // namespace

std::vector<Migration> ReadBeforeConnecting(MigrationSource* source,
                                            Session* session) {
  return ReadAskingTheServerIfBroken(source, session, &MigrationSource::ReadAll);
}

std::vector<Migration> ReadIndexBeforeConnecting(MigrationSource* source,
                                                 Session* session) {
  return ReadAskingTheServerIfBroken(source, session, &MigrationSource::ReadIndex);
}

void RereadIfServerLexesOtherwise(MigrationSource* source, Session* session,
                                  std::vector<Migration>* files) {
  bool server = session->StandardConformingStrings();
  if (source->split_options().standard_conforming_strings == server) return;
  source->SetSplitOptions(SqlSplitOptions{server});
  *files = source->ReadAll();
}

void FollowServerLexing(MigrationSource* source, Session* session,
                        std::vector<Migration>* files) {
  bool server = session->StandardConformingStrings();
  if (source->split_options().standard_conforming_strings == server) return;
  source->SetSplitOptions(SqlSplitOptions{server});
  bool lexed = std::any_of(files->begin(), files->end(),
                           [](const Migration& m) { return m.sql_checked; });
  if (lexed) *files = source->ReadIndex();
}
