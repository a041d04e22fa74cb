#include "migrate/server_lexing.h"

#include <exception>

#include "base/exit_codes.h"

std::vector<Migration> ReadBeforeConnecting(MigrationSource* source,
                                            DatabaseDriver* driver) {
  try {
    return source->ReadAll();
  } catch (const UserError&) {
    std::exception_ptr lexed_on = std::current_exception();
    const SqlSplitOptions before = source->split_options();
    if (!before.standard_conforming_strings) throw;
    source->SetSplitOptions(SqlSplitOptions{false});
    std::vector<Migration> lexed_off;
    bool server_off = false;
    try {
      lexed_off = source->ReadAll();
      driver->Connect();
      server_off = !driver->StandardConformingStrings();
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

void RereadIfServerLexesOtherwise(MigrationSource* source, DatabaseDriver* driver,
                                  std::vector<Migration>* files) {
  bool server = driver->StandardConformingStrings();
  if (source->split_options().standard_conforming_strings == server) return;
  source->SetSplitOptions(SqlSplitOptions{server});
  *files = source->ReadAll();
}
