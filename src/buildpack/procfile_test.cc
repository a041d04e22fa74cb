#include "buildpack/procfile.h"

#include <gtest/gtest.h>

namespace {

Procfile MustParse(const std::string& text) {
  Procfile p;
  ProcfileError err;
  EXPECT_TRUE(ParseProcfile(text, &p, &err)) << err.Format("Procfile");
  return p;
}

ProcfileError MustFail(const std::string& text) {
  Procfile p;
  ProcfileError err;
  EXPECT_FALSE(ParseProcfile(text, &p, &err)) << text;
  return err;
}

}  // namespace

TEST(ProcfileTest, ParsesTypesInOrder) {
  Procfile p = MustParse(
      "web: node server.js --port $PORT\n"
      "worker-2: bundle exec sidekiq\n"
      "release-phase: ./migrate.sh\n");
  ASSERT_EQ(3u, p.processes.size());
  EXPECT_EQ("web", p.processes[0].name);
  EXPECT_EQ("node server.js --port $PORT", p.processes[0].command);
  EXPECT_EQ(1, p.processes[0].line);
  EXPECT_EQ("worker-2", p.processes[1].name);
  EXPECT_EQ("release-phase", p.processes[2].name);
  EXPECT_EQ(3, p.processes[2].line);
  EXPECT_NE(nullptr, p.Find("worker-2"));
  EXPECT_EQ(nullptr, p.Find("clock"));
}

TEST(ProcfileTest, IgnoresCommentsAndBlankLines) {
  Procfile p = MustParse("# comment\n\n   \n  # indented comment\nweb: a\n\n");
  ASSERT_EQ(1u, p.processes.size());
  EXPECT_EQ(5, p.processes[0].line);
}

TEST(ProcfileTest, KeepsCommandTextByteForByte) {
  Procfile p = MustParse(
      "web: echo \"a: b\" 'c # d' && test $(date +%s) -gt 0 # trailing\n");
  EXPECT_EQ("echo \"a: b\" 'c # d' && test $(date +%s) -gt 0 # trailing",
            p.processes[0].command);
}

TEST(ProcfileTest, ToleratesCrlfAndBom) {
  Procfile p = MustParse("\xEF\xBB\xBFweb: a\r\nworker: b\r\n");
  ASSERT_EQ(2u, p.processes.size());
  EXPECT_EQ("web", p.processes[0].name);
  EXPECT_EQ("a", p.processes[0].command);
  EXPECT_EQ("b", p.processes[1].command);
}

TEST(ProcfileTest, AcceptsUtf8InCommands) {
  Procfile p = MustParse("web: echo héllo ✓\n");
  EXPECT_EQ("echo héllo ✓", p.processes[0].command);
}

// What Cedar and Fir read differently is refused, and the reason says
// what each would do (heroku/buildpacks-procfile SPEC.md, src/procfile.rs).
TEST(ProcfileTest, RefusesWhatCedarAndFirReadDifferentlyAndSaysWhatEachDoes) {
  struct Case {
    const char* text;
    int line;
    const char* reason_part;
  } cases[] = {
      {"web: a\nworker npm run worker\n", 2,
       "no `:` after the process type: Cedar would run `worker` as `npm run worker`, Fir "
       "refuses the line; write `worker: npm run worker`"},
      {"web : a\n", 1, "blank between the process type and `:`: Cedar would run `web` as `: a`"},
      {"web.1: a\n", 1, "Cedar skips this line without a word and Fir refuses the Procfile"},
      {"wéb: a\n", 1, "may only contain lowercase letters, digits and `-`"},
      {"&&&&\n", 1, "expected `<process type>: <command>`; Cedar skips this line"},
      {"worker_2: a\n", 1, "Cedar runs it as `worker_2`, but Fir renames it `worker-2`"},
      {"Web: a\n", 1, "Fir renames it `web`"},
      {"-web: a\n", 1, "starts or ends with `-`: Cedar accepts it, Fir refuses"},
      {"web-: a\n", 1, "starts or ends with `-`"},
      {": a\n", 1, "missing process type"},
      {"web:\n", 1, "has no command"},
      {"web:    \n", 1, "has no command"},
      {"web: a\nweb: b\n", 2, "already defined on line 1; Cedar would use only the last one"},
      {"web: a\nworker: \xC3\x28\n", 2, "invalid UTF-8"},
      {"web: \xED\xA0\x80\n", 1, "invalid UTF-8"},  // a UTF-16 surrogate
      {"web: \xC0\xAF\n", 1, "invalid UTF-8"},      // overlong encoding
  };
  for (const Case& c : cases) {
    ProcfileError err = MustFail(c.text);
    EXPECT_EQ(c.line, err.line) << c.text;
    EXPECT_NE(std::string::npos, err.reason.find(c.reason_part))
        << c.text << " -> " << err.reason;
  }
}

