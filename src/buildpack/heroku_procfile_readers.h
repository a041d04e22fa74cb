#ifndef SLUGWRIGHT_BUILDPACK_HEROKU_PROCFILE_READERS_H_
#define SLUGWRIGHT_BUILDPACK_HEROKU_PROCFILE_READERS_H_

#include <map>
#include <string>
#include <vector>

#include "buildpack/procfile.h"

/// Heroku's two Procfile readers, written here from their public
/// descriptions so that a build can prove that what it writes is what
/// Heroku will run. Each returns the process table it reads (name ->
/// command); a later duplicate wins, as on both platforms.

/// Cedar (the classic slug compiler): `\r\n` and a lone `\r` become line
/// breaks, then each line is matched against
/// `^[[:space:]]*([a-zA-Z0-9_-]+):?\s+(.*)`; lines that do not match are
/// skipped without a word. Source: heroku/buildpacks-procfile, SPEC.md
/// ("Differences from Heroku classic Procfile") and commit 741bbc0 "Fix
/// Procfile behavior to match reference".
std::map<std::string, std::string> ReadProcfileAsCedar(const std::string& text);

/// Fir (the heroku/procfile Cloud Native Buildpack, src/procfile.rs and
/// SPEC.md of heroku/buildpacks-procfile): lines end at LF or CRLF; blank
/// and `#` lines are ignored; a key is `[a-z0-9]([a-z0-9-]*[a-z0-9])?` of
/// at most 63 characters followed by `:`, then optional blanks and a
/// non-empty value to the end of the line. A key with upper case, `_` or
/// leading blanks is rewritten (lowercased, `_` -> `-`) with a warning;
/// anything else is an error. Returns false with `*error` set on an
/// error; `warnings` gets the rewrites.
bool ReadProcfileAsFir(const std::string& text, std::map<std::string, std::string>* processes,
                       std::vector<std::string>* warnings, std::string* error);

/// Checks that `written` (a Procfile about to be shipped) reads as exactly
/// `validated` under the reader of `platform` (both readers for kBoth),
/// with no Fir warning. Returns "" when it does, else what differs ("Cedar
/// would read ...", ...).
std::string CheckReadersAgree(const std::string& written, const Procfile& validated,
                              ProcfilePlatform platform);

/// CheckReadersAgree() for ProcfilePlatform::kBoth.
std::string CheckBothReadersAgree(const std::string& written, const Procfile& validated);

#endif  // SLUGWRIGHT_BUILDPACK_HEROKU_PROCFILE_READERS_H_
