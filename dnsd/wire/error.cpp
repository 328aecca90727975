#include "dnsd/wire/error.hpp"

namespace dnsd::wire {

std::string_view ToString(WireError error) {
  switch (error) {
    case WireError::kOk: return "ok";
    case WireError::kTruncated: return "message truncated";
    case WireError::kLabelTooLong: return "label longer than 63 octets";
    case WireError::kNameTooLong: return "name longer than 255 octets";
    case WireError::kBadPointer: return "bad compression pointer";
    case WireError::kPointerLoop: return "compression pointer loop";
    case WireError::kBadLabelType: return "unsupported label type";
    case WireError::kBadQuestionCount: return "question count is not 1";
    case WireError::kNotQuery: return "not a query";
    case WireError::kBadEdns: return "malformed or duplicate OPT record";
    case WireError::kBadText: return "name cannot be encoded";
    case WireError::kNoSpace: return "output buffer too small";
  }
  return "unknown wire error";
}

}  // namespace dnsd::wire
