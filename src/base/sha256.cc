#include "base/sha256.h"

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define SLUGWRIGHT_SHA256_X86 1
#endif

namespace sha256_internal {
namespace {

/// The round constants: the first 32 bits of the fractional parts of the
/// cube roots of the first 64 primes.
alignas(16) constexpr uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

inline uint32_t RotateRight(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

inline uint32_t LoadBigEndian(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) |
         uint32_t{p[3]};
}

#ifdef SLUGWRIGHT_SHA256_X86

/// Four rounds: `message` holds the schedule words, K added here.
#define SLUGWRIGHT_SHA_ROUNDS(message, group)                                        \
  do {                                                                              \
    __m128i wk = _mm_add_epi32(                                                     \
        message, _mm_load_si128(reinterpret_cast<const __m128i*>(&kRound[4 * (group)]))); \
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);                                   \
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));         \
  } while (0)

/// The next four schedule words from the previous sixteen (w0..w3 oldest).
#define SLUGWRIGHT_SHA_SCHEDULE(w0, w1, w2, w3) \
  _mm_sha256msg2_epu32(                         \
      _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4)), w3)

__attribute__((target("sha,sse4.1,ssse3"))) void CompressWithShaExtensions(
    uint32_t state[8], const uint8_t* blocks, size_t count) {
  const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  // The instructions keep the state as (A, B, E, F) and (C, D, G, H).
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[0]));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&state[4]));
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

  for (; count > 0; --count, blocks += 64) {
    const __m128i abef_before = abef, cdgh_before = cdgh;
    const __m128i* in = reinterpret_cast<const __m128i*>(blocks);
    __m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128(in + 0), byte_swap);
    __m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128(in + 1), byte_swap);
    __m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128(in + 2), byte_swap);
    __m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128(in + 3), byte_swap);
    SLUGWRIGHT_SHA_ROUNDS(w0, 0);
    SLUGWRIGHT_SHA_ROUNDS(w1, 1);
    SLUGWRIGHT_SHA_ROUNDS(w2, 2);
    SLUGWRIGHT_SHA_ROUNDS(w3, 3);
    for (int group = 4; group < 16; group += 4) {
      w0 = SLUGWRIGHT_SHA_SCHEDULE(w0, w1, w2, w3);
      SLUGWRIGHT_SHA_ROUNDS(w0, group);
      w1 = SLUGWRIGHT_SHA_SCHEDULE(w1, w2, w3, w0);
      SLUGWRIGHT_SHA_ROUNDS(w1, group + 1);
      w2 = SLUGWRIGHT_SHA_SCHEDULE(w2, w3, w0, w1);
      SLUGWRIGHT_SHA_ROUNDS(w2, group + 2);
      w3 = SLUGWRIGHT_SHA_SCHEDULE(w3, w0, w1, w2);
      SLUGWRIGHT_SHA_ROUNDS(w3, group + 3);
    }
    abef = _mm_add_epi32(abef, abef_before);
    cdgh = _mm_add_epi32(cdgh, cdgh_before);
  }

  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  hgfe = _mm_alignr_epi8(dchg, feba, 8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[0]), dcba);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&state[4]), hgfe);
}

#undef SLUGWRIGHT_SHA_ROUNDS
#undef SLUGWRIGHT_SHA_SCHEDULE

/// CPUID: SHA (leaf 7, EBX bit 29), SSE4.1 and SSSE3 (leaf 1, ECX bits 19, 9).
bool CpuHasShaExtensions() {
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return false;
  bool sse = (ecx & (1u << 19)) && (ecx & (1u << 9));
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return false;
  return sse && (ebx & (1u << 29));
}

#endif  // SLUGWRIGHT_SHA256_X86

}  // namespace

