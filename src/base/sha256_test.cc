#include "base/sha256.h"

#include <dlfcn.h>

#include <gtest/gtest.h>
#include <random>
#include <string>

#include "base/checksum.h"

namespace {

std::string Hex(const Sha256::Digest& digest) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (uint8_t byte : digest) out += {kHex[byte >> 4], kHex[byte & 0xF]};
  return out;
}

/// The implementations to check: every one this CPU can run (portable
/// always, SHA extensions and BMI2 when the CPU has them).
std::vector<sha256_internal::NamedCompressFunction> Implementations() {
  return sha256_internal::AvailableCompressFunctions();
}

std::string HashWith(sha256_internal::CompressFunction compress, std::string_view bytes) {
  Sha256 sha(compress);
  sha.Update(bytes);
  return Hex(sha.Final());
}

/// OpenSSL's one-shot SHA256(), the implementation slugwright used before,
/// loaded at run time (libpq brings libcrypto; the binary links none).
using OpenSslSha256 = unsigned char* (*)(const unsigned char*, size_t, unsigned char*);
OpenSslSha256 LoadOpenSsl() {
  for (const char* name : {"libcrypto.so.3", "libcrypto.so"}) {
    if (void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL))
      return reinterpret_cast<OpenSslSha256>(dlsym(lib, "SHA256"));
  }
  return nullptr;
}

std::string HashWithOpenSsl(OpenSslSha256 sha256, std::string_view bytes) {
  Sha256::Digest digest;
  sha256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  return Hex(digest);
}

}  // namespace

TEST(Sha256Test, MatchesNistVectors) {
  // FIPS 180-4 examples and the NIST CAVP long-message style vectors.
  std::string million_a(1000000, 'a');
  for (auto [label, compress] : Implementations()) {
    SCOPED_TRACE(label);
    EXPECT_EQ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
              HashWith(compress, ""));
    EXPECT_EQ("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
              HashWith(compress, "abc"));
    EXPECT_EQ("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
              HashWith(compress, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"));
    EXPECT_EQ("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
              HashWith(compress,
                       "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"));
    EXPECT_EQ("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
              HashWith(compress, million_a));
  }
}

TEST(Sha256Test, EveryLengthAroundTheBlockBoundariesMatchesOpenSsl) {
  OpenSslSha256 openssl = LoadOpenSsl();
  if (!openssl) GTEST_SKIP() << "libcrypto could not be loaded for comparison";
  std::string bytes;
  for (size_t length = 0; length <= 200; ++length) {
    for (auto [label, compress] : Implementations())
      ASSERT_EQ(HashWithOpenSsl(openssl, bytes), HashWith(compress, bytes))
          << label << ", length " << length;
    bytes.push_back(static_cast<char>(length * 37 + 11));
  }
}

TEST(Sha256Test, RandomInputsInRandomPiecesMatchOpenSsl) {
  // A differential fuzz against the old implementation: random lengths and
  // bytes, fed to Update() in random pieces.
  OpenSslSha256 openssl = LoadOpenSsl();
  if (!openssl) GTEST_SKIP() << "libcrypto could not be loaded for comparison";
  std::mt19937_64 random(20261201);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(random() % 5000, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    const std::string expected = HashWithOpenSsl(openssl, bytes);
    for (auto [label, compress] : Implementations()) {
      Sha256 sha(compress);
      for (size_t at = 0; at < bytes.size();) {
        size_t piece = std::min<size_t>(bytes.size() - at, random() % 150);
        sha.Update(std::string_view(bytes).substr(at, piece));
        at += piece;
      }
      ASSERT_EQ(expected, Hex(sha.Final())) << label << ", round " << round;
    }
  }
}

TEST(Sha256Test, MigrationChecksumOfAKnownFileIsUnchanged) {
  // As the OpenSSL implementation (and `sha256sum`) computed it: history rows written by
  // earlier versions must keep matching.
  EXPECT_EQ("sha256:d7fb2d4ade68586d10057f324de7f85dab61ce1113b6245f3ef5571fdf080a1d",
            MigrationChecksum("CREATE TABLE users (\n  id bigint PRIMARY KEY\n);"));
}
