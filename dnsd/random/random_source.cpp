#include "dnsd/random/random_source.hpp"

#include <array>

namespace dnsd::random {

std::uint16_t RandomSource::Next16() {
  std::array<std::uint8_t, 2> bytes;
  Fill(bytes);
  return static_cast<std::uint16_t>(bytes[0] << 8 | bytes[1]);
}

std::uint64_t RandomSource::Next64() {
  std::array<std::uint8_t, 8> bytes;
  Fill(bytes);
  std::uint64_t value = 0;
  for (std::uint8_t b : bytes) value = value << 8 | b;
  return value;
}

// Rejection below 2^64 mod n (as OpenBSD's arc4random_uniform): the values kept are a whole
// number of runs of n, so every remainder is equally likely. At most half is rejected, for n > 2^63.
std::uint64_t RandomSource::Below(std::uint64_t n) {
  const std::uint64_t threshold = (0 - n) % n;
  while (true) {
    const std::uint64_t value = Next64();
    if (value >= threshold) return value % n;
  }
}

}  // namespace dnsd::random
