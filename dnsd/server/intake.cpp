#include "dnsd/server/intake.hpp"

namespace dnsd::server {

Intake ExamineQuery(std::span<const std::uint8_t> packet, wire::MessageView& view) {
  if (packet.size() < wire::kHeaderSize) return {IntakeVerdict::kDrop};
  const wire::Header header = wire::Header::Decode(packet.data());
  if (header.qr()) return {IntakeVerdict::kDrop};
  if (header.opcode() != wire::Opcode::kQuery) {
    return {IntakeVerdict::kReject, wire::Rcode::kNotImp};
  }
  // miekg/dns rejects these shapes before unpacking: one question, at most one answer (NOTIFY),
  // one authority (IXFR) and two additional records (OPT + TSIG).
  if (header.qdcount != 1 || header.ancount > 1 || header.nscount > 1 || header.arcount > 2) {
    return {IntakeVerdict::kReject, wire::Rcode::kFormErr};
  }
  if (wire::ParseMessage(packet, view) != wire::WireError::kOk) {
    return {IntakeVerdict::kReject, wire::Rcode::kFormErr};
  }
  return {IntakeVerdict::kServe};
}

}  // namespace dnsd::server
