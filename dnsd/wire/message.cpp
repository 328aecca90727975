#include "dnsd/wire/message.hpp"

#include <algorithm>

#include "dnsd/wire/name_walk.hpp"

namespace dnsd::wire {
namespace {

std::uint16_t Read16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

void Write16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

constexpr std::size_t kRecordFixedSize = 10;  // TYPE, CLASS, TTL, RDLENGTH

}  // namespace

Header Header::Decode(const std::uint8_t* p) {
  Header h;
  h.id = Read16(p);
  h.flags = Read16(p + 2);
  h.qdcount = Read16(p + 4);
  h.ancount = Read16(p + 6);
  h.nscount = Read16(p + 8);
  h.arcount = Read16(p + 10);
  return h;
}

void Header::Encode(std::uint8_t* p) const {
  Write16(p, id);
  Write16(p + 2, flags);
  Write16(p + 4, qdcount);
  Write16(p + 6, ancount);
  Write16(p + 8, nscount);
  Write16(p + 10, arcount);
}

std::uint16_t MessageView::MaxUdpPayload() const {
  if (!edns) return kClassicUdpSize;
  return std::max(kClassicUdpSize, edns->udp_size);
}

WireError ParseHead(std::span<const std::uint8_t> message, MessageView& out) {
  if (message.size() < kHeaderSize) return WireError::kTruncated;
  out.header = Header::Decode(message.data());
  out.edns.reset();
  if (out.header.qdcount != 1) return WireError::kBadQuestionCount;
  out.question_offset = kHeaderSize;
  std::size_t pos = 0;
  if (auto error = Name::Parse(message, kHeaderSize, out.qname, &pos); error != WireError::kOk) {
    return error;
  }
  if (pos + 4 > message.size()) return WireError::kTruncated;
  out.qtype = Read16(message.data() + pos);
  out.qclass = Read16(message.data() + pos + 2);
  out.question_end = pos + 4;
  return WireError::kOk;
}

WireError SkipRecord(std::span<const std::uint8_t> message, std::size_t offset, std::size_t* end,
                     std::uint16_t* rr_type) {
  std::size_t pos = 0;
  if (auto error = detail::WalkName<false>(message, offset, nullptr, nullptr, &pos);
      error != WireError::kOk) {
    return error;
  }
  if (pos + kRecordFixedSize > message.size()) return WireError::kTruncated;
  const std::uint8_t* fixed = message.data() + pos;
  const std::size_t rdata_end = pos + kRecordFixedSize + Read16(fixed + 8);
  if (rdata_end > message.size()) return WireError::kTruncated;
  if (rr_type != nullptr) *rr_type = Read16(fixed);
  *end = rdata_end;
  return WireError::kOk;
}

// Octets after the last counted record are ignored, as miekg/dns (CoreDNS's parser: "extra bytes"
// are only a TODO comment in Msg.Unpack) and ldns_wire2pkt do; rejecting them would turn away
// queries CoreDNS answers. A record cut short by the end of the message is kTruncated.
WireError ParseMessage(std::span<const std::uint8_t> message, MessageView& out) {
  if (auto error = ParseHead(message, out); error != WireError::kOk) return error;
  std::size_t pos = out.question_end;
  const std::size_t skipped = std::size_t{out.header.ancount} + out.header.nscount;
  for (std::size_t i = 0; i < skipped; ++i) {
    if (auto error = SkipRecord(message, pos, &pos); error != WireError::kOk) return error;
  }
  for (std::size_t i = 0; i < out.header.arcount; ++i) {
    const std::size_t record = pos;
    std::uint16_t rr_type = 0;
    if (auto error = SkipRecord(message, record, &pos, &rr_type); error != WireError::kOk) {
      return error;
    }
    if (rr_type != type::kOPT) continue;
    // RFC 6891 6.1.1: one OPT, owner "." — required uncompressed here (a pointer to a root octet
    // is legal but never seen) so the record can be copied verbatim into a truncated reply.
    if (out.edns || message[record] != 0) {
      out.edns.reset();
      return WireError::kBadEdns;
    }
    const std::uint8_t* fixed = message.data() + record + 1;
    Edns edns;
    edns.udp_size = Read16(fixed + 2);
    edns.extended_rcode = fixed[4];
    edns.version = fixed[5];
    edns.dnssec_ok = (fixed[6] & 0x80) != 0;
    edns.record_offset = record;
    edns.rdata_offset = record + 1 + kRecordFixedSize;
    edns.rdata_length = Read16(fixed + 8);
    out.edns = edns;
  }
  return WireError::kOk;
}

}  // namespace dnsd::wire
