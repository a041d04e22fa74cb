#ifndef SLUGWRIGHT_BUILDPACK_BUILDPACK_H_
#define SLUGWRIGHT_BUILDPACK_BUILDPACK_H_

#include <ostream>
#include <string>

struct DiskInterface;

/// The classic Heroku buildpack API. bin/detect, bin/compile and bin/release
/// are thin scripts around these.
class Buildpack {
 public:
  Buildpack(DiskInterface* disk, std::ostream& out, std::ostream& err)
      : disk_(disk), out_(out), err_(err) {}

  /// Exit 0 and print the name when the app has something to select (a
  /// slugwright.yml, a procfiles/ directory, or a Procfile anywhere);
  /// otherwise exit 1 with a one-line reason.
  int Detect(const std::string& build_dir);

  /// Selects and validates the Procfile using the config vars in env_dir,
  /// writes it to build_dir/Procfile atomically, installs the runner
  /// (`runner_binary`) into the slug with its release settings, and records
  /// the build in cache_dir. Throws UserError on bad input, having written
  /// nothing.
  int Compile(const std::string& build_dir, const std::string& cache_dir,
              const std::string& env_dir, const std::string& runner_binary);

  /// Prints the release YAML built from the Procfile that compile wrote.
  int Release(const std::string& build_dir);

 private:
  void Write(const std::string& path, const std::string& contents, int mode);

  DiskInterface* disk_;
  std::ostream& out_;
  std::ostream& err_;
};

/// Where compile installs the runner and its settings, relative to the app.
extern const char kSlugRunnerPath[];
extern const char kSlugReleaseSettingsPath[];

#endif  // SLUGWRIGHT_BUILDPACK_BUILDPACK_H_