// What both platforms read alike, but not in canonical form, is accepted
// with a warning naming the line, and written canonically.
TEST(ProcfileTest, NormalisesWithAWarningWhatBothReadAlike) {
  struct Case {
    const char* text;
    const char* canonical;
    int warning_line;
    const char* warning_part;
  } cases[] = {
      {"web:bundle exec puma\n", "web: bundle exec puma\n", 1,
       "no blank after `:`: Cedar would drop this line"},
      {"web: a\n  worker: b\n", "web: a\nworker: b\n", 2, "starts with blanks"},
      {"\xEF\xBB\xBFweb: a\n", "web: a\n", 1, "byte-order mark"},
      {"web: a\rworker: b\r", "web: a\nworker: b\n", 1, "lone carriage return"},
      {"# keep me\r\nweb:\tx\r\n", "# keep me\nweb: x\n", 1, "CRLF"},
  };
  for (const Case& c : cases) {
    Procfile p = MustParse(c.text);
    EXPECT_EQ(c.canonical, WriteCanonicalProcfile(c.text, p)) << c.text;
    if (c.warning_line == 0) {
      EXPECT_TRUE(p.warnings.empty()) << c.text;
      continue;
    }
    ASSERT_FALSE(p.warnings.empty()) << c.text;
    EXPECT_EQ(c.warning_line, p.warnings[0].line) << c.text;
    EXPECT_NE(std::string::npos, p.warnings[0].message.find(c.warning_part))
        << c.text << " -> " << p.warnings[0].message;
  }
  // Already canonical: byte for byte, comments and all, no warning.
  const std::string clean = "# web\nweb: node a.js # x\n\nworker: b";
  Procfile p = MustParse(clean);
  EXPECT_EQ(clean, WriteCanonicalProcfile(clean, p));
  EXPECT_TRUE(p.warnings.empty());
}

TEST(ProcfileTest, RejectsNulBytes) {
  std::string text("web: a\nworker: b\0c\n", 19);
  ProcfileError err = MustFail(text);
  EXPECT_EQ(2, err.line);
  EXPECT_NE(std::string::npos, err.reason.find("NUL byte"));
}

// Found by fuzz_procfile: a stray CR stayed in the command, so the shell
// would have looked for `mailer.js\r`. A lone CR is now a line break, as
// on Cedar, so no command ever holds one.
TEST(ProcfileTest, NoCarriageReturnEverReachesACommandAndControlCharactersAreRefused) {
  Procfile p = MustParse("wwor:er:er/:-4/mailer.js\r\r\n");
  ASSERT_EQ(1u, p.processes.size());
  EXPECT_EQ("er:er/:-4/mailer.js", p.processes[0].command);
  ProcfileError err = MustFail("web: a\nworker: b\x1b[31m\n");
  EXPECT_EQ(2, err.line);
  EXPECT_NE(std::string::npos, err.reason.find("control character 0x1B at column 10"));
  MustParse("web: a\tb\r\n");  // tabs are fine
}

TEST(ProcfileTest, RejectsEmptyAndCommentOnlyFiles) {
  EXPECT_NE(std::string::npos, MustFail("").reason.find("empty"));
  EXPECT_NE(std::string::npos,
            MustFail("# only\n\n# comments\n").reason.find("no process types"));
  EXPECT_NE(std::string::npos, MustFail("\xEF\xBB\xBF").reason.find("empty"));
}

TEST(ProcfileTest, RejectsHugeFilesAndNames) {
  std::string huge = "web: " + std::string(kMaxProcfileBytes, 'x') + "\n";
  EXPECT_NE(std::string::npos, MustFail(huge).reason.find("at most"));
  ProcfileError err = MustFail(std::string(64, 'w') + ": a\n");
  EXPECT_NE(std::string::npos, err.reason.find("at most 63"));
  MustParse(std::string(63, 'w') + ": a\n");
}

TEST(ProcfileTest, FormatsErrorsWithLineAndShortenedText) {
  ProcfileError err = MustFail("web: a\n" + std::string(500, 'z') + "\n");
  std::string msg = err.Format("procfiles/x.Procfile");
  EXPECT_EQ(0u, msg.find("procfiles/x.Procfile:2: `zzz"));
  EXPECT_NE(std::string::npos, msg.find("(500 bytes)"));
  EXPECT_LT(msg.size(), 300u);
}

TEST(ProcfileTest, Utf8Validator) {
  size_t bad = 0;
  EXPECT_TRUE(IsValidUtf8("plain ascii", &bad));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x9A\x80 rocket", &bad));
  EXPECT_FALSE(IsValidUtf8("ok\xF8", &bad));
  EXPECT_EQ(2u, bad);
  EXPECT_FALSE(IsValidUtf8("\xE2\x82", &bad));  // truncated
  EXPECT_EQ(0u, bad);
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80", &bad));  // above U+10FFFF
}

