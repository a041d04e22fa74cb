#include "migrate/migrations_manifest.h"

#include <gtest/gtest.h>

namespace {

MigrationsManifest TwoFiles() {
  MigrationsManifest m;
  m.directory = "db/migrations";
  MigrationsManifestFile a;
  a.name = "1_a.sql";
  a.metadata = {120, 1700000000, 999999999};
  a.holds_up = a.holds_down = true;
  a.checksum = "sha256:00ff";
  a.up_in_transaction = false;
  a.up_first_line = 3;
  MigrationsManifestFile b;
  b.name = "2_b.down.sql";
  b.metadata = {7, -5, 0};
  b.holds_down = true;
  b.down_in_transaction = false;
  b.up_blank = true;
  m.files = {a, b};
  return m;
}

std::string Problem(const std::string& text) {
  MigrationsManifest m;
  std::string problem;
  EXPECT_FALSE(ParseMigrationsManifest(text, &m, &problem)) << text;
  return problem;
}

}  // namespace

TEST(MigrationsManifestTest, ReadsWhatItWrites) {
  MigrationsManifest written = TwoFiles();
  std::string text = FormatMigrationsManifest(written);
  EXPECT_EQ('\n', text.back());
  MigrationsManifest read;
  std::string problem;
  ASSERT_TRUE(ParseMigrationsManifest(text, &read, &problem)) << problem;
  EXPECT_EQ(written.directory, read.directory);
  ASSERT_EQ(2u, read.files.size());
  for (size_t i = 0; i < 2; ++i) {
    const MigrationsManifestFile& w = written.files[i];
    const MigrationsManifestFile& r = read.files[i];
    EXPECT_EQ(w.name, r.name);
    EXPECT_EQ(w.metadata.size, r.metadata.size);
    EXPECT_EQ(w.metadata.mtime_seconds, r.metadata.mtime_seconds);
    EXPECT_EQ(w.metadata.mtime_nanoseconds, r.metadata.mtime_nanoseconds);
    EXPECT_EQ(w.holds_up, r.holds_up);
    EXPECT_EQ(w.holds_down, r.holds_down);
    EXPECT_EQ(w.checksum, r.checksum);
    EXPECT_EQ(w.up_in_transaction, r.up_in_transaction);
    EXPECT_EQ(w.down_in_transaction, r.down_in_transaction);
    EXPECT_EQ(w.up_first_line, r.up_first_line);
    EXPECT_EQ(w.up_blank, r.up_blank);
  }
  EXPECT_EQ(&read.files[1], read.Find("2_b.down.sql"));
  EXPECT_EQ(nullptr, read.Find("3_c.sql"));
}

TEST(MigrationsManifestTest, SaysWhatIsWrongWithAnythingElse) {
  std::string good = FormatMigrationsManifest(TwoFiles());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    size_t at = text.find(from);
    EXPECT_NE(std::string::npos, at) << from;
    return text.replace(at, from.size(), to);
  };
  EXPECT_EQ("not valid JSON", Problem(""));
  EXPECT_EQ("not valid JSON", Problem(good.substr(0, good.size() / 2)));
  EXPECT_EQ("expected a JSON object", Problem("[1]"));
  EXPECT_EQ("format: missing", Problem("{}"));
  EXPECT_EQ("format: expected \"slugwright-migrations-manifest\"",
            Problem(with("slugwright-migrations-manifest", "release")));
  EXPECT_EQ("version 2: this slugwright reads version 1",
            Problem(with("\"version\": 1", "\"version\": 2")));
  EXPECT_EQ("directory: expected a string",
            Problem(with("\"db/migrations\"", "7")));
  EXPECT_EQ("files: expected an array", Problem(with("\"files\": [", "\"files\": {\"x\": [") +
                                                 "}"));
  EXPECT_EQ("files[0].size: expected an integer", Problem(with("\"size\":120", "\"size\":\"120\"")));
  EXPECT_EQ("files[0].size: out of range", Problem(with("\"size\":120", "\"size\":-1")));
  EXPECT_EQ("files[1].mtime_ns: out of range",
            Problem(with("\"mtime_ns\":0", "\"mtime_ns\":1000000000")));
  EXPECT_EQ("files[0].up: expected true or false", Problem(with("\"up\":true", "\"up\":1")));
  EXPECT_EQ("files[0].checksum: expected \"sha256:<hex>\"",
            Problem(with("sha256:00ff", "md5:00ff")));
  EXPECT_EQ("files[0].name: expected a file name", Problem(with("1_a.sql", "../1_a.sql")));
  EXPECT_EQ("files[0].up_first_line: missing", Problem(with("\"up_first_line\":3,", "")));
  EXPECT_EQ("files[1].name: `1_a.sql` is out of order or repeated; expected the files sorted "
            "by name, each once",
            Problem(with("2_b.down.sql", "1_a.sql")));
}

TEST(MigrationsManifestTest, MetadataMatchesOnSizeAndTimeToTheNanosecondOrWholeSeconds) {
  DiskInterface::FileMetadata recorded{120, 1700000000, 500};
  EXPECT_TRUE(ManifestMetadataMatches(recorded, {120, 1700000000, 500}));
  // An archive (the slug's tarball) keeps whole seconds.
  EXPECT_TRUE(ManifestMetadataMatches(recorded, {120, 1700000000, 0}));
  EXPECT_FALSE(ManifestMetadataMatches(recorded, {121, 1700000000, 500}));
  EXPECT_FALSE(ManifestMetadataMatches(recorded, {120, 1700000001, 500}));
  EXPECT_FALSE(ManifestMetadataMatches(recorded, {120, 1700000000, 501}));
}
