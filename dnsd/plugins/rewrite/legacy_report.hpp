// One worker's legacy-name usage report: which names were asked how often, from which client
// subnets, answered by which rule. Fixed memory whatever the number of distinct names: a
// space-saving top-K (K = 512) whose admission is decided by a count-min sketch (4 x 8192), names
// held inline in wire form. Record() never allocates. Single writer (its worker); a page reader
// copies it under the owner's lock (legacy_hub.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::rewrite {

// A client address cut to its subnet: IPv4 /24, IPv6 /56 (what one host or node usually owns).
struct ClientSubnet {
  std::array<std::uint8_t, 16> bytes{};  // the address with the host bits cleared
  bool v6 = false;
  friend bool operator==(const ClientSubnet&, const ClientSubnet&) = default;
  static constexpr int kV4Bits = 24, kV6Bits = 56;
  static ClientSubnet OfV4(std::span<const std::uint8_t, 4> address);
  static ClientSubnet OfV6(std::span<const std::uint8_t, 16> address);
};

class LegacyReport {
 public:
  static constexpr std::size_t kCapacity = 512;
  static constexpr std::size_t kSketchRows = 4;
  static constexpr std::size_t kSketchWidth = 8192;
  static constexpr std::size_t kSubnetsPerName = 4;
  static constexpr std::size_t kMaxFamilies = 32;  // family ids the caller uses: 0..31
  static constexpr std::uint32_t kNoRule = 0xffffffff;

  struct SubnetCount {
    ClientSubnet subnet;
    std::uint64_t queries = 0;  // upper bound (a replaced subnet's count carries over, space-saving)
  };
  struct Entry {
    std::array<std::uint8_t, wire::kMaxNameLength> name{};  // wire form, lower case
    std::uint8_t name_length = 0;
    std::uint64_t hash = 0;
    std::uint64_t queries = 0;  // >= the true count
    std::uint64_t error = 0;    // queries - error <= the true count
    std::uint32_t rule = kNoRule;  // caller's id of the first applied rule (the latest query's)
    std::uint16_t family = 0;      // caller's family id
    std::uint8_t subnet_count = 0;
    std::array<SubnetCount, kSubnetsPerName> subnets{};
    std::span<const std::uint8_t> Name() const { return {name.data(), name_length}; }
  };

  LegacyReport();

  // One query for `name` (wire form, lower case) from `client`. O(name length + log K).
  void Record(std::span<const std::uint8_t> name, const ClientSubnet& client, std::uint32_t rule,
              std::uint16_t family);

  std::uint64_t total() const { return total_; }
  std::size_t tracked() const { return count_; }
  std::uint64_t FamilyQueries(std::uint16_t family) const { return families_[family]; }
  // The count-min sketch's error bound: with probability 1 - e^-4, an estimate exceeds the true
  // count by at most e / width * total (the admission count of a replaced name).
  double SketchErrorBound() const;
  // Every tracked entry (copies: the page reader merges them outside the lock).
  void CopyEntries(std::vector<Entry>& out) const;
  void Clear();

  // The report's whole footprint: fixed at compile time, no heap.
  static constexpr std::size_t MemoryBytes();

 private:
  static constexpr std::size_t kIndexSlots = 2 * kCapacity;  // open addressing, load <= 1/2
  static constexpr std::uint16_t kEmpty = 0xffff;

  std::uint32_t SketchAdd(std::uint64_t hash);
  std::size_t FindSlot(std::uint64_t hash, std::span<const std::uint8_t> name) const;
  void IndexErase(std::uint16_t entry);
  void SiftDown(std::size_t at);
  void SiftUp(std::size_t at);
  void Swap(std::size_t a, std::size_t b);
  static void CountSubnet(Entry& entry, const ClientSubnet& client);

  std::array<Entry, kCapacity> entries_;
  std::array<std::uint16_t, kIndexSlots> index_;   // entry index or kEmpty
  std::array<std::uint16_t, kCapacity> heap_;      // min-heap of entry indices by queries
  std::array<std::uint16_t, kCapacity> heap_pos_;  // entry index -> position in heap_
  std::array<std::array<std::uint32_t, kSketchWidth>, kSketchRows> sketch_;
  std::array<std::uint64_t, kMaxFamilies> families_;
  std::uint64_t total_ = 0;
  std::size_t count_ = 0;
};

constexpr std::size_t LegacyReport::MemoryBytes() { return sizeof(LegacyReport); }

// 64-bit hash of a wire name (FNV-1a, then a finaliser so that the sketch rows are independent).
std::uint64_t HashName(std::span<const std::uint8_t> name);

}  // namespace dnsd::plugins::rewrite
