#include "rehearse/rehearsal_copy.h"

#include <fnmatch.h>
#include <unistd.h>

#include <boost/filesystem.hpp>
#include <cstdlib>
#include <regex>
#include <sstream>

#include "base/child_environment.h"
#include "base/exit_codes.h"
#include "base/subprocess.h"
#include "base/text.h"
#include "postgres/database_url.h"

namespace fs = boost::filesystem;

int VersionKeyFromNum(int num) {
  if (num <= 0) return 0;
  if (num >= 100000) return (num / 10000) * 100;
  return num / 100;  // 90624 -> 906
}

std::string MajorText(int key) {
  if (key <= 0) return "?";
  if (key >= 1000) return std::to_string(key / 100);
  return std::to_string(key / 100) + "." + std::to_string(key % 100);
}

bool ParsePgVersion(const std::string& text, int* key, std::string* version) {
  // The first dotted number, or a bare major of 10 or more ("16devel").
  static const std::regex kVersion(R"((^|[\s(])(\d+)(\.(\d+))?(\.(\d+))?)");
  std::smatch m;
  std::string::const_iterator from = text.begin();
  while (std::regex_search(from, text.end(), m, kVersion)) {
    int major = std::stoi(m[2]);
    if (major >= 10) {
      *key = major * 100;
      *version = m[2].str() + (m[3].matched ? m[3].str() : "");
      return true;
    }
    if (major >= 7 && m[4].matched) {
      *key = major * 100 + std::stoi(m[4]);
      *version = m[2].str() + m[3].str() + (m[5].matched ? m[5].str() : "");
      return true;
    }
    from = m[0].second;
  }
  return false;
}

std::string ClientPackage(int key) { return "postgresql-client-" + MajorText(key); }

namespace {

bool IsExecutable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

/// Runs `program --version` and returns its first line.
std::string VersionOutput(const std::string& program) {
  ToolResult r = RunTool(program, {"--version"}, {}, true, nullptr, nullptr, nullptr);
  std::string line = r.out.substr(0, r.out.find('\n'));
  return line;
}

}  // namespace

PgTools FindPgTools(const std::string& bin_dir) {
  PgTools tools;
  const std::string install =
      "install the Debian package postgresql-client (apt-get install postgresql-client)";
  if (!bin_dir.empty()) {
    tools.bin_dir = bin_dir;
    tools.pg_dump = bin_dir + "/pg_dump";
    tools.pg_restore = bin_dir + "/pg_restore";
    if (!IsExecutable(tools.pg_dump) || !IsExecutable(tools.pg_restore))
      throw UserError(kExitUsage, "--pg-bin-dir " + bin_dir +
                                      " does not hold executable pg_dump and pg_restore");
  } else {
    double best = -1;
    boost::system::error_code ec;
    for (fs::directory_iterator it("/usr/lib/postgresql", ec), end; !ec && it != end;
         it.increment(ec)) {
      std::string bin = it->path().string() + "/bin";
      const std::string name = it->path().filename().string();
      char* stop = nullptr;
      double version = std::strtod(name.c_str(), &stop);
      if (stop == name.c_str()) continue;
      if (version > best && IsExecutable(bin + "/pg_dump") && IsExecutable(bin + "/pg_restore")) {
        best = version;
        tools.bin_dir = bin;
      }
    }
    if (!tools.bin_dir.empty()) {
      tools.pg_dump = tools.bin_dir + "/pg_dump";
      tools.pg_restore = tools.bin_dir + "/pg_restore";
    } else {
      fs::path dump = FindInPath("pg_dump");
      fs::path restore = FindInPath("pg_restore");
      if (dump.empty() || restore.empty())
        throw UserError(kExitUsage,
                        "rehearse needs pg_dump and pg_restore, and neither "
                        "/usr/lib/postgresql/*/bin nor PATH has them: " + install);
      tools.pg_dump = dump.string();
      tools.pg_restore = restore.string();
      tools.bin_dir = dump.parent_path().string();
    }
  }
  std::string line = VersionOutput(tools.pg_dump);
  if (!ParsePgVersion(line, &tools.dump_version_key, &tools.dump_version))
    throw UserError(kExitUsage, tools.pg_dump + " --version printed no version (`" + line +
                                    "`); " + install);
  return tools;
}

