#include "buildpack/app_config.h"

#include <fnmatch.h>

#include <regex>
#include <set>
#include <yaml-cpp/yaml.h>

#include "base/duration.h"
#include "base/exit_codes.h"
#include "buildpack/procfile.h"
#include "tools/external_command.h"

const char kAppConfigFile[] = "slugwright.yml";

namespace {

/// Deeper flow nesting than this is no config: reject it before yaml-cpp's
/// recursive parser sees it.
const int kMaxNesting = 32;
const size_t kMaxConfigBytes = 1 << 20;

class ConfigReader {
 public:
  explicit ConfigReader(const std::string& file_name) : file_(file_name) {}

  [[noreturn]] void Fail(const YAML::Mark& mark, const std::string& what) {
    std::string where = file_;
    if (!mark.is_null())
      where += ":" + std::to_string(mark.line + 1) + ":" +
               std::to_string(mark.column + 1);
    throw UserError(kExitUsage, where + ": " + what);
  }

  void RequireMap(const YAML::Node& node, const std::string& what,
                  const std::set<std::string>& allowed) {
    if (!node.IsMap()) Fail(node.Mark(), what + " must be a mapping");
    for (const auto& kv : node) {
      if (!kv.first.IsScalar())
        Fail(kv.first.Mark(), "keys of " + what + " must be plain names");
      const std::string key = kv.first.Scalar();
      if (!allowed.count(key)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        Fail(kv.first.Mark(),
             "unknown key `" + key + "` in " + what + "; expected one of: " + list);
      }
    }
  }

  std::string String(const YAML::Node& node, const std::string& key) {
    if (!node.IsScalar())
      Fail(node.Mark(), "`" + key + "` must be a string");
    return node.Scalar();
  }

  bool Bool(const YAML::Node& node, const std::string& key) {
    std::string v = node.IsScalar() ? node.Scalar() : "";
    if (v == "true") return true;
    if (v == "false") return false;
    Fail(node.Mark(), "`" + key + "` must be true or false");
  }

  int NonNegativeInt(const YAML::Node& node, const std::string& key) {
    std::string v = node.IsScalar() ? node.Scalar() : "";
    if (v.empty() || v.size() > 6 ||
        v.find_first_not_of("0123456789") != std::string::npos)
      Fail(node.Mark(), "`" + key + "` must be a whole number (0 to 999999)");
    return std::stoi(v);
  }

  double Duration(const YAML::Node& node, const std::string& key) {
    double seconds;
    std::string err;
    if (!node.IsScalar() || !ParseDuration(node.Scalar(), &seconds, &err))
      Fail(node.Mark(), "`" + key + "`: " +
                            (node.IsScalar() ? err : "must be a duration"));
    return seconds;
  }

  std::vector<std::string> Commands(const YAML::Node& node,
                                    const std::string& key) {
    std::vector<std::string> out;
    if (node.IsScalar()) {
      out.push_back(String(node, key));
    } else if (node.IsSequence()) {
      for (const auto& item : node) out.push_back(String(item, key + " entry"));
    } else {
      Fail(node.Mark(), "`" + key + "` must be a command or a list of commands");
    }
    return out;
  }

  std::string RelativePath(const YAML::Node& node, const std::string& key) {
    std::string path = String(node, key);
    if (path.empty() || path[0] == '/' || path == ".." ||
        path.compare(0, 3, "../") == 0 ||
        path.find("/../") != std::string::npos ||
        (path.size() >= 3 && path.compare(path.size() - 3, 3, "/..") == 0))
      Fail(node.Mark(), "`" + key + "` must be a path inside the app, got `" +
                            path + "`");
    return path;
  }

