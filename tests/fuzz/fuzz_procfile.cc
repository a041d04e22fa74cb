// libFuzzer target for ParseProcfile (src/buildpack/procfile.h): arbitrary bytes as a
// Procfile. Besides crashes and sanitizer reports, it aborts when a
// property of the result does not hold.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "buildpack/heroku_procfile_readers.h"
#include "buildpack/procfile.h"
#include "buildpack/release_yaml.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  Procfile procfile;
  ProcfileError error;
  if (!ParseProcfile(text, &procfile, &error)) {
    Check(!error.reason.empty(), "a rejection has a reason");
    Check(error.line >= 0, "line is not negative");
    return 0;
  }
  Check(!procfile.processes.empty(), "an accepted Procfile has a process");
  std::set<std::string> names;
  int previous_line = 0;
  for (const ProcessType& p : procfile.processes) {
    Check(!p.name.empty() && p.name.size() <= 63, "name length");
    Check(!p.command.empty(), "command not empty");
    Check(names.insert(p.name).second, "no duplicate names");
    Check(p.line > previous_line, "lines increase");
    previous_line = p.line;
    Check(p.command.find('\n') == std::string::npos, "command is one line");
  }
  // What bin/release prints parses back to the same process types: the
  // round trip Heroku performs.
  std::string yaml = ReleaseYaml(procfile);
  Check(yaml.rfind("---\ndefault_process_types:", 0) == 0, "yaml header");
  // The promise of the build: the canonical Procfile it writes reads as
  // exactly the validated table under Heroku's Cedar and Fir readers.
  std::string canonical = WriteCanonicalProcfile(text, procfile);
  Check(CheckBothReadersAgree(canonical, procfile).empty(),
        "Cedar and Fir read the written Procfile as validated");
  Check(canonical.find('\r') == std::string::npos, "no CR in the written Procfile");
  // Written back out, the Procfile parses to the same thing.
  std::string rewritten;
  for (const ProcessType& p : procfile.processes)
    rewritten += p.name + ": " + p.command + "\n";
  Procfile again;
  Check(ParseProcfile(rewritten, &again, &error), "rewritten Procfile parses");
  Check(again.processes.size() == procfile.processes.size(), "same count");
  for (size_t i = 0; i < again.processes.size(); ++i)
    Check(again.processes[i].name == procfile.processes[i].name &&
              again.processes[i].command == procfile.processes[i].command,
          "same process types");
  return 0;
}
