#ifndef SLUGWRIGHT_BASE_SHA256_H_
#define SLUGWRIGHT_BASE_SHA256_H_

// SHA-256 (FIPS 180-4) written here, so that the binary needs no libcrypto
// of its own and a migration's checksum costs no library call overhead.
// The compression function uses the CPU's SHA extensions (x86-64 SHA-NI)
// when the CPU has them, else portable C++ (built for BMI2 too, chosen at
// run time); all give the same digest.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace sha256_internal {

/// Compresses `count` 64-byte blocks into `state`.
using CompressFunction = void (*)(uint32_t state[8], const uint8_t* blocks, size_t count);

/// The portable compression function.
void CompressPortable(uint32_t state[8], const uint8_t* blocks, size_t count);

struct NamedCompressFunction {
  const char* name;
  CompressFunction function;
};

/// The compression functions this CPU can run, fastest first: SHA
/// extensions, then the portable code built for BMI2, then
/// CompressPortable (always last).
std::vector<NamedCompressFunction> AvailableCompressFunctions();

/// The first of AvailableCompressFunctions(), looked up once.
CompressFunction BestCompress();

}  // namespace sha256_internal

/// An incremental SHA-256: Update() any number of times, then Final() once.
class Sha256 {
 public:
  static constexpr size_t kDigestSize = 32;
  using Digest = std::array<uint8_t, kDigestSize>;

  /// `compress` picks the implementation (tests compare them); the default
  /// is the fastest this CPU has.
  explicit Sha256(sha256_internal::CompressFunction compress = sha256_internal::BestCompress());

  void Update(std::string_view bytes);
  /// The digest of everything given to Update(); the object is spent.
  Digest Final();

 private:
  sha256_internal::CompressFunction compress_;
  uint32_t state_[8];
  uint8_t buffer_[64];
  size_t buffered_ = 0;
  uint64_t total_bytes_ = 0;
};

/// The SHA-256 digest of `bytes` in one call.
Sha256::Digest Sha256Digest(std::string_view bytes);

#endif  // SLUGWRIGHT_BASE_SHA256_H_