// One round on the working variables as named for it: the caller rotates
// the names instead of moving eight values each round.
#define SLUGWRIGHT_SHA_ROUND(a, b, c, d, e, f, g, h, t)                            \
  do {                                                                            \
    uint32_t t1 = h + (RotateRight(e, 6) ^ RotateRight(e, 11) ^ RotateRight(e, 25)) + \
                  (g ^ (e & (f ^ g))) + kRound[t] + w[(t) & 15];                  \
    uint32_t t2 = (RotateRight(a, 2) ^ RotateRight(a, 13) ^ RotateRight(a, 22)) + \
                  ((a & b) | (c & (a | b)));                                      \
    d += t1;                                                                      \
    h = t1 + t2;                                                                  \
  } while (0)

/// Schedule word t (16 <= t < 64) in the ring of the last sixteen.
#define SLUGWRIGHT_SHA_SCHEDULE_WORD(t)                                               \
  do {                                                                               \
    uint32_t x = w[((t) - 15) & 15], y = w[((t) - 2) & 15];                          \
    w[(t) & 15] += (RotateRight(x, 7) ^ RotateRight(x, 18) ^ (x >> 3)) + w[((t) - 7) & 15] + \
                   (RotateRight(y, 17) ^ RotateRight(y, 19) ^ (y >> 10));            \
  } while (0)

/// Eight rounds from t on, scheduling each word first when `schedule`.
#define SLUGWRIGHT_SHA_EIGHT_ROUNDS(t, schedule)                                    \
  do {                                                                             \
    if (schedule) {                                                                \
      SLUGWRIGHT_SHA_SCHEDULE_WORD((t) + 0);                                       \
      SLUGWRIGHT_SHA_SCHEDULE_WORD((t) + 1);                                       \
      SLUGWRIGHT_SHA_SCHEDULE_WORD((t) + 2);                                       \
      SLUGWRIGHT_SHA_SCHEDULE_WORD((t) + 3);                                       \
      SLUGWRIGHT_SHA_SCHEDULE_WORD((t) + 4);                                       \
      SLUGWRIGHT_SHA_SCHEDULE_WORD((t) + 5);                                       \
      SLUGWRIGHT_SHA_SCHEDULE_WORD((t) + 6);                                       \
      SLUGWRIGHT_SHA_SCHEDULE_WORD((t) + 7);                                       \
    }                                                                              \
    SLUGWRIGHT_SHA_ROUND(a, b, c, d, e, f, g, h, (t) + 0);                         \
    SLUGWRIGHT_SHA_ROUND(h, a, b, c, d, e, f, g, (t) + 1);                         \
    SLUGWRIGHT_SHA_ROUND(g, h, a, b, c, d, e, f, (t) + 2);                         \
    SLUGWRIGHT_SHA_ROUND(f, g, h, a, b, c, d, e, (t) + 3);                         \
    SLUGWRIGHT_SHA_ROUND(e, f, g, h, a, b, c, d, (t) + 4);                         \
    SLUGWRIGHT_SHA_ROUND(d, e, f, g, h, a, b, c, (t) + 5);                         \
    SLUGWRIGHT_SHA_ROUND(c, d, e, f, g, h, a, b, (t) + 6);                         \
    SLUGWRIGHT_SHA_ROUND(b, c, d, e, f, g, h, a, (t) + 7);                         \
  } while (0)

/// The portable compression, inlined into each function below, which the
/// compiler builds for different instruction sets.
__attribute__((always_inline)) inline void CompressScalar(uint32_t state[8],
                                                          const uint8_t* blocks,
                                                          size_t count) {
  for (; count > 0; --count, blocks += 64) {
    uint32_t w[16];
    for (int t = 0; t < 16; ++t) w[t] = LoadBigEndian(blocks + 4 * t);
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    SLUGWRIGHT_SHA_EIGHT_ROUNDS(0, false);
    SLUGWRIGHT_SHA_EIGHT_ROUNDS(8, false);
    SLUGWRIGHT_SHA_EIGHT_ROUNDS(16, true);
    SLUGWRIGHT_SHA_EIGHT_ROUNDS(24, true);
    SLUGWRIGHT_SHA_EIGHT_ROUNDS(32, true);
    SLUGWRIGHT_SHA_EIGHT_ROUNDS(40, true);
    SLUGWRIGHT_SHA_EIGHT_ROUNDS(48, true);
    SLUGWRIGHT_SHA_EIGHT_ROUNDS(56, true);
    state[0] += a, state[1] += b, state[2] += c, state[3] += d;
    state[4] += e, state[5] += f, state[6] += g, state[7] += h;
  }
}

