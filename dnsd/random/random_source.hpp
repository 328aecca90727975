// Where dnsd's random numbers come from: an interface, so that production draws from the OS's
// CSPRNG (SecureRandom) and tests pin the values (SeededRandom, FixedRandom). One instance per
// thread: implementations keep unsynchronised state.
#pragma once

#include <cstdint>
#include <limits>
#include <span>

namespace dnsd::random {

class RandomSource {
 public:
  // A UniformRandomBitGenerator too, so std::shuffle and the <random> distributions accept it.
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return Next64(); }

  virtual ~RandomSource() = default;

  virtual void Fill(std::span<std::uint8_t> out) = 0;
  // Query IDs are drawn with Next16 and nothing else is, so a test can pin IDs alone.
  virtual std::uint16_t Next16();
  virtual std::uint64_t Next64();
  // Uniform in [0, n) without modulo bias; n must be > 0.
  std::uint64_t Below(std::uint64_t n);
};

}  // namespace dnsd::random
