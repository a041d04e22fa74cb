#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>

#include "base/exit_codes.h"
#include "base/log.h"
#include "base/text.h"
#include "base/version.h"
#include "cli/commands.h"

namespace {

/// Answers a mistyped command word before CLI11 would ("A subcommand is
/// required", "arguments were not expected"): "unknown command `migrat`;
/// did you mean `migrate`?". Walks the words of argv down the subcommands.
void CheckCommandWords(CLI::App* app, int argc, char** argv) {
  CLI::App* level = app;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") return;
    if (word.empty() || word[0] == '-') continue;
    std::string previous = argv[i - 1];
    if (i > 1 && previous[0] == '-' && previous.find('=') == std::string::npos) {
      const CLI::Option* option = level->get_option_no_throw(previous);
      if (option && option->get_type_size() != 0) continue;  // the option's value
    }
    std::vector<CLI::App*> subcommands = level->get_subcommands({});
    if (subcommands.empty()) return;
    std::vector<std::string> names;
    for (CLI::App* sub : subcommands) {
      if (sub->check_name(word)) {
        level = sub;
        names.clear();
        break;
      }
      names.push_back(sub->get_name());
    }
    if (names.empty()) continue;
    std::string path = level == app ? "" : level->get_name() + " ";
    std::vector<std::string> close = ClosestMatches(word, names);
    throw UserError(kExitUsage, "unknown command `" + path + word + "`" +
                                    (close.empty() ? "" : "; did you mean `" + path +
                                                              close[0] + "`?") +
                                    " (`slugwright " + path + "--help` lists the commands: " +
                                    JoinAlternatives(names) + ")");
  }
}

/// `--json` promises one JSON document on stdout, failures included.
bool WantsJson(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--json") return true;
  return false;
}

/// `--log-format json` (or SLUGWRIGHT_LOG_FORMAT=json): stderr holds JSON
/// lines only, the final error included.
bool WantsJsonLog(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--log-format") return std::string(argv[i + 1]) == "json";
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--log-format=json") return true;
  const char* env = std::getenv("SLUGWRIGHT_LOG_FORMAT");
  return env && std::string(env) == "json";
}

bool json_log = false;

int Fail(bool json, const std::string& message, int code) {
  if (json_log) {
    MakeStreamLogger("slugwright", std::cerr, LogFormat::kJson, LogLevel::kInfo)
        ->error("{}", JsonEventMembers("error", {{"message", message}, {"exit_code", code}}));
  } else {
    // Every line of a multi-line message, as Heroku prints an error.
    std::string::size_type start = 0;
    do {
      std::string::size_type end = message.find('\n', start);
      std::cerr << " !     " << message.substr(start, end - start) << "\n";
      start = end == std::string::npos ? end : end + 1;
    } while (start != std::string::npos);
  }
  if (json)
    std::cout << nlohmann::json{{"error", {{"message", message}}}, {"exit_code", code}}.dump()
              << "\n";
  return code;
}

/// A parse error in the words of every other error, with the command's
/// --help named: "unknown option `--bogus` for `slugwright rehearse`".
std::string ParseErrorMessage(const CLI::ParseError& e, CLI::App* app) {
  std::string path = "slugwright";
  for (CLI::App* level = app; level;) {
    std::vector<CLI::App*> parsed = level->get_subcommands();
    level = parsed.empty() ? nullptr : parsed[0];
    if (level) path += " " + level->get_name();
  }
  std::string what = e.what();
  const std::string extra = "The following argument was not expected: ";
  const std::string extras = "The following arguments were not expected: ";
  std::string message;
  if (what.rfind(extra, 0) == 0 || what.rfind(extras, 0) == 0) {
    std::string words = what.substr(what.find(": ") + 2);
    message = "`" + path + "` does not take `" + words + "`";
    if (words == "--json" && (path == "slugwright release" || path == "slugwright migrate up"))
      message += ": it prints no JSON document; `--log-format json` writes one JSON object "
                 "per event on stderr, the outcome last";
  } else {
    message = path + ": " + what;
  }
  return message + " (`" + path + " --help` lists its options)";
}

}  // namespace

int main(int argc, char** argv) {
  // Named, so usage lines say `slugwright`, not the binary's full path.
  CLI::App app{
      "slugwright: a Heroku buildpack that selects each app's Procfile in a "
      "monorepo, and a release-phase runner that applies PostgreSQL "
      "migrations safely.",
      "slugwright"};
  app.set_version_flag("--version",
                       std::string("slugwright ") + SLUGWRIGHT_VERSION +
                           " (commit " + SLUGWRIGHT_COMMIT + ")");
  app.require_subcommand(1);
  int status = kExitOk;
  RegisterBuildpackCommands(&app, &status);
  RegisterProcfileCommands(&app, &status);
  RegisterSimulateCommand(&app, &status);
  RegisterMigrateCommands(&app, &status);
  RegisterReleasesCommand(&app, &status);
  RegisterRehearseCommand(&app, &status);

  bool json = WantsJson(argc, argv);
  json_log = WantsJsonLog(argc, argv);
  try {
    CheckCommandWords(&app, argc, argv);
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    return Fail(json, ParseErrorMessage(e, &app), kExitUsage);
  } catch (const UserError& e) {
    return Fail(json, e.what(), e.code());
  } catch (const std::exception& e) {
    return Fail(json, std::string("internal error: ") + e.what(), kExitFailed);
  }
  return status;
}
