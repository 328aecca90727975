#include "dnsd/plugins/log/classify.hpp"

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/record_cursor.hpp"

namespace dnsd::plugins::log {

ResponseClass ClassifyResponse(std::span<const std::uint8_t> response) {
  wire::MessageView head;
  if (wire::ParseHead(response, head) != wire::WireError::kOk) return ResponseClass::kError;
  const wire::Opcode opcode = head.header.opcode();
  if (opcode == wire::Opcode::kUpdate || opcode == wire::Opcode::kNotify) return ResponseClass::kOther;
  if (head.qtype == wire::type::kAXFR || head.qtype == wire::type::kIXFR) return ResponseClass::kOther;
  const unsigned rcode = head.header.rcode();
  if (rcode == 0 && head.header.ancount > 0) return ResponseClass::kSuccess;
  // An answer section dnsd cannot walk is an error; the authority is read as far as it goes.
  wire::RecordCursor records(response, head);
  bool soa = false;
  while (records.Next() && records.section() != wire::Section::kAdditional) {
    soa |= records.section() == wire::Section::kAuthority && records.record().type == wire::type::kSOA;
  }
  if (records.error() != wire::WireError::kOk && records.section() == wire::Section::kAnswer) {
    return ResponseClass::kError;
  }
  if (soa && (rcode == 0 || rcode == 3)) return ResponseClass::kDenial;
  if (rcode == 2 || rcode == 4) return ResponseClass::kError;
  if (rcode == 0) return ResponseClass::kSuccess;  // delegation (ns > 0) or plain NOERROR
  return ResponseClass::kError;
}

}  // namespace dnsd::plugins::log
