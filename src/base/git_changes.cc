// The files a branch changed, from the real `git`: git_changes.h.

#include "base/git_changes.h"

#include "base/exit_codes.h"
#include "base/subprocess.h"
#include "base/text.h"

namespace {

/// Runs git with `args` in `dir`; its stdout, or a UserError naming
/// `--git-base ref` and quoting git's stderr.
std::string Git(ProcessSpawner* spawner, const std::string& git, const std::string& dir,
                const std::string& ref, const std::vector<std::string>& args) {
  SubprocessRequest request;
  request.argv = {git};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.working_dir = dir;
  request.stdout_to = SubprocessOutput::Capture();
  request.stderr_to = SubprocessOutput::Capture();
  request.timeout_seconds = 60;
  SubprocessResult result = spawner->Run(request);
  if (result.ok()) return result.out;
  std::string command = "git";
  for (const std::string& a : args) command += " " + a;
  std::string said = Trim(result.err);
  throw UserError(kExitUsage,
                  "--git-base " + ref + ": `" + command + "` in " + (dir.empty() ? "." : dir) +
                      " " + result.Describe() + (said.empty() ? "" : ": " + said) +
                      "; the migrations must be in a git work tree that has " + ref +
                      " and its history (in CI, fetch the base branch: actions/checkout "
                      "with fetch-depth: 0)");
}

/// The NUL-separated names of `out` (git's -z output).
std::vector<std::string> SplitNul(const std::string& out) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start < out.size()) {
    size_t end = out.find('\0', start);
    if (end == std::string::npos) end = out.size();
    if (end > start) names.push_back(out.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

}  // namespace

GitChanges GitChangesSince(const std::string& ref, const std::string& dir,
                           ProcessSpawner* spawner) {
  std::string git = FindInPath("git");
  if (git.empty())
    throw UserError(kExitUsage, "--git-base " + ref + ": no `git` in PATH; install git or "
                                "name the migrations to lint as FILE arguments");
  if (ref.empty() || ref[0] == '-')
    throw UserError(kExitUsage, "--git-base `" + ref + "`: expected a branch, tag or commit, "
                                "e.g. --git-base origin/main");
  std::string top = Trim(Git(spawner, git, dir, ref, {"rev-parse", "--show-toplevel"}));
  GitChanges changes;
  changes.merge_base = Trim(Git(spawner, git, dir, ref, {"merge-base", ref, "HEAD"}));
  // From the top directory, so that every name is relative to it.
  std::vector<std::string> names = SplitNul(Git(
      spawner, git, top, ref,
      {"diff", "--name-only", "-z", "--no-renames", "--diff-filter=ACMRT", changes.merge_base,
       "--"}));
  std::vector<std::string> untracked =
      SplitNul(Git(spawner, git, top, ref, {"ls-files", "-z", "--others", "--exclude-standard"}));
  names.insert(names.end(), untracked.begin(), untracked.end());
  for (const std::string& name : names) changes.paths.push_back(top + "/" + name);
  return changes;
}
