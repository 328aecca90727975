// Big-endian (network order) 16- and 32-bit fields, read and written in place. The one copy of
// these helpers: every parser and writer in dnsd uses them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace dnsd::wire {

// Unchecked: `p` must have 2 (or 4) octets. For fields whose bounds the caller already checked.
constexpr std::uint16_t Read16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
constexpr std::uint32_t Read32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
constexpr void Write16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
constexpr void Write32(std::uint8_t* p, std::uint32_t v) {
  Write16(p, static_cast<std::uint16_t>(v >> 16));
  Write16(p + 2, static_cast<std::uint16_t>(v));
}

// Unchecked, at an offset into a message.
constexpr std::uint16_t Read16(std::span<const std::uint8_t> m, std::size_t at) {
  return Read16(m.data() + at);
}
constexpr std::uint32_t Read32(std::span<const std::uint8_t> m, std::size_t at) {
  return Read32(m.data() + at);
}

// Checked: nothing when the field does not lie wholly inside `m`.
constexpr std::optional<std::uint16_t> Read16Checked(std::span<const std::uint8_t> m, std::size_t at) {
  if (at > m.size() || m.size() - at < 2) return std::nullopt;
  return Read16(m.data() + at);
}
constexpr std::optional<std::uint32_t> Read32Checked(std::span<const std::uint8_t> m, std::size_t at) {
  if (at > m.size() || m.size() - at < 4) return std::nullopt;
  return Read32(m.data() + at);
}

}  // namespace dnsd::wire
