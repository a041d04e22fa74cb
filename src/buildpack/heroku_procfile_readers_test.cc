#include "buildpack/heroku_procfile_readers.h"

#include <boost/filesystem.hpp>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

#include "buildpack/procfile.h"

namespace {

using Table = std::map<std::string, std::string>;

Table Fir(const std::string& text, std::vector<std::string>* warnings = nullptr) {
  Table table;
  std::vector<std::string> ignored;
  std::string error;
  EXPECT_TRUE(ReadProcfileAsFir(text, &table, warnings ? warnings : &ignored, &error))
      << text << ": " << error;
  return table;
}

bool FirRefuses(const std::string& text) {
  Table table;
  std::vector<std::string> warnings;
  std::string error;
  return !ReadProcfileAsFir(text, &table, &warnings, &error);
}

}  // namespace

// Cedar's regex, as heroku/buildpacks-procfile's SPEC.md gives it.
TEST(CedarProcfileReader, ReadsWhatTheRegexMatches) {
  EXPECT_EQ((Table{{"web", "npm start"}}), ReadProcfileAsCedar("web: npm start\n"));
  EXPECT_EQ((Table{{"worker", "npm start"}}), ReadProcfileAsCedar("worker npm start\n"));
  EXPECT_EQ((Table{{"web", "x"}}), ReadProcfileAsCedar(" web: x\n"));
  EXPECT_EQ((Table{{"web", ": x"}}), ReadProcfileAsCedar("web : x\n"));
  EXPECT_EQ(Table{}, ReadProcfileAsCedar("web:bundle exec puma\n"));  // no blank: dropped
  EXPECT_EQ(Table{}, ReadProcfileAsCedar("\xEF\xBB\xBFweb: x\n"));   // BOM: line 1 lost
  EXPECT_EQ((Table{{"web", "a"}, {"worker", "b"}}), ReadProcfileAsCedar("web: a\rworker: b\r"));
  EXPECT_EQ((Table{{"web", "b"}}), ReadProcfileAsCedar("web: a\nweb: b\n"));  // last wins
  EXPECT_EQ(Table{}, ReadProcfileAsCedar("# web: a\nfoo.bar: x\n"));
  EXPECT_EQ((Table{{"Clock_Worker", "x"}}), ReadProcfileAsCedar("Clock_Worker: x\r\n"));
}

// heroku/procfile (Fir), per its SPEC.md and src/procfile.rs.
TEST(FirProcfileReader, StrictKeysAndRewrites) {
  EXPECT_EQ((Table{{"web", "npm start"}}), Fir("web:npm start\n"));
  EXPECT_EQ((Table{{"web", "x"}, {"a", "y"}}), Fir("# c\n\n  \nweb:   x\r\na: y"));
  std::vector<std::string> warnings;
  EXPECT_EQ((Table{{"clock-worker", "x"}}), Fir("Clock_Worker: x\n", &warnings));
  EXPECT_EQ(1u, warnings.size());
  warnings.clear();
  EXPECT_EQ((Table{{"web", "x"}}), Fir("  web: x\n", &warnings));
  EXPECT_EQ(1u, warnings.size());
  EXPECT_TRUE(FirRefuses("worker npm start\n"));
  EXPECT_TRUE(FirRefuses("web : x\n"));
  EXPECT_TRUE(FirRefuses("-web: x\n"));
  EXPECT_TRUE(FirRefuses("web-: x\n"));
  EXPECT_TRUE(FirRefuses("web:\n"));
  EXPECT_TRUE(FirRefuses(std::string(64, 'a') + ": x\n"));
  Fir(std::string(63, 'a') + ": x\n");
}

