// DNS names in uncompressed wire form, held inline (no heap), with the original letter case kept.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "dnsd/wire/error.hpp"

namespace dnsd::wire {

inline constexpr std::size_t kMaxNameLength = 255;   // RFC 1035 2.3.4, wire octets incl. root label
inline constexpr std::size_t kMaxLabelLength = 63;
inline constexpr int kMaxCompressionPointers = 127;  // more jumps than a 255-octet name can need: a loop

// A fully qualified name in uncompressed wire form: length-prefixed labels ending in the root label.
// Comparison ignores ASCII case (RFC 4343); the stored octets keep the case as received.
class Name {
 public:
  Name();  // the root name "."

  // Reads a possibly compressed name starting at `offset` in `message`. On success `*end` is the
  // offset just past the name's encoding at `offset` (not past any pointer target).
  // Errors: kTruncated, kLabelTooLong, kNameTooLong, kBadPointer, kPointerLoop, kBadLabelType.
  // A pointer must point strictly before the octet it is read from, not into the 12-octet
  // header, and the labels it leads to must end before it (kBadPointer; see name_walk.hpp).
  // On the wire a length octet of 64..191 is a 0x40/0x80 label type (kBadLabelType);
  // kLabelTooLong only comes from FromString.
  static WireError Parse(std::span<const std::uint8_t> message, std::size_t offset, Name& out,
                         std::size_t* end);

  // Parses presentation form ("www.Example.org", "www.example.org.", "." ; "\\." and "\\DDD" escapes).
  static WireError FromString(std::string_view text, Name& out);

  std::span<const std::uint8_t> Wire() const { return {bytes_.data(), length_}; }
  std::size_t WireLength() const { return length_; }
  std::size_t LabelCount() const;  // not counting the root label
  bool IsRoot() const { return length_ == 1; }

  // Presentation form with a trailing dot, escaping as RFC 4343 / ldns do.
  std::string ToString() const;
  // The same, appended to `text` (no allocation when it has room).
  void AppendTo(std::string& text) const;
  // Lower-cases the stored octets in place.
  void ToLower();

  // True when this name equals `zone` or is below it (case-insensitive).
  bool IsSubdomainOf(const Name& zone) const;

  friend bool operator==(const Name& a, const Name& b);  // case-insensitive
  // Exact octet equality, case included.
  bool IdenticalTo(const Name& other) const;

 private:
  std::array<std::uint8_t, kMaxNameLength> bytes_;
  std::uint8_t length_;
};

// Case-insensitive compare of two uncompressed wire names.
bool WireNamesEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace dnsd::wire
