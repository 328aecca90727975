#include "dnsd/plugins/rewrite/legacy_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dnsd::plugins::rewrite {

ClientSubnet ClientSubnet::OfV4(std::span<const std::uint8_t, 4> address) {
  ClientSubnet subnet;
  std::copy_n(address.begin(), 3, subnet.bytes.begin());  // /24
  return subnet;
}

ClientSubnet ClientSubnet::OfV6(std::span<const std::uint8_t, 16> address) {
  ClientSubnet subnet;
  subnet.v6 = true;
  std::copy_n(address.begin(), 7, subnet.bytes.begin());  // /56
  return subnet;
}

std::uint64_t HashName(std::span<const std::uint8_t> name) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::uint8_t octet : name) {
    h ^= octet;
    h *= 0x100000001b3ULL;
  }
  // splitmix64's finaliser: FNV's high bits are weak, the sketch uses all of them.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

LegacyReport::LegacyReport() { Clear(); }

void LegacyReport::Clear() {
  index_.fill(kEmpty);
  for (auto& row : sketch_) row.fill(0);
  families_.fill(0);
  total_ = 0;
  count_ = 0;
}

double LegacyReport::SketchErrorBound() const {
  return std::exp(1.0) / static_cast<double>(kSketchWidth) * static_cast<double>(total_);
}

std::uint32_t LegacyReport::SketchAdd(std::uint64_t hash) {
  // Row i uses h1 + i * h2 (Kirsch-Mitzenmacher): two halves of one hash give four indices.
  const std::uint32_t h1 = static_cast<std::uint32_t>(hash), h2 = static_cast<std::uint32_t>(hash >> 32) | 1;
  std::uint32_t estimate = 0xffffffff;
  for (std::size_t row = 0; row < kSketchRows; ++row) {
    std::uint32_t& cell = sketch_[row][(h1 + static_cast<std::uint32_t>(row) * h2) % kSketchWidth];
    if (cell != 0xffffffff) ++cell;  // saturates instead of wrapping
    estimate = std::min(estimate, cell);
  }
  return estimate;
}

std::size_t LegacyReport::FindSlot(std::uint64_t hash, std::span<const std::uint8_t> name) const {
  for (std::size_t slot = hash % kIndexSlots;; slot = (slot + 1) % kIndexSlots) {
    const std::uint16_t at = index_[slot];
    if (at == kEmpty) return slot;
    const Entry& e = entries_[at];
    if (e.hash == hash && e.name_length == name.size() &&
        std::memcmp(e.name.data(), name.data(), name.size()) == 0) {
      return slot;
    }
  }
}

// Linear probing deletion by backward shift: no tombstones, so lookups stay short forever.
void LegacyReport::IndexErase(std::uint16_t entry) {
  std::size_t hole = FindSlot(entries_[entry].hash, entries_[entry].Name());
  index_[hole] = kEmpty;
  for (std::size_t slot = (hole + 1) % kIndexSlots; index_[slot] != kEmpty; slot = (slot + 1) % kIndexSlots) {
    const std::size_t home = entries_[index_[slot]].hash % kIndexSlots;
    // Moves back unless its home lies cyclically in (hole, slot].
    const bool stays = hole <= slot ? (home > hole && home <= slot) : (home > hole || home <= slot);
    if (stays) continue;
    index_[hole] = index_[slot];
    index_[slot] = kEmpty;
    hole = slot;
  }
}

void LegacyReport::Swap(std::size_t a, std::size_t b) {
  std::swap(heap_[a], heap_[b]);
  heap_pos_[heap_[a]] = static_cast<std::uint16_t>(a);
  heap_pos_[heap_[b]] = static_cast<std::uint16_t>(b);
}

void LegacyReport::SiftDown(std::size_t at) {
  for (;;) {
    std::size_t smallest = at;
    for (std::size_t child = 2 * at + 1; child <= 2 * at + 2 && child < count_; ++child) {
      if (entries_[heap_[child]].queries < entries_[heap_[smallest]].queries) smallest = child;
    }
    if (smallest == at) return;
    Swap(at, smallest);
    at = smallest;
  }
}

void LegacyReport::SiftUp(std::size_t at) {
  while (at > 0) {
    const std::size_t parent = (at - 1) / 2;
    if (entries_[heap_[parent]].queries <= entries_[heap_[at]].queries) return;
    Swap(at, parent);
    at = parent;
  }
}

void LegacyReport::CountSubnet(Entry& entry, const ClientSubnet& client) {
  for (std::size_t i = 0; i < entry.subnet_count; ++i) {
    if (entry.subnets[i].subnet == client) {
      ++entry.subnets[i].queries;
      return;
    }
  }
  if (entry.subnet_count < kSubnetsPerName) {
    entry.subnets[entry.subnet_count++] = {client, 1};
    return;
  }
  // Space-saving again, on a tiny scale: the least-counted subnet gives way.
  SubnetCount* least = &entry.subnets[0];
  for (SubnetCount& s : entry.subnets) {
    if (s.queries < least->queries) least = &s;
  }
  *least = {client, least->queries + 1};
}

void LegacyReport::Record(std::span<const std::uint8_t> name, const ClientSubnet& client, std::uint32_t rule,
                          std::uint16_t family) {
  if (name.size() > wire::kMaxNameLength) return;
  ++total_;
  ++families_[family < kMaxFamilies ? family : 0];
  const std::uint64_t hash = HashName(name);
  const std::uint32_t estimate = SketchAdd(hash);
  const std::size_t slot = FindSlot(hash, name);
  std::uint16_t at = index_[slot];
  if (at != kEmpty) {
    Entry& e = entries_[at];
    ++e.queries;
    e.rule = rule;
    e.family = family;
    CountSubnet(e, client);
    SiftDown(heap_pos_[at]);
    return;
  }
  std::uint64_t queries = 1, error = 0;
  if (count_ < kCapacity) {
    // The table has never been full, so nothing was ever evicted: this name is new, its count exact.
    at = static_cast<std::uint16_t>(count_);
    heap_[count_] = at;
    heap_pos_[at] = static_cast<std::uint16_t>(count_);
    ++count_;
  } else {
    // Admission: the newcomer replaces the least-counted name only once the sketch says it was
    // asked more often; its count starts at the sketch's estimate, an upper bound of the truth.
    at = heap_[0];
    if (estimate <= entries_[at].queries) return;
    IndexErase(at);
    queries = estimate;
    error = estimate - 1;
  }
  Entry& e = entries_[at];
  std::memcpy(e.name.data(), name.data(), name.size());
  e.name_length = static_cast<std::uint8_t>(name.size());
  e.hash = hash;
  e.queries = queries;
  e.error = error;
  e.rule = rule;
  e.family = family;
  e.subnet_count = 0;
  CountSubnet(e, client);
  index_[FindSlot(hash, name)] = at;
  SiftUp(heap_pos_[at]);
  SiftDown(heap_pos_[at]);
}

void LegacyReport::CopyEntries(std::vector<Entry>& out) const {
  out.insert(out.end(), entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(count_));
}

}  // namespace dnsd::plugins::rewrite
