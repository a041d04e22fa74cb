#ifndef SLUGWRIGHT_BASE_CHECKSUM_H_
#define SLUGWRIGHT_BASE_CHECKSUM_H_

#include <string>
#include <string_view>

/// `text` as it is checksummed: a leading UTF-8 byte order mark removed and
/// every CRLF and lone CR turned into LF, so that re-saving a file with
/// other line endings or with a BOM does not count as an edit.
std::string NormalizeForChecksum(std::string_view text);

/// The SHA-256 digest of `bytes` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

/// The checksum recorded for an applied migration: "sha256:<hex>" over
/// NormalizeForChecksum(up_sql). Only the up SQL counts, so fixing the down
/// section of an applied migration is not an edit.
std::string MigrationChecksum(std::string_view up_sql);

#endif  // SLUGWRIGHT_BASE_CHECKSUM_H_