  /// `command_history: {table, column, migrations}`: where `command:`'s
  /// tool records what it applied.
  void CommandHistory(const YAML::Node& node, const std::string& what,
                      CommandHistorySettings* h) {
    RequireMap(node, what + ".command_history", {"table", "column", "migrations"});
    static const std::regex kName("[A-Za-z_][A-Za-z0-9_]{0,62}");
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "migrations") {
        h->migrations = RelativePath(v, key);
        continue;
      }
      std::string name = String(v, key);
      if (!std::regex_match(name, kName))
        Fail(v.Mark(), "`command_history." + key + "` must be a table or column name "
                       "(letters, digits, `_`; in the current schema), got `" + name + "`");
      (key == "table" ? h->table : h->column) = name;
    }
  }

  void Release(const YAML::Node& node, const std::string& what,
               ReleaseSettings* s) {
    RequireMap(node, what,
               {"migrations", "database_url_env", "table", "transaction",
                "on_failure", "after_hook_failure", "lock_wait", "lock_timeout", "statement_timeout",
                "lock_retries", "allow_out_of_order", "postgres_version", "command",
                "rollback_command", "skip_command_when_nothing_pending", "command_history",
                "hooks", "coordinate"});
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "migrations") {
        s->migrations_dir = RelativePath(v, key);
      } else if (key == "database_url_env") {
        s->database_url_env = String(v, key);
        static const std::regex kVar("[A-Za-z_][A-Za-z0-9_]*");
        if (!std::regex_match(s->database_url_env, kVar))
          Fail(v.Mark(), "`database_url_env` must name a config var, got `" +
                             s->database_url_env + "`");
      } else if (key == "table") {
        s->table = String(v, key);
        static const std::regex kTable(
            "([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");
        if (!std::regex_match(s->table, kTable) || s->table.size() > 127)
          Fail(v.Mark(), "`table` must be `name` or `schema.name` (letters, "
                         "digits, `_`), got `" + s->table + "`");
      } else if (key == "transaction") {
        std::string t = String(v, key);
        if (t == "per-migration")
          s->transaction = ReleaseSettings::TransactionMode::kPerMigration;
        else if (t == "all")
          s->transaction = ReleaseSettings::TransactionMode::kAll;
        else
          Fail(v.Mark(), "`transaction` must be `per-migration` or `all`, got `" +
                             t + "`");
      } else if (key == "on_failure") {
        std::string t = String(v, key);
        if (t == "stop")
          s->on_failure = ReleaseSettings::OnFailure::kStop;
        else if (t == "rollback-release")
          s->on_failure = ReleaseSettings::OnFailure::kRollbackRelease;
        else
          Fail(v.Mark(), "`on_failure` must be `stop` or `rollback-release`, "
                         "got `" + t + "`");
      } else if (key == "after_hook_failure") {
        std::string t = String(v, key);
        if (t == "warn")
          s->after_hook_failure = ReleaseSettings::AfterHookFailure::kWarn;
        else if (t == "fail")
          s->after_hook_failure = ReleaseSettings::AfterHookFailure::kFail;
        else
          Fail(v.Mark(), "`after_hook_failure` must be `warn` or `fail`, got `" + t + "`");
      } else if (key == "lock_wait") {
        s->lock_wait_seconds = Duration(v, key);
      } else if (key == "lock_timeout") {
        s->lock_timeout_seconds = Duration(v, key);
      } else if (key == "statement_timeout") {
        s->statement_timeout_seconds = Duration(v, key);
      } else if (key == "lock_retries") {
        s->lock_retries = NonNegativeInt(v, key);
      } else if (key == "allow_out_of_order") {
        s->allow_out_of_order = Bool(v, key);
      } else if (key == "postgres_version") {
        s->postgres_version = NonNegativeInt(v, key);
        if (s->postgres_version < 11)
          Fail(v.Mark(), "`postgres_version` is the server's major version, 11 or later (the "
                         "oldest the lint rules are for), got " +
                             std::to_string(s->postgres_version));
      } else if (key == "command") {
        s->command = String(v, key);
      } else if (key == "rollback_command") {
        s->rollback_command = String(v, key);
      } else if (key == "skip_command_when_nothing_pending") {
        s->skip_command_when_nothing_pending = Bool(v, key) ? ReleaseSettings::SkipCommand::kAlways
                                                            : ReleaseSettings::SkipCommand::kNever;
      } else if (key == "command_history") {
        CommandHistory(v, what, &s->command_history);
      } else if (key == "coordinate") {
        std::string t = String(v, key);
        if (!ParseCoordinate(t, &s->coordinate))
          Fail(v.Mark(), "`coordinate` must be `auto`, `commit` or `off`, got `" + t + "`");
      } else if (key == "hooks") {
        RequireMap(v, what + ".hooks", {"before", "after", "on_failure", "timeout"});
        for (const auto& hook : v) {
          const std::string h = hook.first.Scalar();
          if (h == "before") s->hooks.before = Commands(hook.second, h);
          if (h == "after") s->hooks.after = Commands(hook.second, h);
          if (h == "on_failure") s->hooks.on_failure = Commands(hook.second, h);
          if (h == "timeout") s->hooks.timeout_seconds = Duration(hook.second, h);
        }
      }
    }
    if (s->rollback_command.size() && s->command.empty())
      Fail(node.Mark(), "`rollback_command` needs `command` in " + what);
    if (node["command_history"] && s->command.empty())
      Fail(node.Mark(), "`command_history` needs `command` in " + what);
    std::string unsafe = CheckReleaseSettings(*s);
    if (!unsafe.empty()) Fail(node.Mark(), unsafe + " (in " + what + ")");
  }

 private:
  std::string file_;
};

