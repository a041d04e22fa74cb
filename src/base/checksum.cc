#include "base/checksum.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace {

/// The three bytes of U+FEFF encoded as UTF-8.
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

std::string NormalizeForChecksum(std::string_view text) {
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom)
    text.remove_prefix(kUtf8Bom.size());
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                              EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  // Fetched once: EVP_sha256() makes OpenSSL 3 look the implementation up
  // again on every digest, which cost more than hashing a migration.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!ctx || !sha256 || EVP_DigestInit_ex(ctx.get(), sha256, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &digest_size) != 1) {
    // Only possible when OpenSSL itself is broken (out of memory, a FIPS
    // provider refusing SHA-256): not something the user can fix.
    throw std::runtime_error("OpenSSL could not compute a SHA-256 digest");
  }
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest_size * 2);
  for (unsigned int i = 0; i < digest_size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

std::string MigrationChecksum(std::string_view up_sql) {
  // Most files have neither a BOM nor a CR: hash them without a copy.
  bool normal = up_sql.find('\r') == std::string_view::npos &&
                up_sql.substr(0, kUtf8Bom.size()) != kUtf8Bom;
  return "sha256:" + Sha256Hex(normal ? up_sql : NormalizeForChecksum(up_sql));
}