// Issue 23, item 5: Cedar runs `job_runner:`, `Worker:`, `-key:` and
// 64-character names as written, so bin/compile must too, with a warning
// that says what Fir would do instead.
TEST(ProcfileTest, CedarReadingKeepsTheNamesCedarRunsAndSaysWhatFirWouldDo) {
  const std::string long_name(64, 'w');
  const std::string text = "job_runner: a\nWorker: b\n-key: c\n" + long_name + ": d\n";
  Procfile p;
  ProcfileError err;
  ASSERT_TRUE(ParseProcfile(text, ProcfilePlatform::kCedar, &p, &err)) << err.Format("Procfile");
  ASSERT_EQ(4u, p.processes.size());
  EXPECT_EQ("job_runner", p.processes[0].name);
  EXPECT_EQ("Worker", p.processes[1].name);
  EXPECT_EQ("-key", p.processes[2].name);
  EXPECT_EQ(long_name, p.processes[3].name);
  EXPECT_EQ(text, WriteCanonicalProcfile(text, p));
  ASSERT_EQ(4u, p.warnings.size());
  EXPECT_EQ(1, p.warnings[0].line);
  EXPECT_NE(std::string::npos, p.warnings[0].message.find("Fir would rename it `job-runner`"))
      << p.warnings[0].message;
  EXPECT_NE(std::string::npos, p.warnings[1].message.find("Fir would rename it `worker`"));
  EXPECT_NE(std::string::npos, p.warnings[2].message.find("Fir would refuse the Procfile"));
  EXPECT_NE(std::string::npos, p.warnings[3].message.find("Fir would refuse the Procfile"));
  EXPECT_NE(std::string::npos, p.warnings[3].message.find("63"));
  // The same text read for both platforms is refused, as before.
  EXPECT_FALSE(ParseProcfile(text, ProcfilePlatform::kBoth, &p, &err));
  EXPECT_FALSE(ParseProcfile(text, &p, &err));
}

// Issue 23, item 5: bin/build does what heroku/procfile does: upper case
// and `_` are rewritten with a warning, what it cannot rewrite is refused.
TEST(ProcfileTest, FirReadingRenamesAsHerokuProcfileDoesAndRefusesTheRest) {
  Procfile p;
  ProcfileError err;
  ASSERT_TRUE(ParseProcfile("job_runner: a\nWorker: b\n", ProcfilePlatform::kFir, &p, &err))
      << err.Format("Procfile");
  ASSERT_EQ(2u, p.processes.size());
  EXPECT_EQ("job-runner", p.processes[0].name);
  EXPECT_EQ("worker", p.processes[1].name);
  ASSERT_EQ(2u, p.warnings.size());
  EXPECT_NE(std::string::npos, p.warnings[0].message.find("Fir renames it `job-runner`"))
      << p.warnings[0].message;
  EXPECT_EQ("job-runner: a\nworker: b\n", WriteCanonicalProcfile("job_runner: a\nWorker: b\n", p));

  EXPECT_FALSE(ParseProcfile("-key: a\n", ProcfilePlatform::kFir, &p, &err));
  EXPECT_NE(std::string::npos, err.reason.find("Fir refuses")) << err.reason;
  EXPECT_FALSE(ParseProcfile(std::string(64, 'w') + ": a\n", ProcfilePlatform::kFir, &p, &err));
  EXPECT_NE(std::string::npos, err.reason.find("at most 63")) << err.reason;
  // Two lines Fir renames to the same type.
  EXPECT_FALSE(ParseProcfile("worker: a\nWorker: b\n", ProcfilePlatform::kFir, &p, &err));
  EXPECT_EQ(2, err.line);
  EXPECT_NE(std::string::npos, err.reason.find("already defined on line 1")) << err.reason;
}

TEST(ProcfileTest, PlatformNamesRoundTrip) {
  for (ProcfilePlatform platform :
       {ProcfilePlatform::kCedar, ProcfilePlatform::kFir, ProcfilePlatform::kBoth}) {
    ProcfilePlatform read;
    ASSERT_TRUE(ParseProcfilePlatform(ProcfilePlatformName(platform), &read));
    EXPECT_EQ(platform, read);
  }
  ProcfilePlatform read;
  EXPECT_FALSE(ParseProcfilePlatform("heroku", &read));
}

// Issue 23, item 11: the README promises a warning for CRLF line ends.
TEST(ProcfileTest, WarnsOnceAboutCrlfLineEnds) {
  Procfile p = MustParse("web: a\r\nworker: b\r\n");
  ASSERT_EQ(1u, p.warnings.size());
  EXPECT_EQ(1, p.warnings[0].line);
  EXPECT_NE(std::string::npos, p.warnings[0].message.find("CRLF")) << p.warnings[0].message;
  EXPECT_EQ("web: a\nworker: b\n", WriteCanonicalProcfile("web: a\r\nworker: b\r\n", p));
}
