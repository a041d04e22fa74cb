#include "base/checksum.h"

#include <gtest/gtest.h>

TEST(ChecksumTest, Sha256MatchesKnownVectors) {
  // FIPS 180-2 test vectors.
  EXPECT_EQ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            Sha256Hex(""));
  EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            Sha256Hex("abc"));
  EXPECT_EQ("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
}

TEST(ChecksumTest, HashesBinaryBytes) {
  std::string with_nul("a\0b", 3);
  EXPECT_NE(Sha256Hex("a"), Sha256Hex(with_nul));
  EXPECT_EQ(64u, Sha256Hex(with_nul).size());
}

TEST(ChecksumTest, NormalizesLineEndingsAndBom) {
  EXPECT_EQ("a\nb\nc\n\nd", NormalizeForChecksum("a\r\nb\rc\n\r\nd"));
  EXPECT_EQ("x\n", NormalizeForChecksum("\xEF\xBB\xBFx\r"));
  // Only a leading BOM is dropped: one inside the text is content.
  EXPECT_EQ("x\xEF\xBB\xBF", NormalizeForChecksum("x\xEF\xBB\xBF"));
  // CR CR LF is a lone CR then a CRLF: two line breaks.
  EXPECT_EQ("a\n\nb", NormalizeForChecksum("a\r\r\nb"));
}

TEST(ChecksumTest, LineEndingAndBomVariantsGiveTheSameChecksum) {
  const std::string lf = "CREATE TABLE users (\n  id bigint\n);\n";
  const std::string crlf = "CREATE TABLE users (\r\n  id bigint\r\n);\r\n";
  const std::string cr = "CREATE TABLE users (\r  id bigint\r);\r";
  const std::string bom = "\xEF\xBB\xBF" + crlf;
  EXPECT_EQ(MigrationChecksum(lf), MigrationChecksum(crlf));
  EXPECT_EQ(MigrationChecksum(lf), MigrationChecksum(cr));
  EXPECT_EQ(MigrationChecksum(lf), MigrationChecksum(bom));
  EXPECT_EQ("sha256:" + Sha256Hex(lf), MigrationChecksum(lf));
}

TEST(ChecksumTest, OneCharacterChangeGivesADifferentChecksum) {
  const std::string a = "CREATE TABLE users (id bigint);\n";
  const std::string b = "CREATE TABLE users (id bigInt);\n";
  const std::string c = "CREATE TABLE users (id bigint);\n\n";
  EXPECT_NE(MigrationChecksum(a), MigrationChecksum(b));
  EXPECT_NE(MigrationChecksum(a), MigrationChecksum(c));
}

TEST(ChecksumTest, HasThePrefixAndLength) {
  std::string sum = MigrationChecksum("SELECT 1;");
  ASSERT_EQ(7u + 64u, sum.size());
  EXPECT_EQ("sha256:", sum.substr(0, 7));
  EXPECT_EQ(std::string::npos, sum.find_first_not_of("0123456789abcdef", 7));
}
