// Names are parsed by hand rather than with ldns because ldns allocates per name and per packet
// (ldns_wire2pkt mallocs every rr and every rdf); on the hot path a query name is decoded into an
// inline buffer with one bounds-checked pass. bench/wire_bench.cpp measures both.
#include "dnsd/wire/name.hpp"

#include <cstring>

#include "dnsd/wire/name_walk.hpp"

namespace dnsd::wire {
namespace {

constexpr std::uint8_t LowerAscii(std::uint8_t c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + ('a' - 'A')) : c;
}

// Octets ldns (1.8.x, ldns_rdf2buffer_str_dname) prints with a backslash; other printable ASCII
// (0x21..0x7e) is literal, everything else (space included) is \DDD.
constexpr bool NeedsBackslash(std::uint8_t c) {
  return c == '.' || c == ';' || c == '(' || c == ')' || c == '\\';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Presentation form to uncompressed wire form in `buf` (kMaxNameLength octets).
WireError EncodeText(std::string_view text, std::uint8_t* buf, std::size_t* length) {
  if (text.empty()) return WireError::kBadText;
  if (text == ".") {
    buf[0] = 0;
    *length = 1;
    return WireError::kOk;
  }
  std::size_t label_start = 0;  // where the current label's length octet goes
  std::size_t pos = 1;          // next data octet
  std::size_t label_length = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '.') {
      if (label_length == 0) return WireError::kBadText;  // "a..b", ".a"
      buf[label_start] = static_cast<std::uint8_t>(label_length);
      label_start = pos;
      pos = label_start + 1;
      label_length = 0;
      continue;
    }
    std::uint8_t octet = static_cast<std::uint8_t>(c);
    if (c == '\\') {
      if (i + 1 >= text.size()) return WireError::kBadText;
      if (IsDigit(text[i + 1])) {
        if (i + 3 >= text.size()) return WireError::kBadText;  // \DDD needs three digits
        if (!IsDigit(text[i + 2]) || !IsDigit(text[i + 3])) return WireError::kBadText;
        const int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (value > 255) return WireError::kBadText;
        octet = static_cast<std::uint8_t>(value);
        i += 3;
      } else {
        octet = static_cast<std::uint8_t>(text[i + 1]);
        i += 1;
      }
    }
    if (label_length == kMaxLabelLength) return WireError::kLabelTooLong;
    if (pos + 1 >= kMaxNameLength) return WireError::kNameTooLong;  // keep room for the root
    buf[pos++] = octet;
    ++label_length;
  }
  if (label_length > 0) {
    buf[label_start] = static_cast<std::uint8_t>(label_length);
    buf[pos] = 0;
    *length = pos + 1;
  } else {  // trailing dot: the reserved length octet becomes the root label
    buf[label_start] = 0;
    *length = label_start + 1;
  }
  return WireError::kOk;
}

}  // namespace

Name::Name() : length_(1) { bytes_[0] = 0; }

WireError Name::Parse(std::span<const std::uint8_t> message, std::size_t offset, Name& out,
                      std::size_t* end) {
  std::size_t length = 0;
  const WireError error = detail::WalkName<true>(message, offset, out.bytes_.data(), &length, end);
  // On failure the octets are partly overwritten: leave a well-formed name (the root) behind.
  out.length_ = static_cast<std::uint8_t>(error == WireError::kOk ? length : 1);
  if (error != WireError::kOk) out.bytes_[0] = 0;
  return error;
}

WireError Name::FromString(std::string_view text, Name& out) {
  std::size_t length = 1;
  const WireError error = EncodeText(text, out.bytes_.data(), &length);
  out.length_ = static_cast<std::uint8_t>(error == WireError::kOk ? length : 1);
  if (error != WireError::kOk) out.bytes_[0] = 0;
  return error;
}

std::size_t Name::LabelCount() const {
  std::size_t count = 0;
  for (std::size_t pos = 0; bytes_[pos] != 0; pos += bytes_[pos] + 1u) ++count;
  return count;
}

std::string Name::ToString() const {
  std::string text;
  text.reserve(length_ + 8);
  AppendTo(text);
  return text;
}

void Name::AppendTo(std::string& text) const {
  if (IsRoot()) {
    text.push_back('.');
    return;
  }
  for (std::size_t pos = 0; bytes_[pos] != 0;) {
    const std::size_t label_end = pos + 1 + bytes_[pos];
    for (std::size_t i = pos + 1; i < label_end; ++i) {
      const std::uint8_t c = bytes_[i];
      if (NeedsBackslash(c)) {
        text.push_back('\\');
        text.push_back(static_cast<char>(c));
      } else if (c > 0x20 && c < 0x7f) {
        text.push_back(static_cast<char>(c));
      } else {
        const char escaped[4] = {'\\', static_cast<char>('0' + c / 100),
                                 static_cast<char>('0' + c / 10 % 10),
                                 static_cast<char>('0' + c % 10)};
        text.append(escaped, 4);
      }
    }
    text.push_back('.');
    pos = label_end;
  }
}

void Name::ToLower() {
  // Length octets are <= 63, below 'A', so lower-casing the whole wire form is safe.
  for (std::size_t i = 0; i < length_; ++i) bytes_[i] = LowerAscii(bytes_[i]);
}

bool Name::IsSubdomainOf(const Name& zone) const {
  if (zone.length_ > length_) return false;
  const std::size_t suffix_start = length_ - zone.length_;
  std::size_t pos = 0;
  while (pos < suffix_start) pos += bytes_[pos] + 1u;
  if (pos != suffix_start) return false;  // the suffix does not start on a label boundary
  return WireNamesEqual(std::span(bytes_.data() + pos, zone.length_), zone.Wire());
}

bool operator==(const Name& a, const Name& b) { return WireNamesEqual(a.Wire(), b.Wire()); }

bool Name::IdenticalTo(const Name& other) const {
  return length_ == other.length_ && std::memcmp(bytes_.data(), other.bytes_.data(), length_) == 0;
}

bool WireNamesEqual(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && LowerAscii(a[i]) != LowerAscii(b[i])) return false;
  }
  return true;
}

}  // namespace dnsd::wire
