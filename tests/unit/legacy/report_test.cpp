// LegacyReport: exact while the distinct names fit its capacity; fixed memory, no allocation and
// every true heavy hitter kept (count >= truth, count - error <= truth) under 1,000,000 names.
#include "dnsd/plugins/rewrite/legacy_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../../support/counting_operator_new.hpp"

namespace dnsd::plugins::rewrite {
namespace {

struct WireName {
  std::array<std::uint8_t, wire::kMaxNameLength> bytes{};
  std::size_t length = 0;
  std::span<const std::uint8_t> span() const { return {bytes.data(), length}; }
};

WireName NameOf(const std::string& text) {
  wire::Name name;
  EXPECT_EQ(wire::Name::FromString(text, name), wire::WireError::kOk) << text;
  WireName out;
  out.length = name.WireLength();
  std::copy(name.Wire().begin(), name.Wire().end(), out.bytes.begin());
  return out;
}

ClientSubnet V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  const std::array<std::uint8_t, 4> address{a, b, c, d};
  return ClientSubnet::OfV4(address);
}

std::string TextOf(const LegacyReport::Entry& e) {
  wire::Name name;
  std::size_t end = 0;
  // A wire name parses as a message of its own from offset 0 (no pointers in it).
  EXPECT_EQ(wire::Name::Parse(e.Name(), 0, name, &end), wire::WireError::kOk);
  return name.ToString();
}

TEST(LegacyReport, CountsExactlyWhatWasSentWhileTheNamesFit) {
  auto report = std::make_unique<LegacyReport>();
  std::map<std::string, std::uint64_t> sent;
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < LegacyReport::kCapacity; ++i) {
    const std::string text = "app" + std::to_string(i) + ".group.marathon.mesos.";
    const WireName name = NameOf(text);
    for (std::size_t n = 0; n <= i % 17; ++n) {
      report->Record(name.span(), V4(10, 0, static_cast<std::uint8_t>(n % 3), 7), static_cast<std::uint32_t>(i % 5),
                     static_cast<std::uint16_t>(1 + i % 3));
      ++sent[text];
      ++total;
    }
  }
  EXPECT_EQ(report->total(), total);
  EXPECT_EQ(report->tracked(), LegacyReport::kCapacity);
  std::vector<LegacyReport::Entry> entries;
  report->CopyEntries(entries);
  ASSERT_EQ(entries.size(), sent.size());
  std::uint64_t family_sum = 0;
  for (std::uint16_t f = 0; f < LegacyReport::kMaxFamilies; ++f) family_sum += report->FamilyQueries(f);
  EXPECT_EQ(family_sum, total);
  for (const auto& e : entries) {
    const std::string text = TextOf(e);
    ASSERT_TRUE(sent.count(text)) << text;
    EXPECT_EQ(e.queries, sent[text]) << text;
    EXPECT_EQ(e.error, 0u) << text;
    std::uint64_t by_subnet = 0;
    for (std::size_t s = 0; s < e.subnet_count; ++s) by_subnet += e.subnets[s].queries;
    EXPECT_EQ(by_subnet, e.queries) << text;  // 3 subnets per name <= 4 kept: exact too
    EXPECT_LE(e.subnet_count, 3u);
  }
}

TEST(LegacyReport, KeepsSubnetsApartAndCutsThemToTheirPrefix) {
  auto report = std::make_unique<LegacyReport>();
  const WireName name = NameOf("leader.mesos.");
  report->Record(name.span(), V4(10, 1, 2, 3), 0, 1);
  report->Record(name.span(), V4(10, 1, 2, 200), 0, 1);  // same /24
  report->Record(name.span(), V4(10, 1, 3, 3), 0, 1);
  const std::array<std::uint8_t, 16> v6{0xfd, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 1};
  const ClientSubnet subnet6 = ClientSubnet::OfV6(v6);
  report->Record(name.span(), subnet6, 0, 1);
  std::vector<LegacyReport::Entry> entries;
  report->CopyEntries(entries);
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_EQ(entries[0].subnet_count, 3);
  EXPECT_EQ(entries[0].subnets[0].queries, 2u);
  EXPECT_EQ(entries[0].subnets[0].subnet.bytes[3], 0);
  EXPECT_TRUE(entries[0].subnets[2].subnet.v6);
  EXPECT_EQ(entries[0].subnets[2].subnet.bytes[6], 0);
  EXPECT_EQ(entries[0].subnets[2].subnet.bytes[7], 0);  // /56: the 8th octet is host bits
}

