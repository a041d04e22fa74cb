// Console through spdlog: human lines byte for byte as Heroku prints them,
// JSON mode one parseable object per line, levels filtering.

#include "base/console.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <sstream>

#include "base/redactor.h"

namespace {

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace

TEST(ConsoleTest, HumanLinesAreHerokuStyle) {
  std::ostringstream out, err;
  Console console(out, err, nullptr);
  console.Step("Applying");
  console.Detail("1_a  5ms");
  console.ProcessLine("hook: ", "hello");
  console.Debug("not shown at info");
  console.Event("migration_applied", {{"version", 1}});
  console.Warning("careful");
  console.Error("failed");
  EXPECT_EQ(out.str(), "-----> Applying\n       1_a  5ms\n       hook: hello\n");
  EXPECT_EQ(err.str(), " !     careful\n !     failed\n");
}

TEST(ConsoleTest, DebugLinesNeedTheDebugLevel) {
  std::ostringstream out, err;
  Console console(out, err, nullptr);
  LogOptions options;
  options.level = LogLevel::kDebug;
  console.Configure(options);
  console.Debug("attempt 2");
  EXPECT_EQ(out.str(), "       attempt 2\n");
  options.level = LogLevel::kWarn;
  console.Configure(options);
  console.Step("hidden");
  console.Warning("shown");
  EXPECT_EQ(out.str(), "       attempt 2\n");
  EXPECT_EQ(err.str(), " !     shown\n");
}

TEST(ConsoleTest, JsonModeWritesOneScrubbedObjectPerEventOnErr) {
  std::ostringstream out, err;
  Redactor redactor;
  redactor.AddSecret("s3cret");
  Console console(out, err, &redactor);
  LogOptions options;
  options.format = LogFormat::kJson;
  console.Configure(options);
  console.Step("Applying with s3cret");
  console.Event("migration_applied",
                {{"version", int64_t{20240101}}, {"name", "a\"b\n"}, {"duration_ms", 12.5},
                 {"in_transaction", true}});
  console.ProcessLine("hook: ", "line");
  console.Error("boom");
  console.Data("{\"doc\": 1}\n");
  EXPECT_EQ(out.str(), "{\"doc\": 1}\n");  // Data stays on stdout
  std::vector<nlohmann::json> lines = JsonLines(err.str());
  ASSERT_EQ(lines.size(), 4u) << err.str();
  EXPECT_EQ(lines[0]["event"], "step");
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["message"], "Applying with ********");
  EXPECT_EQ(lines[0]["time"].get<std::string>().size(), 24u);  // 2024-01-02T03:04:05.678Z
  EXPECT_EQ(lines[1]["event"], "migration_applied");
  EXPECT_EQ(lines[1]["version"], 20240101);
  EXPECT_EQ(lines[1]["name"], "a\"b\n");
  EXPECT_EQ(lines[1]["duration_ms"], 12.5);
  EXPECT_EQ(lines[1]["in_transaction"], true);
  EXPECT_EQ(lines[2]["event"], "output");
  EXPECT_EQ(lines[3]["level"], "error");
}

TEST(ConsoleTest, SpdlogIsWhatWritesTheLines) {
  std::ostringstream out, err, tap;
  Console console(out, err, nullptr);
  LogOptions options;
  options.format = LogFormat::kJson;
  console.Configure(options);
  // A second sink on the Console's spdlog logger sees every event.
  console.err_logger()->sinks().push_back(std::make_shared<spdlog::sinks::ostream_sink_mt>(tap));
  console.Event("lock_acquired", {{"waited_ms", 0}});
  console.err_logger()->flush();
  EXPECT_NE(tap.str().find("\"event\":\"lock_acquired\""), std::string::npos) << tap.str();
}

TEST(ConsoleTest, ProgressRedrawsOneLineOnATerminal) {
  std::ostringstream out, err;
  Console console(out, err, nullptr);
  console.set_terminal(true);
  console.Progress("1_a running for 10s", {});
  console.Progress("1_a running for 20s", {});
  console.Detail("1_a  25s");
  EXPECT_EQ(out.str(),
            "\r       1_a running for 10s\033[K\r       1_a running for 20s\033[K\r\033[K"
            "       1_a  25s\n");
  std::ostringstream plain_out, plain_err;
  Console plain(plain_out, plain_err, nullptr);
  plain.Progress("1_a running for 10s", {});
  EXPECT_EQ(plain_out.str(), "       1_a running for 10s\n");
}

TEST(ConsoleTest, UnknownLogOptionsAreUsageErrors) {
  EXPECT_EQ(ResolveLogOptions("json", false).format, LogFormat::kJson);
  EXPECT_EQ(ResolveLogOptions("", true).level, LogLevel::kDebug);
  EXPECT_ANY_THROW(ResolveLogOptions("xml", false));
}

// Issue 23 item 7: versions and exit codes are JSON integers, exact to the
// last of 18 digits, not floats ("version":20250107000000.0).
TEST(ConsoleTest, JsonEventsWriteWholeNumbersAsExactIntegers) {
  std::ostringstream out, err;
  Console console(out, err, nullptr);
  LogOptions options;
  options.format = LogFormat::kJson;
  console.Configure(options);
  console.Event("migration_applied", {{"version", int64_t{20250107000000}},
                                      {"big", int64_t{123456789012345678}},
                                      {"exit_code", 1},
                                      {"count", size_t{3}},
                                      {"duration_ms", 2.5}});
  const std::string line = err.str();
  EXPECT_NE(line.find("\"version\":20250107000000,"), std::string::npos) << line;
  EXPECT_NE(line.find("\"big\":123456789012345678,"), std::string::npos) << line;
  EXPECT_NE(line.find("\"exit_code\":1,"), std::string::npos) << line;
  EXPECT_NE(line.find("\"count\":3,"), std::string::npos) << line;
  EXPECT_NE(line.find("\"duration_ms\":2.5}"), std::string::npos) << line;
  EXPECT_EQ(JsonLines(line).at(0).at("big").get<int64_t>(), 123456789012345678);
}
