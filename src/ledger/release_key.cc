#include "ledger/release_key.h"

#include <unistd.h>

#include "base/exit_codes.h"

namespace {

/// Where a commit may come from, in order; `heroku` marks Heroku's own.
struct CommitSource {
  const char* variable;
  bool heroku;
};
const CommitSource kCommitVariables[] = {
    {"SLUGWRIGHT_COMMIT", false},      {"RAILWAY_GIT_COMMIT_SHA", false},
    {"RENDER_GIT_COMMIT", false},      {"GITHUB_SHA", false},
    {"HEROKU_SLUG_COMMIT", true},
};
const char* const kServiceVariables[] = {"SLUGWRIGHT_APP", "HEROKU_APP_NAME",
                                         "RAILWAY_SERVICE_NAME", "RENDER_SERVICE_NAME",
                                         "FLY_APP_NAME"};
const size_t kMaxCommitLength = 200;

/// A commit is a SHA, a tag or a version: printable, no space, not too long.
void CheckCommit(const std::string& commit, const std::string& origin) {
  bool ok = commit.size() <= kMaxCommitLength;
  for (unsigned char c : commit) ok = ok && c > ' ' && c < 0x7f;
  if (!ok)
    throw UserError(kExitUsage, origin + ": '" + commit.substr(0, 80) +
                                    "' is not a commit; expected a SHA or a version "
                                    "(printable, no spaces, at most 200 characters)");
}

int ParseAttempt(const std::string& text, const std::string& origin) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(text) < 1)
    throw UserError(kExitUsage, origin + ": '" + text.substr(0, 80) +
                                    "' is not an attempt; expected a whole number from 1 "
                                    "(1 is the first; raise it to run a failed release again)");
  return std::stoi(text);
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || !name[0]) return "unknown";
  return name;
}

}  // namespace

ReleaseIdentity ResolveReleaseIdentity(const ReleaseKeyInputs& inputs, const EnvLookup& env) {
  ReleaseIdentity id;
  bool commit_from_heroku = false;
  if (!inputs.commit_flag.empty()) {
    id.key.commit = inputs.commit_flag;
    id.commit_origin = "--commit";
  } else {
    for (const CommitSource& source : kCommitVariables) {
      std::string value = env(source.variable);
      if (value.empty()) continue;
      id.key.commit = value;
      id.commit_origin = source.variable;
      commit_from_heroku = source.heroku;
      break;
    }
    if (id.key.commit.empty() && !inputs.build_commit.empty()) {
      id.key.commit = inputs.build_commit;
      id.commit_origin = "the build's SOURCE_VERSION";
      commit_from_heroku = true;
    }
  }
  if (!id.key.commit.empty()) CheckCommit(id.key.commit, id.commit_origin);

  std::string attempt = inputs.attempt_flag;
  id.attempt_origin = "--attempt";
  if (attempt.empty()) {
    attempt = env("SLUGWRIGHT_ATTEMPT");
    id.attempt_origin = "SLUGWRIGHT_ATTEMPT";
  }
  if (!attempt.empty()) id.key.attempt = ParseAttempt(attempt, id.attempt_origin);
  else id.attempt_origin.clear();

  if (!inputs.service_flag.empty()) {
    id.service = inputs.service_flag;
    id.service_origin = "--service";
  } else if (!inputs.app_flag.empty()) {
    id.service = inputs.app_flag;
    id.service_origin = "--app";
  } else {
    for (const char* variable : kServiceVariables) {
      id.service = env(variable);
      id.service_origin = variable;
      if (!id.service.empty()) break;
    }
    if (id.service.empty() && !inputs.build_app.empty()) {
      id.service = inputs.build_app;
      id.service_origin = "the app the build selected";
    }
    if (id.service.empty()) {
      id.service = HostName();
      id.service_origin = "the host name";
    }
  }

  using Coordinate = ReleaseSettings::Coordinate;
  if (inputs.coordinate == Coordinate::kOff) {
    id.not_coordinated_because = "coordinate: off";
  } else if (id.key.commit.empty()) {
    id.not_coordinated_because =
        "no commit is known (--commit, SLUGWRIGHT_COMMIT or the platform's commit variable)";
  } else if (commit_from_heroku && inputs.coordinate == Coordinate::kAuto) {
    id.not_coordinated_because =
        "Heroku runs one release phase per app and release (`coordinate: commit` in "
        "slugwright.yml makes apps that share a database release each commit once)";
  } else {
    id.coordinated = true;
  }
  return id;
}

std::string DescribeReleaseKey(const ReleaseKey& key) {
  bool sha = key.commit.size() == 40 &&
             key.commit.find_first_not_of("0123456789abcdef") == std::string::npos;
  std::string text = sha ? key.commit.substr(0, 10) : key.commit;
  if (key.attempt > 1) text += " attempt " + std::to_string(key.attempt);
  return text;
}