TEST(LegacyReport, MillionDistinctNamesKeepMemoryFixedAndTheHeavyHitters) {
  auto report = std::make_unique<LegacyReport>();
  const std::size_t memory = LegacyReport::MemoryBytes();
  constexpr std::size_t kDistinct = 1'000'000, kHeavy = 40, kHeavyQueries = 6000;
  std::vector<WireName> heavy;
  for (std::size_t i = 0; i < kHeavy; ++i) heavy.push_back(NameOf("hot" + std::to_string(i) + ".marathon.mesos."));
  // Singletons interleaved with the heavy names, in a shuffled order.
  std::vector<std::uint32_t> order;
  order.reserve(kDistinct + kHeavy * kHeavyQueries);
  for (std::uint32_t i = 0; i < kDistinct; ++i) order.push_back(i);
  for (std::uint32_t h = 0; h < kHeavy; ++h) {
    for (std::size_t n = 0; n < kHeavyQueries; ++n) order.push_back(static_cast<std::uint32_t>(kDistinct + h));
  }
  std::shuffle(order.begin(), order.end(), std::mt19937(12));
  // Late heavy hitters: first asked in the second half, when the table has long been full, so
  // they come in through the sketch's admission (count = estimate, error > 0).
  constexpr std::size_t kLate = 20, kLateQueries = 5000;
  for (std::size_t h = 0; h < kLate; ++h) heavy.push_back(NameOf("late" + std::to_string(h) + ".marathon.mesos."));
  {
    std::mt19937 random(34);
    std::vector<std::uint32_t> late;
    for (std::uint32_t h = 0; h < kLate; ++h) {
      for (std::size_t n = 0; n < kLateQueries; ++n) late.push_back(static_cast<std::uint32_t>(kDistinct + kHeavy + h));
    }
    std::shuffle(late.begin(), late.end(), random);
    std::vector<std::uint32_t> tail(order.begin() + static_cast<std::ptrdiff_t>(order.size() / 2), order.end());
    order.resize(order.size() / 2);
    // Interleave the two, each next query from either at random.
    std::size_t t = 0, l = 0;
    while (t < tail.size() || l < late.size()) {
      const bool take_late = l < late.size() && (t == tail.size() || random() % 2 == 0);
      order.push_back(take_late ? late[l++] : tail[t++]);
    }
  }
  std::vector<WireName> cold;  // made before the counted loop: only Record is measured
  cold.reserve(kDistinct);
  for (std::size_t i = 0; i < kDistinct; ++i) cold.push_back(NameOf("c" + std::to_string(i) + ".x.marathon.mesos."));
  const long allocations = testing::g_allocations.load();
  for (std::uint32_t id : order) {
    const WireName& name = id < kDistinct ? cold[id] : heavy[id - kDistinct];
    report->Record(name.span(), V4(10, 0, static_cast<std::uint8_t>(id % 7), 1), id % 9, static_cast<std::uint16_t>(id % 4));
  }
  EXPECT_EQ(testing::g_allocations.load(), allocations) << "Record allocated";
  EXPECT_EQ(LegacyReport::MemoryBytes(), memory);
  EXPECT_LT(memory, 512u * 1024u);
  EXPECT_EQ(report->total(), order.size());
  EXPECT_EQ(report->tracked(), LegacyReport::kCapacity);

  std::vector<LegacyReport::Entry> entries;
  report->CopyEntries(entries);
  std::map<std::string, const LegacyReport::Entry*> by_name;
  for (const auto& e : entries) by_name[TextOf(e)] = &e;
  std::uint64_t worst_error = 0;
  for (std::size_t h = 0; h < kHeavy + kLate; ++h) {
    const bool late = h >= kHeavy;
    const std::string text = late ? "late" + std::to_string(h - kHeavy) + ".marathon.mesos."
                                  : "hot" + std::to_string(h) + ".marathon.mesos.";
    const std::uint64_t truth = late ? kLateQueries : kHeavyQueries;
    auto found = by_name.find(text);
    ASSERT_NE(found, by_name.end()) << text << " dropped";
    EXPECT_GE(found->second->queries, truth) << text;
    EXPECT_LE(found->second->queries - found->second->error, truth) << text;
    worst_error = std::max<std::uint64_t>(worst_error, found->second->queries - truth);
  }
  // Overcount of a heavy hitter is at most what the sketch could have credited it when admitted.
  EXPECT_LE(static_cast<double>(worst_error), report->SketchErrorBound() + kHeavyQueries / 10.0);
  std::printf("memory_bytes=%zu total=%llu worst heavy-hitter overcount=%llu sketch bound=%.0f\n", memory,
              static_cast<unsigned long long>(report->total()), static_cast<unsigned long long>(worst_error),
              report->SketchErrorBound());
}

}  // namespace
}  // namespace dnsd::plugins::rewrite