#ifdef SLUGWRIGHT_SHA256_X86
/// The portable code with BMI2's rotations that keep their operand (rorx):
/// about a sixth fewer instructions on CPUs without SHA extensions.
__attribute__((target("bmi2"))) void CompressWithBmi2(uint32_t state[8],
                                                      const uint8_t* blocks, size_t count) {
  CompressScalar(state, blocks, count);
}

/// CPUID: BMI2 (leaf 7, EBX bit 8).
bool CpuHasBmi2() {
  unsigned eax, ebx, ecx, edx;
  return __get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) && (ebx & (1u << 8));
}
#endif

#undef SLUGWRIGHT_SHA_ROUND
#undef SLUGWRIGHT_SHA_SCHEDULE_WORD
#undef SLUGWRIGHT_SHA_EIGHT_ROUNDS

void CompressPortable(uint32_t state[8], const uint8_t* blocks, size_t count) {
  CompressScalar(state, blocks, count);
}

std::vector<NamedCompressFunction> AvailableCompressFunctions() {
  std::vector<NamedCompressFunction> available;
#ifdef SLUGWRIGHT_SHA256_X86
  if (CpuHasShaExtensions()) available.push_back({"sha-ni", CompressWithShaExtensions});
  if (CpuHasBmi2()) available.push_back({"bmi2", CompressWithBmi2});
#endif
  available.push_back({"portable", CompressPortable});
  return available;
}

CompressFunction BestCompress() {
  static const CompressFunction best = AvailableCompressFunctions().front().function;
  return best;
}

}  // namespace sha256_internal

Sha256::Sha256(sha256_internal::CompressFunction compress)
    : compress_(compress),
      state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
             0x1f83d9ab, 0x5be0cd19} {}

void Sha256::Update(std::string_view bytes) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t size = bytes.size();
  total_bytes_ += size;
  if (buffered_ > 0) {
    size_t take = std::min(size, sizeof buffer_ - buffered_);
    std::memcpy(buffer_ + buffered_, p, take);
    buffered_ += take, p += take, size -= take;
    if (buffered_ < sizeof buffer_) return;
    compress_(state_, buffer_, 1);
    buffered_ = 0;
  }
  if (size >= 64) {
    compress_(state_, p, size / 64);
    p += size / 64 * 64;
    size %= 64;
  }
  if (size > 0) std::memcpy(buffer_, p, size), buffered_ = size;
}

Sha256::Digest Sha256::Final() {
  // Padding: 0x80, zeros up to 56 bytes into a block, the bit length.
  uint64_t bits = total_bytes_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > 56) {
    std::memset(buffer_ + buffered_, 0, sizeof buffer_ - buffered_);
    compress_(state_, buffer_, 1);
    buffered_ = 0;
  }
  std::memset(buffer_ + buffered_, 0, 56 - buffered_);
  for (int i = 0; i < 8; ++i) buffer_[56 + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  compress_(state_, buffer_, 1);
  Digest digest;
  for (int i = 0; i < 8; ++i) {
    digest[4 * i] = static_cast<uint8_t>(state_[i] >> 24);
    digest[4 * i + 1] = static_cast<uint8_t>(state_[i] >> 16);
    digest[4 * i + 2] = static_cast<uint8_t>(state_[i] >> 8);
    digest[4 * i + 3] = static_cast<uint8_t>(state_[i]);
  }
  return digest;
}

Sha256::Digest Sha256Digest(std::string_view bytes) {
  Sha256 sha;
  sha.Update(bytes);
  return sha.Final();
}
