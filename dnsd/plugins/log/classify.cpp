#include "dnsd/plugins/log/classify.hpp"

#include "dnsd/wire/message.hpp"

namespace dnsd::plugins::log {

ResponseClass ClassifyResponse(std::span<const std::uint8_t> response) {
  wire::MessageView head;
  if (wire::ParseHead(response, head) != wire::WireError::kOk) return ResponseClass::kError;
  const wire::Opcode opcode = head.header.opcode();
  if (opcode == wire::Opcode::kUpdate || opcode == wire::Opcode::kNotify) return ResponseClass::kOther;
  if (head.qtype == wire::type::kAXFR || head.qtype == wire::type::kIXFR) return ResponseClass::kOther;
  const unsigned rcode = head.header.rcode();
  if (rcode == 0 && head.header.ancount > 0) return ResponseClass::kSuccess;
  std::size_t at = head.question_end;
  for (unsigned i = 0; i < head.header.ancount; ++i) {
    if (wire::SkipRecord(response, at, &at) != wire::WireError::kOk) return ResponseClass::kError;
  }
  bool soa = false;
  for (unsigned i = 0; i < head.header.nscount; ++i) {
    std::uint16_t type = 0;
    if (wire::SkipRecord(response, at, &at, &type) != wire::WireError::kOk) break;
    soa |= type == wire::type::kSOA;
  }
  if (soa && (rcode == 0 || rcode == 3)) return ResponseClass::kDenial;
  if (rcode == 2 || rcode == 4) return ResponseClass::kError;
  if (rcode == 0) return ResponseClass::kSuccess;  // delegation (ns > 0) or plain NOERROR
  return ResponseClass::kError;
}

}  // namespace dnsd::plugins::log
