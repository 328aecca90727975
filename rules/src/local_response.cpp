// Local answers (LocalRule): the whole response is made here, nothing goes upstream.
#include <variant>

#include "dnsd/wire/message.hpp"
#include "dnsd/wire/name.hpp"
#include "rewriter_soa.hpp"
#include "rewriter_writer.hpp"
#include "rules/rewriter.hpp"

namespace dnsd::rules {

std::size_t BuildLocalResponse(std::span<const Rule> rules, const Outcome& outcome,
                               std::span<const std::uint8_t> client_query, std::span<std::uint8_t> out) {
  if (outcome.status != Outcome::Status::kLocal || outcome.applied_count == 0 ||
      outcome.applied_count > kMaxAppliedRules) {
    return 0;
  }
  const std::uint32_t index = outcome.applied[outcome.applied_count - 1];
  if (index >= rules.size()) return 0;
  const Rule& rule = rules[index];
  const auto* local = std::get_if<LocalRule>(&rule.body);
  if (local == nullptr || local->rcode > 0xF) return 0;
  wire::MessageView view;
  if (wire::ParseMessage(client_query, view) != wire::WireError::kOk) return 0;

  // The zone apex asked for its SOA (or ANY) with a NOERROR rule: the SOA is the answer, not a
  // negative answer's authority.
  const SoaParams* soa = rule.soa.get();
  bool soa_answers = false;
  if (soa != nullptr && local->rcode == 0 &&
      (view.qtype == wire::type::kSOA || view.qtype == wire::type::kANY)) {
    wire::Name zone;
    if (wire::Name::FromString(soa->zone, zone) != wire::WireError::kOk) return 0;
    soa_answers = view.qname == zone;
  }

  detail::MessageWriter w(out);
  constexpr std::uint16_t kQr = 0x8000, kAa = 0x0400, kRd = 0x0100, kRa = 0x0080;
  w.U16(view.header.id);
  w.U16(static_cast<std::uint16_t>(kQr | kAa | kRa | (view.header.flags & kRd) | local->rcode));
  w.U16(1);
  w.U16(soa_answers ? 1 : 0);
  w.U16(soa != nullptr && !soa_answers ? 1 : 0);
  w.U16(view.edns ? 1 : 0);
  const auto qname = view.qname.Wire();  // as the client sent it: its letter case is kept
  w.SetCompressionTarget(w.size(), qname);
  w.Bytes(qname);
  w.U16(view.qtype);
  w.U16(view.qclass);
  if (soa != nullptr && !detail::PutSoa(w, *soa, soa->ttl, soa->minimum)) return 0;
  if (view.edns) {  // RFC 6891: only to a client that sent one; DO echoed (RFC 3225)
    constexpr std::uint16_t kUdpSize = 1232;  // the DNS flag day 2020 size
    w.U8(0);
    w.U16(wire::type::kOPT);
    w.U16(kUdpSize);
    w.U32(view.edns->dnssec_ok ? 0x8000u : 0u);
    w.U16(0);
  }
  return w.ok() ? w.size() : 0;
}

}  // namespace dnsd::rules
