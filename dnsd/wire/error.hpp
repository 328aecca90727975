// Errors of wire parsing: values, never exceptions, so the hot path stays branch-cheap and no-throw.
#pragma once

#include <cstdint>
#include <string_view>

namespace dnsd::wire {

enum class WireError : std::uint8_t {
  kOk = 0,
  kTruncated,        // the packet ends inside a field
  kLabelTooLong,     // a label over 63 octets
  kNameTooLong,      // a name over 255 octets
  kBadPointer,       // compression pointer at or beyond the packet end / pointing forward into itself
  kPointerLoop,      // too many compression pointers followed
  kBadLabelType,     // 0x40/0x80 label types (RFC 6891 obsoletes them)
  kBadQuestionCount, // QDCOUNT is not 1
  kNotQuery,         // QR bit set where a query was expected
  kBadEdns,          // malformed or duplicated OPT record
  kBadText,          // presentation-form name that cannot be encoded
  kNoSpace,          // output buffer too small
};

std::string_view ToString(WireError error);

}  // namespace dnsd::wire
