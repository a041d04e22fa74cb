#include "base/checksum.h"

#include "base/sha256.h"

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

namespace {

/// Writes the digest of `bytes` as 64 lowercase hex digits from `out`.
void WriteSha256Hex(std::string_view bytes, char* out) {
  static const char kHex[] = "0123456789abcdef";
  Sha256::Digest digest = Sha256Digest(bytes);
  for (size_t i = 0; i < digest.size(); ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xF];
  }
}

}  // namespace

std::string Sha256Hex(std::string_view bytes) {
  std::string hex(2 * Sha256::kDigestSize, '\0');
  WriteSha256Hex(bytes, hex.data());
  return hex;
}

std::string MigrationChecksum(std::string_view up_sql) {
  // Most files have neither a BOM nor a CR: hash them without a copy.
  bool normal = up_sql.find('\r') == std::string_view::npos &&
                up_sql.substr(0, kUtf8Bom.size()) != kUtf8Bom;
  // Built in place at its final size: every migration's checksum is kept
  // for the run, 10,000 of them in a large app.
  constexpr std::string_view kPrefix = "sha256:";
  std::string checksum(kPrefix.size() + 2 * Sha256::kDigestSize, '\0');
  checksum.replace(0, kPrefix.size(), kPrefix);
  WriteSha256Hex(normal ? up_sql : std::string_view(NormalizeForChecksum(up_sql)),
                 checksum.data() + kPrefix.size());
  return checksum;
}
