// libFuzzer target for ParseMigrationsManifest
// (src/migrate/migrations_manifest.h): arbitrary bytes as
// .slugwright/migrations.manifest, which a release reads from the slug.
// Besides crashes and sanitizer reports, it aborts when a property does
// not hold: a rejection says what is wrong, and an accepted manifest is
// written back (FormatMigrationsManifest) as text that parses to the same
// entries, as the build writes it and the release reads it.

#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "migrate/migrations_manifest.h"

namespace {

bool SameFile(const MigrationsManifestFile& a, const MigrationsManifestFile& b) {
  return a.name == b.name && a.metadata.size == b.metadata.size &&
         a.metadata.mtime_seconds == b.metadata.mtime_seconds &&
         a.metadata.mtime_nanoseconds == b.metadata.mtime_nanoseconds &&
         a.holds_up == b.holds_up && a.holds_down == b.holds_down && a.checksum == b.checksum &&
         a.up_in_transaction == b.up_in_transaction &&
         a.down_in_transaction == b.down_in_transaction && a.up_first_line == b.up_first_line &&
         a.up_blank == b.up_blank;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  MigrationsManifest manifest;
  std::string problem;
  if (!ParseMigrationsManifest(text, &manifest, &problem)) {
    Check(!problem.empty(), "a rejection says what is wrong");
    return 0;
  }
  MigrationsManifest again;
  std::string again_problem;
  Check(ParseMigrationsManifest(FormatMigrationsManifest(manifest), &again, &again_problem),
        "what Format writes parses");
  Check(again.directory == manifest.directory, "the directory round-trips");
  Check(again.files.size() == manifest.files.size(), "every file round-trips");
  for (size_t i = 0; i < manifest.files.size() && i < again.files.size(); ++i)
    Check(SameFile(manifest.files[i], again.files[i]), "each entry round-trips");
  for (const MigrationsManifestFile& f : manifest.files)
    Check(manifest.Find(f.name) != nullptr, "each entry is found by its name");
  return 0;
}
