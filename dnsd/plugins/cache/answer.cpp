#include "dnsd/plugins/cache/answer.hpp"

#include <algorithm>
#include <cstring>

namespace dnsd::plugins::cache {
namespace {

constexpr std::uint16_t kTsig = 250;
constexpr std::uint32_t kMinimalDefaultTtl = 5;  // CoreDNS dnsutil.MinimalDefaultTTL

std::uint16_t Read16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t Read32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
void Write16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

// Offset just past the owner name at `offset` (a pointer ends it), or 0 when malformed.
std::size_t SkipName(std::span<const std::uint8_t> m, std::size_t offset) {
  while (offset < m.size()) {
    std::uint8_t len = m[offset];
    if (len == 0) return offset + 1;
    if ((len & 0xC0) == 0xC0) return offset + 2 <= m.size() ? offset + 2 : 0;
    if (len & 0xC0) return 0;
    offset += 1 + len;
  }
  return 0;
}

// Whether the name at `offset` reads no octet of the TTL fields at `ttls` (ascending offsets of
// the records before it). A hit rewrites every TTL, so a compression pointer into one (legal on the
// wire, never made by a real encoder) would turn into another name, or into garbage.
bool NameAvoidsTtls(std::span<const std::uint8_t> m, std::size_t offset, std::span<const std::uint16_t> ttls) {
  for (int jumps = 0; jumps <= wire::kMaxCompressionPointers && offset < m.size();) {
    const std::uint8_t len = m[offset];
    const bool pointer = (len & 0xC0) == 0xC0;
    const std::size_t span = pointer ? 2 : 1u + (len & 0x3F);
    // The first TTL field ending after `offset` must start at or after this label's end.
    const auto ttl = std::upper_bound(ttls.begin(), ttls.end(), offset,
                                       [](std::size_t at, std::uint16_t t) { return at < t + 4u; });
    if (ttl != ttls.end() && *ttl < offset + span) return false;
    if (len == 0) return true;
    if (pointer) {
      if (offset + 1 >= m.size()) return false;
      offset = static_cast<std::size_t>(len & 0x3F) << 8 | m[offset + 1];
      ++jumps;
    } else {
      offset += span;
    }
  }
  return false;
}

// Where the names in RDATA start for the common types that carry names (NS, CNAME, PTR, DNAME,
// MX, SRV, SOA's two): at most two offsets to `names`; returns how many.
int RdataNames(std::span<const std::uint8_t> m, std::uint16_t type, std::size_t rdata, std::size_t (&names)[2]) {
  switch (type) {
    case wire::type::kNS: case wire::type::kCNAME: case wire::type::kPTR: case 39:  // DNAME
      names[0] = rdata;
      return 1;
    case wire::type::kMX:
      names[0] = rdata + 2;
      return 1;
    case wire::type::kSRV:
      names[0] = rdata + 6;
      return 1;
    case wire::type::kSOA:
      names[0] = rdata;
      names[1] = SkipName(m, rdata);
      return names[1] == 0 ? 1 : 2;
    default:
      return 0;
  }
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
  const std::size_t counts[3] = {h.ancount, h.nscount, h.arcount};
  std::uint32_t minimal = 0xFFFFFFFF;
  std::uint32_t soa_minimum = 0xFFFFFFFF;
  bool soa = false;
  std::size_t ns = 0, records = 0, opt_start = 0, opt_end = 0;
  std::uint8_t extended_rcode = 0;
  std::size_t offset = head.question_end;
  for (int section = 0; section < 3; ++section) {
    for (std::size_t i = 0; i < counts[section]; ++i) {
      // SkipRecord checks the owner name as the parser does (pointers, lengths): a record dnsd
      // cannot parse is passed through, never stored and replayed. SkipName then finds its end.
      std::size_t checked_end = 0;
      if (wire::SkipRecord(response, offset, &checked_end) != wire::WireError::kOk) return out;
      std::size_t p = SkipName(response, offset);
      if (p == 0 || p + 10 > response.size()) return out;
      const std::uint16_t type = Read16(&response[p]);
      const std::size_t end = p + 10 + Read16(&response[p + 8]);
      if (end > response.size()) return out;
      if (type == kTsig) return out;  // signed per transaction: never replayed
      if (type == wire::type::kOPT) {
        if (section != 2 || opt_end != 0) return out;
        opt_start = offset;
        opt_end = end;
        extended_rcode = response[p + 4];
      } else {
        if (opt_end != 0) return out;  // OPT must be last for the stored form to drop it
        if (out.ttl_count >= ttl_offsets.size()) return out;
        if (!NameAvoidsTtls(response, offset, ttl_offsets.first(out.ttl_count))) return out;
        ttl_offsets[out.ttl_count++] = static_cast<std::uint16_t>(p + 4);
        std::size_t names[2];
        const int name_count = RdataNames(response, type, p + 10, names);
        for (int n = 0; n < name_count; ++n) {
          if (!NameAvoidsTtls(response, names[n], ttl_offsets.first(out.ttl_count))) return out;
        }
        minimal = std::min(minimal, Read32(&response[p + 4]));
        ++records;
        if (section == 1 && type == wire::type::kSOA && end - (p + 10) >= 22) {
          soa = true;
          soa_minimum = std::min(soa_minimum, Read32(&response[end - 4]));
        }
        if (section == 1 && type == wire::type::kNS) ++ns;
      }
      offset = end;
    }
  }
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
  out.stored_length = out.has_opt ? opt_start : offset;
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
    const std::uint8_t ttl[4] = {static_cast<std::uint8_t>(patch.ttl >> 24),
                                 static_cast<std::uint8_t>(patch.ttl >> 16),
                                 static_cast<std::uint8_t>(patch.ttl >> 8),
                                 static_cast<std::uint8_t>(patch.ttl)};
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
