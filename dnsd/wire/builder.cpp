#include "dnsd/wire/builder.hpp"

#include <cstring>

namespace dnsd::wire {
namespace {

constexpr std::uint16_t kQr = 0x8000, kTc = 0x0200, kRd = 0x0100, kCd = 0x0010;
constexpr std::uint16_t kOpcodeMask = 0x7800;
}  // namespace

void WriteOpt(std::uint8_t* p, bool dnssec_ok) {
  const std::uint8_t opt[kOptSize] = {0,
                                      0,
                                      static_cast<std::uint8_t>(type::kOPT),
                                      static_cast<std::uint8_t>(kOurUdpPayload >> 8),
                                      static_cast<std::uint8_t>(kOurUdpPayload & 0xFF),
                                      0,  // extended rcode
                                      0,  // version
                                      static_cast<std::uint8_t>(dnssec_ok ? 0x80 : 0),
                                      0,
                                      0,
                                      0};
  std::memcpy(p, opt, kOptSize);
}

// Mirrors miekg/dns Msg.SetRcode -> SetReply: ID, opcode, RD and CD copied, QR set, AA/TC/RA/AD
// clear. The question is copied verbatim from the query bytes (the client's case): the parser
// only accepts pointers whose names lie entirely before them, so even a (rare) compressed
// question at offset 12 refers only to octets inside itself and stays valid at the same offset.
std::size_t BuildErrorResponse(std::span<const std::uint8_t> query, const MessageView& view,
                               Rcode rcode, std::span<std::uint8_t> out) {
  if (view.question_end > query.size() || view.question_end < view.question_offset) return 0;
  const std::size_t question_length = view.question_end - view.question_offset;
  const bool has_edns = view.edns.has_value();
  const std::size_t total = kHeaderSize + question_length + (has_edns ? kOptSize : 0);
  if (out.size() < total) return 0;

  Header header;
  header.id = view.header.id;
  header.flags = static_cast<std::uint16_t>(kQr | (view.header.flags & (kOpcodeMask | kRd | kCd)) |
                                            (static_cast<std::uint16_t>(rcode) & 0xF));
  header.qdcount = 1;
  header.arcount = has_edns ? 1 : 0;
  header.Encode(out.data());
  std::memcpy(out.data() + kHeaderSize, query.data() + view.question_offset, question_length);
  if (has_edns) WriteOpt(out.data() + kHeaderSize + question_length, view.edns->dnssec_ok);
  return total;
}

std::size_t BuildHeaderOnlyResponse(std::span<const std::uint8_t> query, Rcode rcode,
                                    std::span<std::uint8_t> out) {
  if (out.size() < kHeaderSize || query.size() < 2) return 0;
  const std::uint16_t query_flags =
      static_cast<std::uint16_t>((query.size() > 2 ? query[2] << 8 : 0) | (query.size() > 3 ? query[3] : 0));
  Header header;
  header.id = ReadId(query);
  header.flags = static_cast<std::uint16_t>(kQr | (query_flags & (kOpcodeMask | kRd)) |
                                            (static_cast<std::uint16_t>(rcode) & 0xF));
  header.Encode(out.data());
  return kHeaderSize;
}

std::size_t BuildTruncated(std::span<const std::uint8_t> response, std::span<std::uint8_t> out) {
  MessageView view;
  if (ParseMessage(response, view) != WireError::kOk) return 0;
  const std::size_t question_length = view.question_end - view.question_offset;
  const std::size_t opt_length = view.edns ? view.edns->rdata_offset + view.edns->rdata_length -
                                                 view.edns->record_offset
                                           : 0;
  const std::size_t total = kHeaderSize + question_length + opt_length;
  if (out.size() < total) return 0;

  Header header = view.header;
  header.flags |= kTc;
  header.qdcount = 1;
  header.ancount = 0;
  header.nscount = 0;
  header.arcount = view.edns ? 1 : 0;
  header.Encode(out.data());
  std::memcpy(out.data() + kHeaderSize, response.data() + view.question_offset, question_length);
  if (view.edns) {
    std::memcpy(out.data() + kHeaderSize + question_length,
                response.data() + view.edns->record_offset, opt_length);
  }
  return total;
}

}  // namespace dnsd::wire
