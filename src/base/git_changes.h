#ifndef SLUGWRIGHT_BASE_GIT_CHANGES_H_
#define SLUGWRIGHT_BASE_GIT_CHANGES_H_

// The files a branch added or changed, read with the real `git`: what a
// pull request changes, for `migrate lint --git-base REF`.

#include <string>
#include <vector>

class ProcessSpawner;

/// What changed in the work tree since the merge base of a ref and HEAD.
struct GitChanges {
  /// The merge base of the ref and HEAD (a full commit id).
  std::string merge_base;
  /// The files added, copied, modified, renamed to or retyped since the
  /// merge base, committed or not, and the untracked files git does not
  /// ignore, as absolute paths (under the repository's top directory, as
  /// `git rev-parse --show-toplevel` names it). Deleted files are not in it.
  std::vector<std::string> paths;
};

/// Runs `git` (found in PATH) in `dir`, a directory inside the work tree:
/// `git merge-base REF HEAD`, then `git diff --name-only` from that commit
/// to the work tree and `git ls-files --others --exclude-standard`.
/// Throws UserError(kExitUsage) naming `ref` and quoting git for: no git in
/// PATH, `dir` outside a git work tree, a ref git does not know, no common
/// ancestor (e.g. a shallow clone).
GitChanges GitChangesSince(const std::string& ref, const std::string& dir,
                           ProcessSpawner* spawner);

#endif  // SLUGWRIGHT_BASE_GIT_CHANGES_H_
