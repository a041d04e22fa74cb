#include "postgres/history_table.h"

#include <cctype>

#include "base/exit_codes.h"

namespace {

bool IsPlainIdentifier(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$')) return false;
  return true;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// A string literal of text without quotes or backslashes (plain
/// identifiers and SQL built from them), as the server's quoting gives it.
std::string Literal(const std::string& text) { return "'" + text + "'"; }

}  // namespace

HistoryTableName HistoryTableName::Parse(const std::string& text) {
  HistoryTableName name;
  size_t dot = text.find('.');
  if (dot == std::string::npos) {
    name.table = text;
  } else {
    name.schema = text.substr(0, dot);
    name.table = text.substr(dot + 1);
  }
  name.schema = Lower(name.schema);
  name.table = Lower(name.table);
  if (!IsPlainIdentifier(name.schema) || !IsPlainIdentifier(name.table) ||
      name.table.size() > 63 - 7)
    throw UserError(kExitUsage,
                    "history table `" + text +
                        "` is not a valid name: use `table` or `schema.table` with "
                        "letters, digits and _ only (at most 56 characters for the "
                        "table, which gets an `_events` companion)");
  return name;
}

// Quoting needs no connection: the names are plain identifiers.
std::string HistoryTableName::QuotedHistory() const {
  return "\"" + schema + "\".\"" + table + "\"";
}

std::string HistoryTableName::QuotedEvents() const {
  return "\"" + schema + "\".\"" + table + "_events\"";
}

AdvisoryLockKeys LockKeysFor(const HistoryTableName& table) {
  uint32_t hash = 2166136261u;
  for (unsigned char c : table.Qualified()) {
    hash ^= c;
    hash *= 16777619u;
  }
  return {0x736c7567, static_cast<int32_t>(hash & 0x7fffffffu)};
}

std::string HistoryTablesDdl(const HistoryTableName& table) {
  return "DO $slugwright$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = " +
         Literal(table.schema) + ") THEN EXECUTE " +
         Literal("CREATE SCHEMA \"" + table.schema + "\"") +
         "; END IF; END $slugwright$;\n"
         "CREATE TABLE IF NOT EXISTS " + table.QuotedHistory() + " (\n"
         "  version bigint PRIMARY KEY,\n"
         "  name text NOT NULL,\n"
         "  checksum text NOT NULL,\n"
         "  state text NOT NULL DEFAULT 'applied'\n"
         "    CHECK (state IN ('applied', 'failed', 'started')),\n"
         "  in_transaction boolean NOT NULL,\n"
         "  statements_total integer NOT NULL DEFAULT 0,\n"
         "  statements_done integer NOT NULL DEFAULT 0,\n"
         "  applied_at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
         "  execution_ms double precision,\n"
         "  release text,\n"
         "  app text,\n"
         "  out_of_order boolean NOT NULL DEFAULT false,\n"
         "  error text,\n"
         "  run_id text,\n"
         "  runner text\n"
         ");\n"
         "CREATE TABLE IF NOT EXISTS " + table.QuotedEvents() + " (\n"
         "  id bigserial PRIMARY KEY,\n"
         "  at timestamptz NOT NULL DEFAULT clock_timestamp(),\n"
         "  run_id text NOT NULL,\n"
         "  event text NOT NULL,\n"
         "  version bigint,\n"
         "  name text,\n"
         "  release text,\n"
         "  app text,\n"
         "  runner text,\n"
         "  detail text\n"
         ");";
}
