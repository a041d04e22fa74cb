#include "base/duration.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

bool ParseDuration(const std::string& text, double* seconds, std::string* err) {
  if (text.empty()) {
    *err = "empty duration; expected e.g. 500ms, 5s, 10m or 1h";
    return false;
  }
  const char* begin = text.c_str();
  char* end = nullptr;
  double value = std::strtod(begin, &end);
  std::string unit(end);
  double scale = 0;
  if (end == begin || !std::isfinite(value) || value < 0 ||
      !(begin[0] >= '0' && begin[0] <= '9')) {
    scale = -1;
  } else if (unit.empty() || unit == "s") {
    scale = 1;
  } else if (unit == "ms") {
    scale = 0.001;
  } else if (unit == "m" || unit == "min") {
    scale = 60;
  } else if (unit == "h") {
    scale = 3600;
  } else {
    scale = -1;
  }
  if (scale < 0) {
    *err = "'" + text + "' is not a duration; expected e.g. 500ms, 5s, 10m or 1h";
    return false;
  }
  *seconds = value * scale;
  return true;
}

std::string FormatDuration(double seconds) {
  char buf[64];
  if (seconds < 1) {
    std::snprintf(buf, sizeof buf, "%.0fms", seconds * 1000);
  } else if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  } else {
    long total = std::lround(seconds);
    std::snprintf(buf, sizeof buf, "%ldm%02lds", total / 60, total % 60);
  }
  return buf;
}
