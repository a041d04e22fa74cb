#ifndef SLUGWRIGHT_BASE_DURATION_H_
#define SLUGWRIGHT_BASE_DURATION_H_

#include <string>

/// Parses a duration as written in slugwright.yml and on the command line:
/// a number of seconds ("90", "1.5") or a number with a unit ("500ms",
/// "5s", "10m", "1h"). Returns false with a reason for anything else,
/// including negative values.
bool ParseDuration(const std::string& text, double* seconds, std::string* err);

/// Formats seconds for people: "850ms", "4.2s", "3m05s".
std::string FormatDuration(double seconds);

#endif  // SLUGWRIGHT_BASE_DURATION_H_
