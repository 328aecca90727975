#include "dnsd/random/seeded_random.hpp"

#include <algorithm>
#include <utility>

namespace dnsd::random {

std::uint64_t SeededRandom::Next64() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

void SeededRandom::Fill(std::span<std::uint8_t> out) {
  for (std::size_t i = 0; i < out.size(); i += 8) {
    std::uint64_t value = Next64();
    for (std::size_t j = i; j < std::min(out.size(), i + 8); ++j, value >>= 8)
      out[j] = static_cast<std::uint8_t>(value);
  }
}

FixedRandom::FixedRandom(std::vector<std::uint16_t> ids, std::uint64_t seed)
    : SeededRandom(seed), ids_(std::move(ids)) {}

std::uint16_t FixedRandom::Next16() {
  if (ids_.empty()) return SeededRandom::Next16();
  const std::uint16_t id = ids_[next_];
  next_ = (next_ + 1) % ids_.size();
  return id;
}

}  // namespace dnsd::random
