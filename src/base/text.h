#ifndef SLUGWRIGHT_BASE_TEXT_H_
#define SLUGWRIGHT_BASE_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

/// Small text helpers shared by every subsystem; each has one home here.

/// "1 migration", "3 migrations"; `plural` when the plural is not word+"s".
std::string Plural(int64_t n, const std::string& word, const std::string& plural = "");

/// `s` without leading and trailing spaces, tabs, CRs and LFs.
std::string Trim(const std::string& s);
/// `s` without trailing spaces, CRs and LFs (the end of a tool's message).
std::string TrimRight(std::string s);

/// `digits` random lowercase hexadecimal digits (run ids, scratch names).
std::string RandomHex(size_t digits);

/// 1536 -> "1.5 kB", 10 MiB -> "10 MB"; "?" for a negative (unknown) size.
std::string FormatBytes(int64_t bytes);
/// 1234567 -> "1,234,567".
std::string FormatCount(int64_t n);

/// The Levenshtein distance between `a` and `b` (insertions, deletions
/// and substitutions of bytes).
size_t EditDistance(const std::string& a, const std::string& b);
/// The candidates closest to `word`, if close enough to be what was meant
/// (within a quarter of its length, at least 2 edits): those at the
/// smallest distance, at most `limit`; for "did you mean" hints.
std::vector<std::string> ClosestMatches(const std::string& word,
                                        const std::vector<std::string>& candidates,
                                        size_t limit = 3);
/// `words` with `separator` between them: Join({"a", "b"}, ", ") is "a, b".
std::string Join(const std::vector<std::string>& words, const std::string& separator);
/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
std::string JoinAlternatives(const std::vector<std::string>& words);

/// Percent-encodes every byte but RFC 3986's unreserved characters and
/// those in `also_keep`; with `keep_escapes`, a valid `%XX` escape stays as
/// it is (a `%` that starts none is encoded).
std::string PercentEncode(const std::string& text, const std::string& also_keep = "",
                          bool keep_escapes = false);
/// `text` with its valid `%XX` escapes decoded; a `%` that starts none
/// stays as it is.
std::string PercentDecode(const std::string& text);

/// Whether `s` begins with `prefix` / ends with `suffix` (case-sensitive).
bool StartsWith(const std::string& s, const std::string& prefix);
bool EndsWith(const std::string& s, const std::string& suffix);

/// The directory part of `path`, as POSIX dirname(1) has it for paths
/// without trailing slashes: "a/b/c" -> "a/b", "c" -> ".", "/c" -> "/".
std::string Dirname(const std::string& path);

#endif  // SLUGWRIGHT_BASE_TEXT_H_
