// Deterministic RandomSources for tests and benchmarks, never for production: the same seed gives
// the same values on every run and platform.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dnsd/random/random_source.hpp"

namespace dnsd::random {

// SplitMix64 (Steele, Lea, Flood 2014): reproducible and well mixed, and predictable by design.
class SeededRandom : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}

  void Fill(std::span<std::uint8_t> out) override;
  std::uint64_t Next64() override;

 private:
  std::uint64_t state_;
};

// Pins query IDs: Next16 returns `ids` in order, starting again after the last. Everything else
// (Next64, Fill, Below) comes from a SeededRandom, so upstream and socket choices stay varied.
class FixedRandom final : public SeededRandom {
 public:
  explicit FixedRandom(std::vector<std::uint16_t> ids, std::uint64_t seed = 0);

  std::uint16_t Next16() override;

 private:
  std::vector<std::uint16_t> ids_;
  std::size_t next_ = 0;
};

}  // namespace dnsd::random
