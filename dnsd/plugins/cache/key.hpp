// The cache key of a query: its name in lower case, type, class and the DO and CD bits, with a
// 64-bit hash that picks the shard and the slot. Held inline: building one never allocates.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "dnsd/wire/message.hpp"

namespace dnsd::plugins::cache {

struct CacheKey {
  static constexpr std::size_t kMaxLength = wire::kMaxNameLength + 5;
  std::array<std::uint8_t, kMaxLength> bytes;  // lower-cased wire name | qtype | qclass | flags
  std::uint16_t length = 0;
  std::uint64_t hash = 0;

  std::span<const std::uint8_t> View() const { return {bytes.data(), length}; }
};

inline constexpr std::uint8_t kKeyDo = 1, kKeyCd = 2;

// The key of the question in `view` (a parsed query).
void MakeKey(const wire::MessageView& view, CacheKey& out);

std::uint64_t HashBytes(std::span<const std::uint8_t> bytes);

}  // namespace dnsd::plugins::cache
