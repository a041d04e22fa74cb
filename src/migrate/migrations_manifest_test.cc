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

TEST(MigrationsManifestTest, WritesOneFileALine) {
  EXPECT_EQ(
      "# slugwright-migrations-manifest 1\n"
      "# directory: db/migrations\n"
      "# name\tsize\tmtime\tmtime_ns\tup\tdown\tup_in_transaction\tdown_in_transaction\t"
      "up_first_line\tup_blank\tchecksum\n"
      "1_a.sql\t120\t1700000000\t999999999\t1\t1\t0\t1\t3\t0\tsha256:00ff\n"
      "2_b.down.sql\t7\t-5\t0\t0\t1\t1\t0\t1\t1\t\n",
      FormatMigrationsManifest(TwoFiles()));
  // A name the format cannot hold is left out, so that file is read.
  MigrationsManifest m = TwoFiles();
  m.files[0].name = "1_a\tb.sql";
  EXPECT_EQ(std::string::npos, FormatMigrationsManifest(m).find("1_a"));
}

TEST(MigrationsManifestTest, SaysWhatIsWrongWithAnythingElse) {
  std::string good = FormatMigrationsManifest(TwoFiles());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = good;
    size_t at = text.find(from);
    EXPECT_NE(std::string::npos, at) << from;
    return text.replace(at, from.size(), to);
  };
  EXPECT_EQ("line 1: expected `# slugwright-migrations-manifest 1`", Problem(""));
  EXPECT_EQ("line 1: expected `# slugwright-migrations-manifest 1`", Problem("{\"files\": []}"));
  EXPECT_EQ("line 1: expected `# slugwright-migrations-manifest 1`",
            Problem(with("manifest 1", "manifest 2")));
  EXPECT_EQ("line 2: expected `# directory: DIR`", Problem(with("# directory: ", "# dir: ")));
  EXPECT_EQ("line 3: expected the column names", Problem(with("\tup_blank\t", "\t")));
  EXPECT_EQ("line 4: expected 11 tab-separated fields, found 10",
            Problem(with("\t1\t3\t0\t", "\t1\t3\t")));
  EXPECT_EQ("line 6: expected 11 tab-separated fields, found 1", Problem(good + "\n"));
  EXPECT_EQ("line 4, size: expected an integer, not `12x`", Problem(with("\t120\t", "\t12x\t")));
  EXPECT_EQ("line 4, size: out of range", Problem(with("\t120\t", "\t-1\t")));
  EXPECT_EQ("line 4, mtime_ns: out of range", Problem(with("\t999999999\t", "\t1000000000\t")));
  EXPECT_EQ("line 4, up: expected 0 or 1, not `yes`",
            Problem(with("999999999\t1\t", "999999999\tyes\t")));
  EXPECT_EQ("line 4, checksum: expected sha256:<hex>", Problem(with("sha256:00ff", "md5:00ff")));
  EXPECT_EQ("line 4, name: expected a file name", Problem(with("1_a.sql", "../1_a.sql")));
  EXPECT_EQ("line 5, name: `1_a.sql` is out of order or repeated; expected the files sorted "
            "by name, each once",
            Problem(with("2_b.down.sql", "1_a.sql")));
  EXPECT_EQ("line 5, size: expected an integer, not ``", Problem(with("\t7\t", "\t\t")));
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
