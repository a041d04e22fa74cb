// libFuzzer target for ParseAppConfig (src/buildpack/app_config.h): arbitrary bytes as
// slugwright.yml. A rejection must be a UserError with exit code 2 naming
// the file; any other exception, crash or sanitizer report is a bug.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "base/exit_codes.h"
#include "buildpack/app_config.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    AppConfig config = ParseAppConfig(text, "slugwright.yml");
    // A config without `apps:` is valid: its top-level `release:` is every
    // app's. An accepted config therefore has apps or said `release`.
    Check(!config.apps.empty() || text.find("release") != std::string::npos,
          "an accepted config maps an app or sets release settings");
    for (const AppMapping& app : config.apps) {
      Check(!app.match.empty(), "match not empty");
      Check(!app.procfile.empty() && app.procfile[0] != '/', "relative procfile");
      Check(app.line >= 1, "entry line");
      config.Find(app.match);
    }
  } catch (const UserError& e) {
    Check(e.code() == kExitUsage, "exit code 2");
    Check(std::string(e.what()).rfind("slugwright.yml", 0) == 0,
          "the error names the file");
  }
  return 0;
}