/// Rejects flow collections nested deeper than kMaxNesting, and block
/// sequences started on one line deeper than that (`- - - - ...`), which
/// would otherwise exhaust the stack of yaml-cpp's recursive parser.
void CheckNesting(const std::string& contents, const std::string& file_name) {
  int depth = 0, line = 1, dashes_on_line = 0, indent = 0;
  char quote = 0;
  bool line_start = true;
  for (size_t i = 0; i < contents.size(); ++i) {
    char c = contents[i];
    if (c == '\n') {
      ++line;
      dashes_on_line = 0;
      indent = 0;
      line_start = true;
      continue;
    }
    if (quote) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '#' ) {
      while (i + 1 < contents.size() && contents[i + 1] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if ((c == '-' || c == '?' || c == ':') && line_start &&
               (i + 1 == contents.size() || contents[i + 1] == ' ')) {
      ++dashes_on_line;
    } else if (c != ' ') {
      line_start = false;
    } else if (line_start) {
      ++indent;
    }
    if (depth > kMaxNesting || dashes_on_line > kMaxNesting ||
        indent > 4 * kMaxNesting)
      throw UserError(kExitUsage,
                      file_name + ":" + std::to_string(line) +
                          ": nested more than " + std::to_string(kMaxNesting) +
                          " levels deep; slugwright.yml never needs that");
  }
}

}  // namespace

const AppMapping* AppConfig::Find(const std::string& app_name) const {
  for (const AppMapping& app : apps)
    if (fnmatch(app.match.c_str(), app_name.c_str(), 0) == 0) return &app;
  return nullptr;
}

AppConfig ParseAppConfig(const std::string& contents,
                         const std::string& file_name) {
  if (contents.size() > kMaxConfigBytes)
    throw UserError(kExitUsage, file_name + ": larger than " +
                                    std::to_string(kMaxConfigBytes) + " bytes");
  size_t bad;
  if (!IsValidUtf8(contents, &bad) || contents.find('\0') != std::string::npos)
    throw UserError(kExitUsage, file_name + ": not UTF-8 text");
  CheckNesting(contents, file_name);

  ConfigReader reader(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(contents);
  } catch (const YAML::Exception& e) {
    reader.Fail(e.mark, "invalid YAML: " + e.msg);
  }
  AppConfig config;
  auto fail_empty = [&reader] {
    reader.Fail(YAML::Mark::null_mark(), "empty; expected `apps:` (a list of apps) or "
                                         "`release:` (settings for every app)");
  };
  if (!root.IsDefined() || root.IsNull()) fail_empty();
  try {
    reader.RequireMap(root, "the top level", {"apps", "release"});
    if (root["release"])
      reader.Release(root["release"], "release", &config.release_defaults);
    // Without `apps:`, the top-level `release:` is every app's.
    const YAML::Node apps = root["apps"] ? root["apps"] : YAML::Node(YAML::NodeType::Sequence);
    if (!apps.IsSequence())
      reader.Fail(apps.Mark(), "`apps` must be a list of apps (`- match: ...`)");
    for (const auto& entry : apps) {
      const std::string what = "an `apps` entry";
      reader.RequireMap(entry, what, {"match", "procfile", "release"});
      AppMapping app;
      app.line = entry.Mark().line + 1;
      if (!entry["match"]) reader.Fail(entry.Mark(), what + " needs `match`");
      if (!entry["procfile"])
        reader.Fail(entry.Mark(), what + " needs `procfile`");
      app.match = reader.String(entry["match"], "match");
      if (app.match.empty())
        reader.Fail(entry["match"].Mark(), "`match` must not be empty");
      app.procfile = reader.RelativePath(entry["procfile"], "procfile");
      app.release = config.release_defaults;
      if (entry["release"])
        reader.Release(entry["release"], "release of `" + app.match + "`",
                       &app.release);
      config.apps.push_back(app);
    }
    if (config.apps.empty() && !root["release"]) fail_empty();
  } catch (const YAML::Exception& e) {
    reader.Fail(e.mark, e.msg);
  }
  return config;
}