std::string PgDumpTooOld(const PgTools& tools, int server_key, const std::string& server_version) {
  if (server_key <= tools.dump_version_key) return "";
  return "pg_dump " + tools.dump_version + " (" + tools.pg_dump +
         ") is older than the source server, PostgreSQL " + server_version +
         ", and pg_dump refuses to dump a newer server. Install the Debian package " +
         ClientPackage(server_key) +
         " (Debian 12 ships 15; newer ones come from apt.postgresql.org: "
         "https://wiki.postgresql.org/wiki/Apt) and run again, or point --pg-bin-dir at a "
         "pg_dump " + MajorText(server_key) + " or newer. Nothing was copied.";
}

Toc ParseToc(const std::string& listing) {
  Toc toc;
  std::istringstream in(listing);
  std::string line;
  static const std::regex kEntry(R"(^\s*(\d+);\s+(\d+)\s+(\d+)\s+(.*)$)");
  static const char* kDescs[] = {
      // Longest first, so "TABLE DATA" wins over "TABLE".
      "MATERIALIZED VIEW DATA", "FK CONSTRAINT", "CHECK CONSTRAINT", "SEQUENCE OWNED BY",
      "SEQUENCE SET", "TABLE DATA", "DEFAULT ACL", "INDEX ATTACH", "EVENT TRIGGER",
      "LARGE OBJECT", "BLOB DATA", "STATISTICS DATA", "MATERIALIZED VIEW", "CONSTRAINT",
      "SEQUENCE", "TABLE", "INDEX", "TRIGGER", "DEFAULT", "COMMENT", "ACL"};
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(";", 0) == 0) {
      size_t colon;
      if ((colon = line.find("Dumped from database version:")) != std::string::npos)
        toc.dumped_from = Trim(line.substr(colon + 29));
      else if ((colon = line.find("Dumped by pg_dump version:")) != std::string::npos)
        toc.dumped_by = Trim(line.substr(colon + 26));
      continue;
    }
    std::smatch m;
    if (!std::regex_match(line, m, kEntry)) continue;
    TocEntry e;
    e.line = line;
    std::string rest = m[4];
    for (const char* d : kDescs) {
      std::string desc = d;
      if (rest.compare(0, desc.size(), desc) == 0 &&
          (rest.size() == desc.size() || rest[desc.size()] == ' ')) {
        e.desc = desc;
        rest = rest.size() > desc.size() ? rest.substr(desc.size() + 1) : "";
        break;
      }
    }
    if (e.desc.empty()) {
      size_t sp = rest.find(' ');
      e.desc = rest.substr(0, sp);
      rest = sp == std::string::npos ? "" : rest.substr(sp + 1);
    }
    // "<schema> <tag...> <owner>"; the tag may hold spaces.
    size_t first = rest.find(' ');
    size_t last = rest.rfind(' ');
    if (first != std::string::npos) {
      e.schema = rest.substr(0, first);
      e.name = last > first ? rest.substr(first + 1, last - first - 1) : rest.substr(first + 1);
    }
    toc.entries.push_back(std::move(e));
  }
  return toc;
}

bool IsPostDataIndexItem(const std::string& desc) {
  return desc == "INDEX" || desc == "CONSTRAINT" || desc == "FK CONSTRAINT";
}

bool MatchesTablePattern(const std::string& pattern, const std::string& schema,
                         const std::string& table) {
  std::string p;
  for (char c : pattern)
    if (c != '"') p += c;
  if (p.find('.') != std::string::npos)
    return ::fnmatch(p.c_str(), (schema + "." + table).c_str(), 0) == 0;
  return ::fnmatch(p.c_str(), table.c_str(), 0) == 0;
}

