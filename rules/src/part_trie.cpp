#include "part_trie.hpp"

#include <algorithm>
#include <cstring>

namespace dnsd::rules::detail {

namespace {

std::uint64_t Load8(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
std::uint64_t Load4(const char* p) {
  std::uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}
std::uint64_t Mix(std::uint64_t h, std::uint64_t w) {
  h = (h ^ w) * 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 31);
}

}  // namespace

// Short keys (labels) are read with at most two overlapping loads, no byte loop.
std::uint64_t PartTable::Hash(std::uint32_t node, std::string_view key) {
  const char* p = key.data();
  std::size_t n = key.size();
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (std::uint64_t{node} * 0xff51afd7ed558ccdull) ^ n;
  if (n >= 8) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) h = Mix(h, Load8(p + i));
    if (i < n) h = Mix(h, Load8(p + n - 8));
  } else if (n >= 4) {
    h = Mix(h, (Load4(p) << 32) | Load4(p + n - 4));
  } else if (n > 0) {
    auto byte = [&](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
    h = Mix(h, (byte(0) << 16) | (byte(n >> 1) << 8) | byte(n - 1));
  }
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 29);
}

std::string_view PartTable::Key(const Slot& slot) const {
  if (slot.length <= kInline) return {slot.text, slot.length};
  std::uint32_t offset;
  std::memcpy(&offset, slot.text, sizeof offset);
  return {arena_.data() + offset, slot.length};
}

std::uint32_t PartTable::Find(std::uint32_t node, std::string_view key) const {
  if (slots_.empty()) return kNoNode;
  std::uint64_t hash = Hash(node, key);
  std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.value == kNoNode) return kNoNode;
    if (slot.hash == hash && slot.node == node && Key(slot) == key) return slot.value;
  }
}

void PartTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  std::size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.value == kNoNode) continue;
    std::size_t i = slot.hash & mask;
    while (slots_[i].value != kNoNode) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

std::uint32_t PartTable::FindOrInsert(std::uint32_t node, std::string_view key, std::uint32_t value) {
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  std::uint64_t hash = Hash(node, key);
  std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  for (;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.value == kNoNode) break;
    if (slot.hash == hash && slot.node == node && Key(slot) == key) return slot.value;
  }
  Slot& slot = slots_[i];
  slot.hash = hash;
  slot.node = node;
  slot.value = value;
  slot.length = static_cast<std::uint16_t>(key.size());
  if (key.size() <= kInline) {
    key.copy(slot.text, key.size());
  } else {
    auto offset = static_cast<std::uint32_t>(arena_.size());
    std::memcpy(slot.text, &offset, sizeof offset);
    arena_.append(key);
  }
  ++size_;
  return value;
}

std::size_t PartTable::MemoryBytes() const {
  return slots_.capacity() * sizeof(Slot) + arena_.capacity();
}

PartTrie::PartTrie() { nodes_.emplace_back(); }

std::uint32_t PartTrie::AddChild(std::uint32_t node, std::string_view part) {
  auto fresh = static_cast<std::uint32_t>(nodes_.size());
  std::uint32_t child = edges_.FindOrInsert(node, part, fresh);
  if (child == fresh) nodes_.emplace_back();
  return child;
}

void PartTrie::AddWhole(std::uint32_t node, std::uint32_t rule) { pending_.push_back({node, 0, rule}); }

void PartTrie::AddTail(std::uint32_t node, std::string_view tail, std::uint32_t rule) {
  if (tail.empty()) {
    pending_.push_back({node, 1, rule});
    return;
  }
  auto fresh = static_cast<std::uint32_t>(tail_ranges_.size());
  std::uint32_t id = tails_.FindOrInsert(node, tail, fresh);
  if (id == fresh) tail_ranges_.emplace_back();
  if (tail.size() < 64) {
    nodes_[node].tail_lengths |= std::uint64_t{1} << tail.size();
  } else {
    nodes_[node].long_tails = true;
  }
  pending_.push_back({id, 2, rule});
}

void PartTrie::Finish() {
  std::stable_sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.key < b.key;
  });
  ids_.reserve(pending_.size());
  for (std::size_t i = 0; i < pending_.size();) {
    std::size_t j = i;
    RuleRange range{static_cast<std::uint32_t>(ids_.size()), 0};
    for (; j < pending_.size() && pending_[j].kind == pending_[i].kind && pending_[j].key == pending_[i].key; ++j) {
      ids_.push_back(pending_[j].rule);
    }
    range.count = static_cast<std::uint32_t>(j - i);
    switch (pending_[i].kind) {
      case 0: nodes_[pending_[i].key].whole = range; break;
      case 1: nodes_[pending_[i].key].any_tail = range; break;
      default: tail_ranges_[pending_[i].key] = range; break;
    }
    i = j;
  }
  pending_.clear();
  pending_.shrink_to_fit();
  nodes_.shrink_to_fit();
}

std::uint32_t PartTrie::Lowest(RuleRange range, std::uint32_t from, std::uint32_t best) const {
  if (range.count == 0) return best;
  const std::uint32_t* begin = ids_.data() + range.begin;
  const std::uint32_t* end = begin + range.count;
  const std::uint32_t* it = range.count <= 8 ? std::find_if(begin, end, [from](std::uint32_t id) { return id >= from; })
                                             : std::lower_bound(begin, end, from);
  return it != end && *it < best ? *it : best;
}

std::uint32_t PartTrie::BestTailOfLength(std::uint32_t node, std::string_view tail, std::uint32_t from,
                                         std::uint32_t best) const {
  std::uint32_t id = tails_.Find(node, tail);
  return id == kNoNode ? best : Lowest(tail_ranges_[id], from, best);
}

std::size_t PartTrie::MemoryBytes() const {
  return nodes_.capacity() * sizeof(Node) + edges_.MemoryBytes() + tails_.MemoryBytes() +
         tail_ranges_.capacity() * sizeof(RuleRange) + ids_.capacity() * sizeof(std::uint32_t);
}

}  // namespace dnsd::rules::detail
