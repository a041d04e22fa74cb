#include "buildpack/procfile_selector.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "base/text.h"
#include "buildpack/app_config.h"

namespace {

bool IsValidAppName(const std::string& name) {
  if (name.empty() || name.size() > 100 || name[0] == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string> SplitCommaList(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string item = list.substr(start, comma - start);
    size_t b = item.find_first_not_of(" \t\r\n");
    if (b != std::string::npos) {
      size_t e = item.find_last_not_of(" \t\r\n");
      out.push_back(item.substr(b, e - b + 1));
    }
    start = comma + 1;
  }
  return out;
}

/// Joins `base` and appended files the way heroku-buildpack-multi-procfile
/// does: each appended file after a `# Contents of <file> appended below:`
/// line.
void AppendSection(std::string* contents, const std::string& file,
                   const std::string& text) {
  if (!contents->empty() && contents->back() != '\n') *contents += "\n";
  *contents += "# Contents of " + file + " appended below:\n";
  *contents += text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? text.substr(3) : text;
}

}  // namespace

const char* RuleName(Selection::Rule rule) {
  switch (rule) {
    case Selection::Rule::kProcfileVar: return "PROCFILE config var";
    case Selection::Rule::kMapping: return "slugwright.yml mapping";
    case Selection::Rule::kConvention: return "procfiles/<app>.Procfile convention";
    case Selection::Rule::kRootProcfile: return "root Procfile";
  }
  return "?";
}

std::string ProcfileSelector::ResolveInsideApp(const std::string& relative,
                                               const std::string& what) {
  if (relative.empty())
    throw UserError(kExitUsage, what + " is empty; expected a path relative to "
                                       "the app root");
  if (relative[0] == '/')
    throw UserError(kExitUsage, what + " `" + relative +
                                    "` is an absolute path; it must be relative "
                                    "to the app root, e.g. packages/web/Procfile");
  // Lexically: no component may climb above the root.
  int depth = 0;
  size_t start = 0;
  while (start <= relative.size()) {
    size_t slash = relative.find('/', start);
    if (slash == std::string::npos) slash = relative.size();
    std::string part = relative.substr(start, slash - start);
    if (part == "..") --depth;
    else if (!part.empty() && part != ".") ++depth;
    if (depth < 0)
      throw UserError(kExitUsage, what + " `" + relative +
                                      "` points outside the app (`..`); it "
                                      "must stay inside the app directory");
    start = slash + 1;
  }
  std::string err;
  if (app_dir_canonical_.empty() &&
      !disk_->Canonical(app_dir_, &app_dir_canonical_, &err))
    throw UserError(kExitUsage, "cannot read the app directory " + err);
  std::string path = app_dir_ + "/" + relative;
  std::string real;
  if (!disk_->Canonical(path, &real, &err)) {
    std::string why = disk_->IsSymlink(path)
                          ? "is a symlink that leads nowhere (dangling or a loop)"
                          : "does not exist";
    if (!disk_->IsSymlink(path)) {
      std::vector<std::string> close =
          ClosestMatches(relative, FindProcfileCandidates(disk_, app_dir_));
      if (!close.empty()) why += "; did you mean " + JoinAlternatives(close) + "?";
    }
    throw UserError(kExitUsage, what + " `" + relative + "` " + why);
  }
  if (real != app_dir_canonical_ &&
      real.compare(0, app_dir_canonical_.size() + 1, app_dir_canonical_ + "/") != 0)
    throw UserError(kExitUsage, what + " `" + relative +
                                    "` is a symlink that leads outside the app (to " +
                                    real + ")");
  DiskInterface::Kind kind = disk_->Stat(real);
  if (kind == DiskInterface::Kind::kDirectory)
    throw UserError(kExitUsage, what + " `" + relative +
                                    "` is a directory; expected a Procfile");
  if (kind != DiskInterface::Kind::kFile)
    throw UserError(kExitUsage, what + " `" + relative + "` is not a regular file");
  return real;
}

namespace {

bool IsProcfileName(const std::string& name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string kWord = "procfile";
  if (lower == kWord) return true;
  if (lower.size() > kWord.size() + 1 && lower.compare(0, kWord.size() + 1, kWord + ".") == 0)
    return true;
  return lower.size() > kWord.size() + 1 &&
         lower.compare(lower.size() - kWord.size() - 1, kWord.size() + 1, "." + kWord) == 0;
}

void CollectProcfiles(DiskInterface* disk, const std::string& root, const std::string& relative,
                      int depth, std::vector<std::string>* found) {
  std::vector<std::string> names;
  std::string err;
  std::string dir = relative.empty() ? root : root + "/" + relative;
  if (depth > 8 || !disk->ListDirectory(dir, &names, &err)) return;
  for (const std::string& name : names) {
    std::string path = relative.empty() ? name : relative + "/" + name;
    DiskInterface::Kind kind = disk->Stat(root + "/" + path);
    if (kind == DiskInterface::Kind::kDirectory) {
      if (name == ".git" || name == "node_modules" || name == ".slugwright" ||
          disk->IsSymlink(root + "/" + path))
        continue;
      CollectProcfiles(disk, root, path, depth + 1, found);
    } else if (kind == DiskInterface::Kind::kFile && IsProcfileName(name)) {
      found->push_back(path);
    }
  }
}

}  // namespace

std::vector<std::string> FindProcfileCandidates(DiskInterface* disk, const std::string& app_dir) {
  std::vector<std::string> found;
  CollectProcfiles(disk, app_dir, "", 0, &found);
  std::sort(found.begin(), found.end());
  return found;
}

std::string ProcfileSelector::ReadChecked(const std::string& relative,
                                          const std::string& what,
                                          Procfile* parsed) {
  std::string path = ResolveInsideApp(relative, what);
  std::string contents, err;
  if (!disk_->ReadFile(path, kMaxProcfileBytes, &contents, &err)) {
    if (err.compare(0, path.size() + 2, path + ": ") == 0)
      err.erase(0, path.size() + 2);
    throw UserError(kExitUsage, what + " `" + relative + "` cannot be read: " + err);
  }
  ProcfileError perr;
  if (!ParseProcfile(contents, platform_, parsed, &perr))
    throw UserError(kExitUsage, perr.Format(relative));
  return contents;
}

void ProcfileSelector::SelectByProcfileVar(const ConfigVars& vars,
                                           Selection* s) {
  s->rule = Selection::Rule::kProcfileVar;
  s->procfile = ConfigWord(vars, "PROCFILE");
  if (s->procfile.compare(0, 2, "./") == 0) s->procfile.erase(0, 2);
  Procfile base;
  s->contents = ReadChecked(s->procfile, "PROCFILE", &base);
  s->reason = "the PROCFILE config var names " + s->procfile;

  // Types defined so far, with the file that defined them.
  std::vector<std::pair<ProcessType, std::string>> defined;
  for (const ProcessType& p : base.processes) defined.push_back({p, s->procfile});
  for (const std::string& extra :
       SplitCommaList(ConfigWord(vars, "PROCFILE_APPEND"))) {
    Procfile more;
    std::string text = ReadChecked(extra, "PROCFILE_APPEND file", &more);
    for (const ProcessType& p : more.processes) {
      for (const auto& [earlier, file] : defined) {
        if (earlier.name == p.name)
          throw UserError(
              kExitUsage,
              extra + ":" + std::to_string(p.line) + ": process type `" +
                  p.name + "` is already defined in " + file + ":" +
                  std::to_string(earlier.line) +
                  "; Heroku would silently use only the last one");
      }
      defined.push_back({p, extra});
    }
    AppendSection(&s->contents, extra, text);
    s->appended.push_back(extra);
  }
  if (!s->appended.empty()) {
    std::string list;
    for (const auto& a : s->appended) list += (list.empty() ? "" : ", ") + a;
    s->reason += ", with PROCFILE_APPEND adding " + list;
  }
  ProcfileError perr;
  if (!ParseProcfile(s->contents, platform_, &s->parsed, &perr))
    throw UserError(kExitUsage, perr.Format("Procfile (combined)"));
  // A Procfile in a subfolder may have its app.json beside it.
  std::string dir = Dirname(s->procfile);
  if (dir != "." &&
      disk_->Stat(app_dir_ + "/" + dir + "/app.json") != DiskInterface::Kind::kMissing) {
    s->app_json = dir + "/app.json";
    ResolveInsideApp(s->app_json, "app.json");
  }
}

std::vector<std::string> ProcfileSelector::ClosestAppNames(const std::string& app,
                                                           const AppConfig& config) {
  return ClosestMatches(app, KnownAppNames(config));
}

void ProcfileSelector::SetAppName(const ConfigVars& vars, const std::string& app_override,
                                  Selection* s) {
  if (!app_override.empty()) {
    s->app_name = app_override, s->app_name_source = "--app";
  } else {
    for (const char* name : {"SLUGWRIGHT_APP", "HEROKU_APP_NAME"}) {
      if (ConfigWord(vars, name).empty()) continue;
      s->app_name = ConfigWord(vars, name), s->app_name_source = name;
      break;
    }
  }
  if (!s->app_name.empty() && !IsValidAppName(s->app_name))
    throw UserError(kExitUsage, "app name `" + s->app_name + "` (from " + s->app_name_source +
                                    ") is not a valid Heroku app name");
}

bool ProcfileSelector::LoadAppConfig(AppConfig* config) {
  if (disk_->Stat(app_dir_ + "/" + kAppConfigFile) == DiskInterface::Kind::kMissing) return false;
  std::string path = ResolveInsideApp(kAppConfigFile, kAppConfigFile);
  std::string text, err;
  if (!disk_->ReadFile(path, 1 << 20, &text, &err))
    throw UserError(kExitUsage, "cannot read " + std::string(kAppConfigFile) + ": " + err);
  *config = ParseAppConfig(text, kAppConfigFile);
  return true;
}

Selection ProcfileSelector::Select(const ConfigVars& vars,
                                   const std::string& app_override) {
  Selection s;
  SetAppName(vars, app_override, &s);
  // The mapping also supplies release settings when another rule picks the
  // Procfile, so read it first.
  const AppMapping* mapping = nullptr;
  AppConfig config;
  bool has_config = LoadAppConfig(&config);
  if (has_config) {
    s.release = config.release_defaults;
    // An entry such as `match: "*"` applies to every app, named or not.
    mapping = config.Find(s.app_name);
    if (mapping) s.release = mapping->release;
  }
  // HEROKU_APP_NAME is dyno metadata: a build may not see it.
  if (s.app_name_source == "HEROKU_APP_NAME")
    s.notes.push_back(
        "the app name comes from HEROKU_APP_NAME, which Heroku documents only inside running "
        "dynos (dyno metadata, `heroku labs:enable runtime-dyno-metadata`): a build on Heroku "
        "may not have it and would then select another Procfile. Name the app for the build "
        "with: heroku config:set SLUGWRIGHT_APP=" + s.app_name + " -a " + s.app_name);

  if (!ConfigWord(vars, "PROCFILE").empty()) {
    SelectByProcfileVar(vars, &s);
    if (mapping && mapping->procfile != s.procfile)
      s.notes.push_back("PROCFILE overrides slugwright.yml, which maps `" +
                        s.app_name + "` to " + mapping->procfile);
    return s;
  }
  if (!ConfigWord(vars, "PROCFILE_APPEND").empty()) {
    // heroku-buildpack-multi-procfile appends to the file PROCFILE names;
    // without it the appended types would be dropped without a word.
    std::vector<std::string> candidates = FindProcfileCandidates(disk_, app_dir_);
    throw UserError(kExitUsage,
                    "PROCFILE_APPEND is set (" + ConfigWord(vars, "PROCFILE_APPEND") +
                        ") but PROCFILE is not, so there is nothing to append to.\n"
                        "Name the Procfile to start from with: heroku config:set PROCFILE=" +
                        (candidates.empty() ? std::string("path/to/Procfile") : candidates[0]) +
                        " -a " + (s.app_name.empty() ? "YOUR-APP" : s.app_name));
  }
  if (vars.count("PROCFILE"))
    s.notes.push_back("PROCFILE is set but empty; ignored");

  std::string trail = "PROCFILE is not set";
  if (mapping) {
    s.rule = Selection::Rule::kMapping;
    s.procfile = mapping->procfile;
    s.contents = ReadChecked(s.procfile, "Procfile", &s.parsed);
    s.reason = s.app_name.empty()
                   ? "no app name, and slugwright.yml's entry `" + mapping->match + "` (line " +
                         std::to_string(mapping->line) + ") matches every app; it maps to " +
                         s.procfile
                   : "slugwright.yml maps `" + s.app_name + "` (entry `" + mapping->match +
                         "`, line " + std::to_string(mapping->line) + ") to " + s.procfile;
    return s;
  }
  if (has_config) {
    trail += s.app_name.empty()
                 ? "; slugwright.yml was not consulted: no app name "
                   "(set the config var SLUGWRIGHT_APP)"
                 : "; slugwright.yml has no entry matching `" + s.app_name + "`";
  }

  if (!s.app_name.empty()) {
    std::string convention = "procfiles/" + s.app_name + ".Procfile";
    if (disk_->Stat(app_dir_ + "/" + convention) != DiskInterface::Kind::kMissing ||
        disk_->IsSymlink(app_dir_ + "/" + convention)) {
      s.rule = Selection::Rule::kConvention;
      s.procfile = convention;
      s.contents = ReadChecked(s.procfile, "Procfile", &s.parsed);
      s.reason = trail + "; using the convention " + convention;
      return s;
    }
    trail += "; there is no " + convention;
    // A mistyped app name falls through to later rules: say what it was
    // probably meant to be.
    std::vector<std::string> close = ClosestAppNames(s.app_name, config);
    if (!close.empty()) {
      trail += " (did you mean app " + JoinAlternatives(close) + "?)";
      s.notes.push_back("no slugwright.yml entry or procfiles/ Procfile is named for `" +
                        s.app_name + "`; did you mean app " + JoinAlternatives(close) + "?");
    }
  }

  if (disk_->Stat(app_dir_ + "/Procfile") != DiskInterface::Kind::kMissing ||
      disk_->IsSymlink(app_dir_ + "/Procfile")) {
    s.rule = Selection::Rule::kRootProcfile;
    s.procfile = "Procfile";
    s.contents = ReadChecked(s.procfile, "Procfile", &s.parsed);
    s.reason = trail + "; using the app's root Procfile";
    return s;
  }
  FailNothingSelected(s, trail + "; there is no root Procfile", config);
}

std::vector<std::string> ProcfileSelector::KnownAppNames(const AppConfig& config) {
  std::vector<std::string> names;
  for (const AppMapping& m : config.apps)
    if (m.match.find_first_of("*?[") == std::string::npos) names.push_back(m.match);
  std::vector<std::string> files;
  std::string err;
  if (disk_->ListDirectory(app_dir_ + "/procfiles", &files, &err))
    for (const std::string& f : files)
      if (f.size() > 9 && f.compare(f.size() - 9, 9, ".Procfile") == 0)
        names.push_back(f.substr(0, f.size() - 9));
  return names;
}

void ProcfileSelector::FailNothingSelected(const Selection& s, const std::string& trail,
                                           const AppConfig& config) {
  std::vector<std::string> found = FindProcfileCandidates(disk_, app_dir_);
  std::string msg = "no Procfile selected: " + trail + ".";
  if (found.empty()) {
    msg += "\nThe app has no Procfile at all; add one (e.g. `web: npm start`).";
    throw UserError(kExitUsage, msg);
  }
  msg += "\nProcfiles in this app:";
  for (const auto& f : found) msg += "\n  " + f;
  // The Heroku app to pass to `heroku config:set`, when it is known: not a
  // name that matched nothing in the config var the user typed it into.
  std::vector<std::string> known = KnownAppNames(config);
  std::vector<std::string> close;
  if (!s.app_name.empty()) close = ClosestMatches(s.app_name, known);
  bool app_is_heroku_app = s.app_name_source == "--app" || s.app_name_source == "HEROKU_APP_NAME";
  std::string heroku_app = app_is_heroku_app || (close.empty() && !s.app_name.empty())
                               ? s.app_name
                               : "YOUR-APP";
  // The app name is what selects in an app with a mapping or procfiles/:
  // suggest the name first, the Procfile only after.
  std::string name_to_set = !close.empty() ? close[0]
                            : s.app_name.empty() && !known.empty() ? known[0]
                                                                   : "";
  std::string example = found[0];
  if (!s.app_name.empty()) {
    // The Procfile whose path is closest to the app's name.
    size_t best = std::string::npos;
    for (const std::string& f : found) {
      size_t d = EditDistance(s.app_name, f);
      if (d < best) best = d, example = f;
    }
  }
  if (!name_to_set.empty()) {
    const AppMapping* mapping = config.Find(name_to_set);
    example = mapping ? mapping->procfile : "procfiles/" + name_to_set + ".Procfile";
    if (s.app_name_source == "--app")
      msg += "\nRun again with --app " + name_to_set;
    else
      msg += "\nName the app with: heroku config:set SLUGWRIGHT_APP=" + name_to_set + " -a " +
             heroku_app;
    msg += "\nOr choose a Procfile with: heroku config:set PROCFILE=" + example + " -a " +
           heroku_app;
  } else {
    msg += "\nChoose one with: heroku config:set PROCFILE=" + example + " -a " + heroku_app;
  }
  throw UserError(kExitUsage, msg);
}
