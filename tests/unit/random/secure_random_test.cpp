// SecureRandom as query IDs are drawn from it: statistically unremarkable, not an invertible
// generator, and correct across buffer refills. Bounds are loose (many standard deviations), so a
// healthy source never fails them and a broken one (a counter, a repeating buffer) always does.
#include "dnsd/random/secure_random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <vector>

namespace dnsd::random {
namespace {

constexpr std::size_t kIds = 65536;

std::vector<std::uint16_t> Ids(RandomSource& source, std::size_t n = kIds) {
  std::vector<std::uint16_t> ids(n);
  for (auto& id : ids) id = source.Next16();
  return ids;
}

TEST(SecureRandomIds, RepeatAsOftenAsTheBirthdayBoundExpects) {
  SecureRandom source;
  const auto ids = Ids(source);
  const std::set<std::uint16_t> distinct(ids.begin(), ids.end());
  // 65536 draws from 65536 values: 65536 * (1 - 1/e) = 41427 distinct expected, sd about 80.
  EXPECT_GT(distinct.size(), 40800u);
  EXPECT_LT(distinct.size(), 42050u);
}

TEST(SecureRandomIds, EveryBitIsSetHalfTheTime) {
  SecureRandom source;
  const auto ids = Ids(source);
  for (int bit = 0; bit < 16; ++bit) {
    const auto ones = std::count_if(ids.begin(), ids.end(), [bit](std::uint16_t id) { return (id >> bit) & 1; });
    // Expected 32768, sd 128.
    EXPECT_GT(ones, 32768 - 800) << "bit " << bit;
    EXPECT_LT(ones, 32768 + 800) << "bit " << bit;
  }
}

TEST(SecureRandomIds, ConsecutiveDifferencesShowNoPattern) {
  SecureRandom source;
  const auto ids = Ids(source);
  std::vector<int> seen(65536);
  for (std::size_t i = 1; i < ids.size(); ++i) ++seen[static_cast<std::uint16_t>(ids[i] - ids[i - 1])];
  // About one of each difference expected (Poisson(1): 16 or more in any of them is ~1e-9); a
  // counter or any fixed stride puts them all in one.
  EXPECT_LT(*std::max_element(seen.begin(), seen.end()), 16);
}

// Recovers a Mersenne Twister's state from 624 consecutive outputs (untempering each) and
// predicts the next `n`: how an attacker who sees enough IDs breaks std::mt19937.
int CorrectMersenneTwisterPredictions(const std::function<std::uint32_t()>& next, int n) {
  auto untemper = [](std::uint32_t y) {
    y ^= y >> 18;
    y ^= (y << 15) & 0xEFC60000u;
    std::uint32_t t = y;
    for (int i = 0; i < 5; ++i) t = y ^ ((t << 7) & 0x9D2C5680u);
    y = t;
    t = y;
    for (int i = 0; i < 3; ++i) t = y ^ (t >> 11);
    return t;
  };
  auto temper = [](std::uint32_t y) {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9D2C5680u;
    y ^= (y << 15) & 0xEFC60000u;
    return y ^ (y >> 18);
  };
  std::vector<std::uint32_t> state;
  for (int i = 0; i < 624; ++i) state.push_back(untemper(next()));
  int correct = 0;
  for (int k = 0; k < n; ++k) {
    const std::uint32_t mixed = (state[k] & 0x80000000u) | (state[k + 1] & 0x7FFFFFFFu);
    state.push_back(state[k + 397] ^ (mixed >> 1) ^ ((mixed & 1) ? 0x9908B0DFu : 0));
    if (temper(state.back()) == next()) ++correct;
  }
  return correct;
}

TEST(SecureRandomIds, AreNotAMersenneTwisterSequence) {
  std::mt19937 twister{std::random_device{}()};
  ASSERT_EQ(CorrectMersenneTwisterPredictions([&] { return twister(); }, 100), 100)
      << "the predictor must break the generator dnsd used before";
  SecureRandom source;
  EXPECT_LT(CorrectMersenneTwisterPredictions([&] { return static_cast<std::uint32_t>(source.Next64()); }, 100), 2);
}

TEST(SecureRandomIds, TwoInstancesDrawDifferentSequences) {
  SecureRandom a, b;
  EXPECT_NE(Ids(a, 64), Ids(b, 64));
}

// A buffer of 8 bytes holds 4 IDs: 4000 IDs take 1000 refills. A refill that reused or skipped
// the new bytes would repeat the same few IDs.
TEST(SecureRandomBuffer, IdsStayFreshAcrossRefills) {
  SecureRandom source(8);
  const auto ids = Ids(source, 4000);
  const std::set<std::uint16_t> distinct(ids.begin(), ids.end());
  EXPECT_GT(distinct.size(), 3700u);  // about 3882 expected (birthday collisions), sd about 11
}

// Draws that do not fit what is left (8 bytes with 2 left, 3 with 1 left), requests larger than
// the buffer, and empty ones: each value new, nothing read past the buffer.
TEST(SecureRandomBuffer, DrawsOfEverySizeCrossTheBoundary) {
  SecureRandom source(10);
  std::set<std::uint64_t> values;
  for (int i = 0; i < 500; ++i) {
    values.insert(source.Next64());
    source.Next16();
    std::array<std::uint8_t, 3> three{};
    source.Fill(three);
    source.Fill({});
    std::array<std::uint8_t, 8> eight{};
    source.Fill(eight);
    std::uint64_t v = 0;
    for (auto b : eight) v = v << 8 | b;
    values.insert(v);
    std::array<std::uint8_t, 64> large{};
    source.Fill(large);
    EXPECT_GT(std::set<std::uint8_t>(large.begin(), large.end()).size(), 20u);
  }
  EXPECT_EQ(values.size(), 1000u);
}

TEST(SecureRandomBuffer, ATinyBufferStillHoldsAWholeValue) {
  SecureRandom source(1);  // raised to 8
  std::set<std::uint64_t> values;
  for (int i = 0; i < 100; ++i) values.insert(source.Next64());
  EXPECT_EQ(values.size(), 100u);
}

}  // namespace
}  // namespace dnsd::random