// The promise of issue "What Heroku runs is exactly what slugwright
// validated": whatever ParseProcfile accepts, its canonical text reads the
// same under both readers. Table-driven over every construct, then over
// the fixtures, procfiles/ and the fuzz corpus.
TEST(HerokuProcfileReaders, EveryAcceptedProcfileReadsBackIdentically) {
  const char* accepted[] = {
      "web: npm start\n",
      "web:bundle exec puma\n",
      "\xEF\xBB\xBFweb: a\r\nworker: b\r\n",
      "web: a\rworker: b\r",
      "  web: x\n\t# comment\n\nrelease:\tnpx sequelize-cli db:migrate\n",
      "web: cd packages/commonwealth && NODE_OPTIONS=--max-old-space-size=$(node ./scripts/"
      "get-max-old-space-size.mjs) node --import=extensionless/register --enable-source-maps "
      "./build/server.js\nrelease: cd packages/commonwealth && npx sequelize-cli db:migrate "
      "--config server/sequelize.json && node ./scripts/purge-cdn.js\n",
      "web: echo \"a: b\" 'c # d' && test $(date +%s) -gt 0 # trailing   \n",
      "web: a",
      "1: x\nweb-2: y\n",
  };
  for (const char* text : accepted) {
    Procfile parsed;
    ProcfileError error;
    ASSERT_TRUE(ParseProcfile(text, &parsed, &error)) << text << ": " << error.Format("P");
    std::string written = WriteCanonicalProcfile(text, parsed);
    EXPECT_EQ("", CheckBothReadersAgree(written, parsed)) << text;
  }
}

TEST(HerokuProcfileReaders, FixturesAndFuzzCorpusReadBackIdentically) {
  namespace fs = boost::filesystem;
  const char* source = std::getenv("SLUGWRIGHT_SOURCE_DIR");
  ASSERT_NE(nullptr, source) << "SLUGWRIGHT_SOURCE_DIR is set by CTest";
  int checked = 0, accepted = 0;
  for (const char* dir : {"fixtures", "procfiles", "tests/fuzz/corpus"}) {
    fs::path root = fs::path(source) / dir;
    if (!fs::exists(root)) continue;
    boost::system::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      if (fs::is_symlink(it->path()) || !fs::is_regular_file(it->path())) continue;
      std::string name = it->path().filename().string();
      bool procfile_like = name.find("rocfile") != std::string::npos ||
                           it->path().parent_path().filename() == "fuzz_procfile";
      if (!procfile_like) continue;
      std::ifstream in(it->path().string(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      ++checked;
      Procfile parsed;
      ProcfileError error;
      if (!ParseProcfile(text.str(), &parsed, &error)) continue;
      ++accepted;
      EXPECT_EQ("", CheckBothReadersAgree(WriteCanonicalProcfile(text.str(), parsed), parsed))
          << it->path();
    }
  }
  EXPECT_GT(accepted, 10) << checked << " files looked at";
}

// Issue 23, item 5: read for the platform that builds, what slugwright
// writes is what that platform runs: Cedar the names as written, Fir the
// names heroku/procfile renames, with no warning of its own.
TEST(HerokuProcfileReaders, EachPlatformReadsBackWhatItsReadingAccepted) {
  const std::string text = "job_runner: a\nWorker: b\nweb: c\r\n";
  for (ProcfilePlatform platform : {ProcfilePlatform::kCedar, ProcfilePlatform::kFir}) {
    Procfile parsed;
    ProcfileError error;
    ASSERT_TRUE(ParseProcfile(text, platform, &parsed, &error)) << error.Format("P");
    std::string written = WriteCanonicalProcfile(text, parsed);
    EXPECT_EQ("", CheckReadersAgree(written, parsed, platform)) << ProcfilePlatformName(platform);
  }
  Procfile cedar;
  ProcfileError error;
  ASSERT_TRUE(ParseProcfile(text, ProcfilePlatform::kCedar, &cedar, &error));
  std::string written = WriteCanonicalProcfile(text, cedar);
  EXPECT_NE("", CheckReadersAgree(written, cedar, ProcfilePlatform::kFir));
  EXPECT_NE("", CheckBothReadersAgree(written, cedar));
}
