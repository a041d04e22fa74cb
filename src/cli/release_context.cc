#include "cli/release_context.h"

#include <unistd.h>

#include <exception>

#include "base/exit_codes.h"
#include "base/text.h"
#include "base/version.h"
#include "migrate/release_file.h"
#include "postgres/database_url.h"

void ReleaseContext::AddDatabaseUrl(const std::string& url) {
  if (url.empty()) return;
  redactor.AddSecret(url);
  try {
    redactor.AddSecret(DatabaseTarget::Parse(url).password());
  } catch (const std::exception&) {
    // A malformed URL is refused, scrubbed, where the command parses it.
  }
}

ReleaseContext ResolveReleaseContext(const SettingsFlags& flags, DiskInterface* disk,
                                     const std::string& command, const std::string& release) {
  ReleaseContext context;
  std::string cwd = CurrentDirectory();
  context.resolved = ResolveReleaseSettingsFromFlags(flags, disk, cwd);
  const LoadedReleaseSettings& loaded = context.resolved.loaded;
  context.settings = loaded.settings;
  ApplySettingsFlags(flags, &context.settings);
  context.app =
      context.resolved.running_app.empty() ? loaded.app : context.resolved.running_app;

  // Paths in the settings are relative to the app root (the slug root);
  // --dir is relative to where the command runs.
  context.app_root = loaded.app_root == cwd ? "" : loaded.app_root;
  context.migrations_dir = !flags.dir.empty()
                               ? flags.dir
                               : JoinAppPath(context.app_root, context.settings.migrations_dir);

  if (!flags.database_url.empty()) {
    context.database_url = flags.database_url;
    context.database_url_origin = "--database-url";
  } else {
    context.database_url = Getenv(context.settings.database_url_env);
    context.database_url_origin = context.settings.database_url_env;
  }
  context.AddDatabaseUrl(context.database_url);

  context.run.run_id = RandomHex(12);
  context.run.release = release.empty() ? Getenv("HEROKU_RELEASE_VERSION") : release;
  context.run.app = context.app;
  context.run.runner = std::string("slugwright ") + SLUGWRIGHT_VERSION;
  if (command == "rehearse") context.run.runner += " rehearse";
  return context;
}

std::string ApplicationName(const std::string& command, const RunInfo& run) {
  std::string application_name = "slugwright " + command;
  if (!run.release.empty()) application_name += " " + run.release;
  if (!run.app.empty()) application_name += " " + run.app;
  application_name += " pid " + std::to_string(::getpid());
  if (application_name.size() > 63) application_name.resize(63);
  return application_name;
}

int RunScrubbed(const Redactor& redactor, const std::function<int()>& body) {
  try {
    return body();
  } catch (const UserError& e) {
    throw UserError(e.code(), redactor.Scrub(e.what()));
  } catch (const std::exception& e) {
    throw UserError(kExitFailed, redactor.Scrub(e.what()));
  }
}
