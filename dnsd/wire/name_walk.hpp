// The one loop that decodes (or only validates) a possibly compressed wire name, shared by
// Name::Parse, the record cursor and the checks that ask which octets a name is read from
// (VisitNameOctets), so all apply exactly the same rules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "dnsd/wire/error.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::wire::detail {

struct NoVisit {
  void operator()(std::size_t, std::size_t, bool) const {}
};

// Names never start inside the 12-octet header, so a pointer there is as bad as a forward one.
inline constexpr std::size_t kFirstPointerTarget = 12;

// Walks the name at `offset`. With kCopy, writes the uncompressed wire form to `out` (room for
// kMaxNameLength octets) and its length to `*out_length`. `*end` is the offset just past the
// name's encoding at `offset`. `visit(begin, length, through_pointer)` sees each run of octets
// read (a label with its length octet, a pointer, the root octet) once it is known to be in bounds.
//
// Pointer rule, stricter than RFC 1035 spells out but never violated by a real encoder (a pointer
// refers to a prior, complete name): a pointer read at `p` must target an octet in [12, p), and
// the labels reached through it must end before `p` too. So every jump lowers the limit, loops
// are impossible, and a compressed name only depends on octets before its pointers (a question
// can be copied verbatim). The jump limit still caps long pointer-to-pointer chains.
template <bool kCopy, class Visit = NoVisit>
inline WireError WalkName(std::span<const std::uint8_t> message, std::size_t offset,
                          std::uint8_t* out, std::size_t* out_length, std::size_t* end,
                          Visit visit = {}) {
  const std::uint8_t* const wire = message.data();
  const std::size_t size = message.size();
  std::size_t limit = size;  // octets at and past `limit` are out of bounds for this segment
  std::size_t pos = offset;
  std::size_t length = 0;  // uncompressed octets so far, root excluded
  std::size_t after = 0;   // end of the encoding at `offset`, fixed at the first pointer
  int jumps = 0;
  // Running into the limit is truncation in the first segment, a bad pointer after a jump.
  const auto past_limit = [&] { return jumps == 0 ? WireError::kTruncated : WireError::kBadPointer; };
  for (;;) {
    if (pos >= limit) return past_limit();
    const std::uint8_t octet = wire[pos];
    if (octet == 0) {
      visit(pos, std::size_t{1}, jumps > 0);
      if constexpr (kCopy) {
        out[length] = 0;
        *out_length = length + 1;
      }
      if (jumps == 0) after = pos + 1;
      break;
    }
    if (octet <= kMaxLabelLength) {
      if (pos + 1 + octet > limit) return past_limit();
      if (length + 1 + octet + 1 > kMaxNameLength) return WireError::kNameTooLong;
      visit(pos, octet + std::size_t{1}, jumps > 0);
      if constexpr (kCopy) {
        // Most labels are short: a fixed 16-octet copy is a couple of vector moves, where a
        // variable memcpy is a library call. Octets past the label are overwritten later or
        // lie beyond the name's length.
        if (octet < 16 && pos + 16 <= size && length + 16 <= kMaxNameLength) {
          std::memcpy(out + length, wire + pos, 16);
        } else {
          std::memcpy(out + length, wire + pos, octet + 1u);
        }
      }
      length += octet + 1u;
      pos += octet + 1u;
      continue;
    }
    if ((octet & 0xC0) != 0xC0) return WireError::kBadLabelType;  // 0x40 / 0x80
    if (pos + 1 >= limit) return past_limit();
    visit(pos, std::size_t{2}, jumps > 0);
    const std::size_t target = static_cast<std::size_t>(octet & 0x3F) << 8 | wire[pos + 1];
    if (target >= pos || target < kFirstPointerTarget) return WireError::kBadPointer;
    if (++jumps > kMaxCompressionPointers) return WireError::kPointerLoop;
    if (jumps == 1) after = pos + 2;
    limit = pos;
    pos = target;
  }
  if (end != nullptr) *end = after;
  return WireError::kOk;
}

}  // namespace dnsd::wire::detail

namespace dnsd::wire {

// Walks the name at `offset` as Name::Parse does (same errors) and calls
// `visit(begin, length, through_pointer)` for each run of octets it is read from: every label with
// its length octet, every pointer, the root octet; `through_pointer` once a pointer was followed.
// For checks that octets a name depends on stay put (the cache's TTL patching, round_robin's
// moves). `*end` (optional) as Name::Parse's.
template <class Visit>
inline WireError VisitNameOctets(std::span<const std::uint8_t> message, std::size_t offset,
                                 Visit visit, std::size_t* end = nullptr) {
  return detail::WalkName<false>(message, offset, nullptr, nullptr, end, visit);
}

}  // namespace dnsd::wire
