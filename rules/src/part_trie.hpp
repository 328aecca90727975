// A trie over the dot-separated parts of a name, used twice: over reversed parts for exact and
// suffix rules, over forward parts for prefix rules. Parts are split at every '.' character,
// escaped or not, so trie matching is exactly CoreDNS's plain string comparison: a suffix rule
// ".b.c." is the path (""),"c","b" plus an empty tail; a non-aligned suffix "esos." is the path
// ("") plus the tail "esos" that the next part of the name must end with (start with, for
// prefixes). Lookups hash (node, part) into one open-addressing table; nothing allocates.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::rules::detail {

inline constexpr std::uint32_t kNoNode = UINT32_MAX;

// (node, string) -> value, open addressing, strings kept in one arena.
class PartTable {
 public:
  // Returns the value stored for the key, inserting `value` first when the key is new.
  std::uint32_t FindOrInsert(std::uint32_t node, std::string_view key, std::uint32_t value);
  std::uint32_t Find(std::uint32_t node, std::string_view key) const;  // kNoNode when absent
  std::size_t MemoryBytes() const;

 private:
  // Keys of up to kInline characters (most labels) live in the slot itself: one cache line
  // touched per probe; longer keys live in the arena.
  static constexpr std::size_t kInline = 14;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t node = 0;
    std::uint32_t value = kNoNode;  // kNoNode: empty slot
    std::uint16_t length = 0;
    char text[kInline] = {};        // the key, or its arena offset when longer than kInline
  };
  static std::uint64_t Hash(std::uint32_t node, std::string_view key);
  std::string_view Key(const Slot& slot) const;
  void Grow();

  std::vector<Slot> slots_;
  std::string arena_;
  std::size_t size_ = 0;
};

// A contiguous run of rule indices (ascending) in PartTrie's id pool.
struct RuleRange {
  std::uint32_t begin = 0, count = 0;
};

class PartTrie {
 public:
  PartTrie();
  // Building.
  std::uint32_t AddChild(std::uint32_t node, std::string_view part);
  void AddWhole(std::uint32_t node, std::uint32_t rule);  // the name ends at this node (exact)
  void AddTail(std::uint32_t node, std::string_view tail, std::uint32_t rule);
  void Finish();  // rules must have been added in ascending order

  // Querying.
  static constexpr std::uint32_t root() { return 0; }
  std::uint32_t Child(std::uint32_t node, std::string_view part) const {
    return edges_.Find(node, part);
  }
  // Lowest rule >= from (and < best) among whole-name rules of `node`; returns the new best.
  std::uint32_t BestWhole(std::uint32_t node, std::uint32_t from, std::uint32_t best) const {
    return Lowest(nodes_[node].whole, from, best);
  }
  // Lowest rule >= from (< best) among tail rules of `node` whose tail `part` ends with
  // (kSuffixTails) or starts with (!kSuffixTails).
  template <bool kSuffixTails>
  std::uint32_t BestTail(std::uint32_t node, std::string_view part, std::uint32_t from,
                         std::uint32_t best) const;
  std::size_t node_count() const { return nodes_.size(); }
  std::size_t MemoryBytes() const;

 private:
  struct Node {
    RuleRange whole;
    RuleRange any_tail;             // rules with an empty tail: any next part
    std::uint64_t tail_lengths = 0; // bit L: a tail of length L (1..63) exists
    bool long_tails = false;        // a tail of 64 or more characters exists
  };
  std::uint32_t Lowest(RuleRange range, std::uint32_t from, std::uint32_t best) const;
  std::uint32_t BestTailOfLength(std::uint32_t node, std::string_view tail, std::uint32_t from,
                                 std::uint32_t best) const;

  std::vector<Node> nodes_;
  PartTable edges_;
  PartTable tails_;                  // (node, tail) -> index into tail_ranges_
  std::vector<RuleRange> tail_ranges_;
  std::vector<std::uint32_t> ids_;
  // Build-time only.
  struct Pending {
    std::uint32_t key;  // node (whole/any) or tail id
    std::uint8_t kind;  // 0 whole, 1 any tail, 2 tail
    std::uint32_t rule;
  };
  std::vector<Pending> pending_;
};

template <bool kSuffixTails>
std::uint32_t PartTrie::BestTail(std::uint32_t node, std::string_view part, std::uint32_t from,
                                 std::uint32_t best) const {
  const Node& n = nodes_[node];
  best = Lowest(n.any_tail, from, best);
  std::uint64_t lengths = n.tail_lengths;
  while (lengths != 0) {
    std::size_t length = static_cast<std::size_t>(__builtin_ctzll(lengths));
    lengths &= lengths - 1;
    if (length > part.size()) break;
    best = BestTailOfLength(node, kSuffixTails ? part.substr(part.size() - length) : part.substr(0, length),
                            from, best);
  }
  if (n.long_tails) {
    for (std::size_t length = 64; length <= part.size(); ++length) {
      best = BestTailOfLength(node, kSuffixTails ? part.substr(part.size() - length) : part.substr(0, length),
                              from, best);
    }
  }
  return best;
}

}  // namespace dnsd::rules::detail
