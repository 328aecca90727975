// What every RandomSource offers (Below, use with <random> and <algorithm>) and the
// deterministic sources tests pin values with.
#include "dnsd/random/random_source.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "dnsd/random/secure_random.hpp"
#include "dnsd/random/seeded_random.hpp"

namespace dnsd::random {
namespace {

static_assert(std::uniform_random_bit_generator<RandomSource>);
static_assert(std::uniform_random_bit_generator<SecureRandom>);

TEST(RandomBelow, IsUniformOverASmallRange) {
  SecureRandom source;
  constexpr int kDraws = 100000;
  std::array<int, 10> counts{};
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t value = source.Below(counts.size());
    ASSERT_LT(value, counts.size());
    ++counts[value];
  }
  double chi_square = 0;
  for (int count : counts) {
    const double expected = kDraws / 10.0;
    chi_square += (count - expected) * (count - expected) / expected;
  }
  EXPECT_LT(chi_square, 50) << "9 degrees of freedom: 27.9 at p = 0.001";
}

// n = 3 * 2^62: plain `value % n` makes the lowest third twice as likely as each other third.
TEST(RandomBelow, HasNoModuloBiasForALargeRange) {
  SecureRandom source;
  constexpr std::uint64_t kN = 3ull << 62;
  std::array<int, 3> thirds{};
  for (int i = 0; i < 30000; ++i) ++thirds[source.Below(kN) >> 62];
  for (int count : thirds) {
    EXPECT_GT(count, 10000 - 700);  // sd about 82; with the bias the first would be 15000
    EXPECT_LT(count, 10000 + 700);
  }
}

TEST(RandomBelow, CoversTheEdges) {
  SeededRandom source(3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(source.Below(1), 0u);
  for (int i = 0; i < 100; ++i) EXPECT_LT(source.Below(UINT64_MAX), UINT64_MAX);
}

TEST(RandomSourceAsGenerator, ShufflesIntoAPermutation) {
  SecureRandom source;
  std::vector<int> order(8);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), source);
  std::vector<int> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

TEST(SeededRandom, IsSplitMix64) {
  SeededRandom source(0);
  EXPECT_EQ(source.Next64(), 0xE220A8397B1DCDAFu);  // the reference implementation's first output
}

TEST(SeededRandom, TheSameSeedGivesTheSameValues) {
  SeededRandom a(42), b(42), other(43);
  std::vector<std::uint64_t> from_a, from_b, from_other;
  for (int i = 0; i < 50; ++i) {
    from_a.push_back(a.Next64() ^ a.Next16() ^ a.Below(1000));
    from_b.push_back(b.Next64() ^ b.Next16() ^ b.Below(1000));
    from_other.push_back(other.Next64() ^ other.Next16() ^ other.Below(1000));
  }
  EXPECT_EQ(from_a, from_b);
  EXPECT_NE(from_a, from_other);
  std::array<std::uint8_t, 13> bytes_a{}, bytes_b{};
  a.Fill(bytes_a);
  b.Fill(bytes_b);
  EXPECT_EQ(bytes_a, bytes_b);
}

TEST(FixedRandom, HandsOutThePinnedIdsInOrderAndAgain) {
  FixedRandom source({0xBEEF, 0x0001});
  EXPECT_EQ(source.Next16(), 0xBEEF);
  EXPECT_EQ(source.Next16(), 0x0001);
  EXPECT_EQ(source.Next16(), 0xBEEF);
}

TEST(FixedRandom, EverythingButIdsComesFromItsSeed) {
  FixedRandom pinned({7}, 9);
  SeededRandom seeded(9);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(pinned.Next16(), 7);
    EXPECT_EQ(pinned.Next64(), seeded.Next64());
    EXPECT_EQ(pinned.Below(10), seeded.Below(10));
  }
  FixedRandom unpinned({}, 9);
  SeededRandom same(9);
  EXPECT_EQ(unpinned.Next16(), same.Next16()) << "no pinned IDs: seeded ones";
}

}  // namespace
}  // namespace dnsd::random
