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

std::string Sha256Hex(std::string_view bytes) {
  static const char kHex[] = "0123456789abcdef";
  Sha256::Digest digest = Sha256Digest(bytes);
  std::string hex(2 * digest.size(), '\0');
  for (size_t i = 0; i < digest.size(); ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0xF];
  }
  return hex;
}

std::string MigrationChecksum(std::string_view up_sql) {
  // Most files have neither a BOM nor a CR: hash them without a copy.
  bool normal = up_sql.find('\r') == std::string_view::npos &&
                up_sql.substr(0, kUtf8Bom.size()) != kUtf8Bom;
  return "sha256:" + Sha256Hex(normal ? up_sql : NormalizeForChecksum(up_sql));
}