FilteredToc FilterToc(const Toc& toc, bool schema_only,
                      const std::vector<std::string>& exclude_patterns,
                      const std::vector<KeptTableData>& kept) {
  auto is_kept = [&kept](const TocEntry& e) {
    for (const KeptTableData& k : kept)
      if (e.name == k.table && (k.schema.empty() || e.schema == k.schema)) return true;
    return false;
  };
  FilteredToc out;
  for (const TocEntry& e : toc.entries) {
    bool drop = false;
    if (e.desc == "TABLE DATA" && !is_kept(e)) {
      if (schema_only) drop = true;
      for (const std::string& p : exclude_patterns)
        if (MatchesTablePattern(p, e.schema, e.name)) drop = true;
    }
    if (schema_only && (e.desc == "BLOB DATA" || e.desc == "BLOBS" ||
                        e.desc == "LARGE OBJECT"))
      drop = true;
    if (drop) {
      out.list += ";" + e.line + "\n";
      ++out.excluded;
      continue;
    }
    out.list += e.line + "\n";
    if (e.desc == "TABLE DATA") ++out.tables_with_data;
    if (IsPostDataIndexItem(e.desc)) ++out.post_data_items;
  }
  return out;
}

std::string ChildConninfo(const DatabaseTarget& target,
                          const std::map<std::string, std::string>& settings) {
  return target.Conninfo(settings, /*with_password=*/false);
}

namespace {

bool IsProblemLine(const std::string& line) {
  return line.find("error:") != std::string::npos ||
         line.find("warning:") != std::string::npos ||
         line.find("detail:") != std::string::npos || line.find("DETAIL:") != std::string::npos ||
         line.find("hint:") != std::string::npos || line.find("HINT:") != std::string::npos ||
         line.find("FATAL:") != std::string::npos || line.rfind("Command was:", 0) == 0 ||
         line.find("from TOC entry") != std::string::npos;
}

}  // namespace

namespace {

/// The caller's environment without what could steer the tools (PG*
/// variables, LC_ALL, LANGUAGE), plus `env` and LC_MESSAGES=C.
std::map<std::string, std::string> ToolEnvironment(const std::map<std::string, std::string>& env) {
  std::map<std::string, std::string> vars = ChildEnvironmentVariables({});
  for (auto it = vars.begin(); it != vars.end();) {
    const std::string& name = it->first;
    if (name.rfind("PG", 0) == 0 || name == "LC_ALL" || name == "LANGUAGE")
      it = vars.erase(it);
    else
      ++it;
  }
  for (const auto& [name, value] : env) vars[name] = value;
  vars.emplace("LC_MESSAGES", "C");
  return vars;
}

}  // namespace

ToolResult RunTool(const std::string& program, const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env, bool capture_stdout,
                   const std::function<void(const std::string&)>& on_line,
                   const std::function<void()>& tick, Interrupt* interrupt,
                   ProcessSpawner* spawner) {
  ToolResult result;
  SubprocessRequest request;
  request.argv = {program};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.env = ToolEnvironment(env);
  request.stdout_to =
      capture_stdout ? SubprocessOutput::Capture() : SubprocessOutput::Discard();
  request.stderr_to = SubprocessOutput::Lines([&](const std::string& line) {
    if (IsProblemLine(line)) result.problems.push_back(line);
    if (on_line) on_line(line);
  });
  request.on_tick = tick;
  request.interrupt = interrupt;
  request.kill_grace_seconds = 5;
  request.end_group_after_exit = true;

  SubprocessResult run = (spawner ? spawner : DefaultProcessSpawner())->Run(request);
  if (run.failed_to_start) {
    result.exit_code = 127;
    result.problems.push_back("could not start " + program + ": " + run.start_error);
    return result;
  }
  result.exit_code = run.ExitCode();
  result.interrupted = run.interrupted;
  result.out = std::move(run.out);
  // Every line of the captured output ends with a newline.
  if (!result.out.empty() && result.out.back() != '\n') result.out += '\n';
  return result;
}
