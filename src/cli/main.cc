#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "base/exit_codes.h"
#include "base/version.h"

int main(int argc, char** argv) {
  CLI::App app{
      "slugwright: a Heroku buildpack that selects each app's Procfile in a "
      "monorepo, and a release-phase runner that applies PostgreSQL "
      "migrations safely."};
  app.set_version_flag("--version",
                       std::string("slugwright ") + SLUGWRIGHT_VERSION +
                           " (commit " + SLUGWRIGHT_COMMIT + ")");
  app.require_subcommand(1);
  int status = kExitOk;
  RegisterBuildpackCommands(&app, &status);
  RegisterProcfileCommands(&app, &status);
  RegisterSimulateCommand(&app, &status);
  RegisterMigrateCommands(&app, &status);
  RegisterRehearseCommand(&app, &status);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  } catch (const UserError& e) {
    std::cerr << " !     " << e.what() << "\n";
    return e.code();
  } catch (const std::exception& e) {
    std::cerr << " !     internal error: " << e.what() << "\n";
    return kExitFailed;
  }
  return status;
}
