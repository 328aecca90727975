// Big-endian (network order) 16- and 32-bit fields, read and written in place. The one copy of
// these helpers. Unchecked by design: bounds belong to the parser that knows the field's extent
// (RecordCursor, ParseHead), which checks once for a whole record.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace dnsd::wire {

// `p` must have 2 (or 4) octets.
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

// At an offset into a message; `at` + 2 (or 4) must be within it.
constexpr std::uint16_t Read16(std::span<const std::uint8_t> m, std::size_t at) {
  return Read16(m.data() + at);
}
constexpr std::uint32_t Read32(std::span<const std::uint8_t> m, std::size_t at) {
  return Read32(m.data() + at);
}

}  // namespace dnsd::wire
