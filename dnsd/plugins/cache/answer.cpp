#include "dnsd/plugins/cache/answer.hpp"

#include <algorithm>
#include <cstring>

#include "dnsd/wire/name_walk.hpp"
#include "dnsd/wire/octets.hpp"
#include "dnsd/wire/record_cursor.hpp"
#include "dnsd/wire/rr_types.hpp"

namespace dnsd::plugins::cache {
namespace {

using wire::Read16;
using wire::Write16;

constexpr std::uint32_t kMinimalDefaultTtl = 5;  // CoreDNS dnsutil.MinimalDefaultTTL

// Whether the name at `offset` reads no octet of the TTL fields at `ttls` (ascending offsets of
// the records before it). A hit rewrites every TTL, so a compression pointer into one (legal on the
// wire, never made by a real encoder) would turn into another name, or into garbage.
bool NameAvoidsTtls(std::span<const std::uint8_t> m, std::size_t offset, std::span<const std::uint16_t> ttls) {
  bool avoids = true;
  const auto check = [&](std::size_t begin, std::size_t length, bool) {
    // The first TTL field ending after `begin` must start at or after this run's end.
    const auto ttl = std::upper_bound(ttls.begin(), ttls.end(), begin,
                                       [](std::size_t at, std::uint16_t t) { return at < t + 4u; });
    if (ttl != ttls.end() && *ttl < begin + length) avoids = false;
  };
  return wire::VisitNameOctets(m, offset, check) == wire::WireError::kOk && avoids;
}

// Whether the names in a record's RDATA read no TTL field (the record's own included). RDATA
// whose names cannot be located is never stored: its pointers cannot be checked.
bool RdataAvoidsTtls(std::span<const std::uint8_t> m, const wire::Record& record,
                     std::span<const std::uint16_t> ttls) {
  const wire::RdataNames& layout = wire::RdataNamesOf(record.type);
  if (layout.count == 0) return true;
  wire::RdataNameOffsets names;
  if (wire::FindRdataNames(m, record.rdata_offset(), record.end(), layout, names) != wire::WireError::kOk) {
    return false;
  }
  for (std::uint8_t n = 0; n < names.count; ++n) {
    if (!NameAvoidsTtls(m, names.name[n], ttls)) return false;
  }
  return true;
}

}  // namespace

Analysis Analyse(std::span<const std::uint8_t> response, const wire::MessageView& query,
                 std::span<std::uint16_t> ttl_offsets) {
  Analysis out;
  wire::MessageView head;
  if (response.size() > 65535 || wire::ParseHead(response, head) != wire::WireError::kOk) return out;
  const wire::Header& h = head.header;
  if (!h.qr() || h.opcode() != wire::Opcode::kQuery || h.tc()) return out;
  if (head.qtype != query.qtype || head.qclass != query.qclass || !(head.qname == query.qname) ||
      head.qname.WireLength() != query.qname.WireLength() || head.question_offset != wire::kHeaderSize) {
    out.mismatched = true;
    return out;
  }
  // A hit overwrites the stored question with the client's name: stored uncompressed, it is
  // exactly the name's wire length long, so nothing after it moves.
  if (head.question_end != wire::kHeaderSize + head.qname.WireLength() + 4) return out;
  std::uint32_t minimal = 0xFFFFFFFF;
  std::uint32_t soa_minimum = 0xFFFFFFFF;
  bool soa = false;
  std::size_t ns = 0, records = 0, opt_start = 0, opt_end = 0;
  std::uint8_t extended_rcode = 0;
  // The cursor checks owner names as the parser does (pointers, lengths): a record dnsd cannot
  // parse is passed through, never stored and replayed.
  wire::RecordCursor cursor(response, head);
  while (cursor.Next()) {
    const wire::Record& record = cursor.record();
    const bool authority = record.section == wire::Section::kAuthority;
    if (record.type == wire::type::kTSIG) return out;  // signed per transaction: never replayed
    if (record.type == wire::type::kOPT) {
      if (record.section != wire::Section::kAdditional || opt_end != 0) return out;
      opt_start = record.offset;
      opt_end = record.end();
      extended_rcode = static_cast<std::uint8_t>(record.ttl >> 24);
      continue;
    }
    if (opt_end != 0) return out;  // OPT must be last for the stored form to drop it
    if (out.ttl_count >= ttl_offsets.size()) return out;
    if (!NameAvoidsTtls(response, record.offset, ttl_offsets.first(out.ttl_count))) return out;
    ttl_offsets[out.ttl_count++] = static_cast<std::uint16_t>(record.ttl_offset());
    if (!RdataAvoidsTtls(response, record, ttl_offsets.first(out.ttl_count))) return out;
    minimal = std::min(minimal, record.ttl);
    ++records;
    if (authority && record.type == wire::type::kSOA && record.rdata_length >= 22) {
      soa = true;
      soa_minimum = std::min(soa_minimum, wire::Read32(response, record.end() - 4));
    }
    if (authority && record.type == wire::type::kNS) ++ns;
  }
  if (cursor.error() != wire::WireError::kOk) return out;
  const std::uint8_t rcode = h.rcode();
  if (extended_rcode != 0) out.type = AnswerType::kOther;
  else if (h.ancount > 0 && rcode == 0) out.type = AnswerType::kNoError;
  else if (soa && rcode == 0) out.type = AnswerType::kNoData;
  else if (soa && rcode == 3) out.type = AnswerType::kNameError;
  else if (rcode == 2) out.type = AnswerType::kServerError;
  else if (ns > 0 && rcode == 0) out.type = AnswerType::kDelegation;
  else if (rcode == 0) out.type = AnswerType::kNoError;
  else out.type = AnswerType::kOther;

  const bool ttl_from_records = out.type == AnswerType::kNoError || out.type == AnswerType::kNameError ||
                                out.type == AnswerType::kNoData;
  if (!ttl_from_records || records == 0) {
    out.minimal_ttl = kMinimalDefaultTtl;
  } else {
    out.minimal_ttl = minimal;
    // RFC 2308 5: a negative answer lives min(SOA TTL, SOA MINIMUM); the TTL is already in `minimal`.
    if (out.type != AnswerType::kNoError) out.minimal_ttl = std::min(minimal, soa_minimum);
  }
  out.has_opt = opt_end != 0;
  out.stored_length = out.has_opt ? opt_start : cursor.offset();
  out.cacheable = out.type != AnswerType::kOther;
  return out;
}

std::size_t BuildStoredForm(std::span<const std::uint8_t> response, const Analysis& analysis,
                            std::span<std::uint8_t> out) {
  const std::size_t length = analysis.stored_length;
  if (out.size() < length) return 0;
  std::memcpy(out.data(), response.data(), length);
  if (analysis.has_opt) Write16(&out[10], static_cast<std::uint16_t>(Read16(&out[10]) - 1));
  return length;
}

std::size_t PatchReply(std::span<std::uint8_t> buffer, std::size_t length, const ReplyPatch& patch) {
  std::uint8_t* m = buffer.data();
  const wire::MessageView& client = *patch.client_view;
  wire::WriteId(buffer, client.header.id);
  std::uint16_t flags = Read16(m + 2);
  constexpr std::uint16_t kAa = 0x0400, kTc = 0x0200, kRd = 0x0100, kAd = 0x0020, kCd = 0x0010;
  flags &= static_cast<std::uint16_t>(~(kTc | kRd | kCd));
  flags |= client.header.flags & (kRd | kCd);
  if (patch.from_cache) flags |= kAa;
  const bool dnssec_ok = client.edns && client.edns->dnssec_ok;
  if (!dnssec_ok && !client.header.ad()) flags &= static_cast<std::uint16_t>(~kAd);
  Write16(m + 2, flags);
  // Same name, same length: only the letter case can differ. From the parsed name (the client's
  // case, uncompressed), not the query's octets: a compressed question is shorter or longer.
  std::memcpy(m + wire::kHeaderSize, client.qname.Wire().data(), client.qname.WireLength());
  if (!patch.keep_ttl) {
    std::uint8_t ttl[4];
    wire::Write32(ttl, patch.ttl);
    for (std::uint16_t offset : patch.ttl_offsets) std::memcpy(m + offset, ttl, 4);
  }
  if (client.edns) {
    std::uint8_t* opt = m + length;
    opt[0] = 0;
    Write16(opt + 1, wire::type::kOPT);
    Write16(opt + 3, 1232);  // wire::kOurUdpPayload, as in dnsd's other built responses
    opt[5] = 0;              // extended RCODE
    opt[6] = 0;              // version
    Write16(opt + 7, dnssec_ok ? 0x8000 : 0);
    Write16(opt + 9, 0);
    Write16(m + 10, static_cast<std::uint16_t>(Read16(m + 10) + 1));
    length += kBareOptSize;
  }
  return length;
}

}  // namespace dnsd::plugins::cache
