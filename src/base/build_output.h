#ifndef SLUGWRIGHT_BASE_BUILD_OUTPUT_H_
#define SLUGWRIGHT_BASE_BUILD_OUTPUT_H_

#include <ostream>
#include <string>

/// Writes progress the way Heroku's own buildpacks do: a `-----> Step`
/// header, detail lines indented seven spaces, ` !     ` for problems.
class BuildOutput {
 public:
  explicit BuildOutput(std::ostream& out) : out_(out) {}

  void Step(const std::string& title);
  /// Each line of `text` becomes one indented detail line.
  void Detail(const std::string& text);
  void Warning(const std::string& text);
  void Error(const std::string& text);

 private:
  void Prefixed(const char* prefix, const std::string& text);
  std::ostream& out_;
};

#endif  // SLUGWRIGHT_BASE_BUILD_OUTPUT_H_
