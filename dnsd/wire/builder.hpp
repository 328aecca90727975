// Building responses without a full message model: errors, truncated answers, header-only replies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "dnsd/wire/message.hpp"

namespace dnsd::wire {

// Our advertised EDNS payload size in error/truncated responses (DNS flag day 2020).
inline constexpr std::uint16_t kOurUdpPayload = 1232;
inline constexpr std::size_t kOptSize = 11;  // our OPT: root owner, TYPE, CLASS, TTL, RDLENGTH=0

// Our OPT record for answers dnsd makes itself (payload kOurUdpPayload, no options, DO as given).
void WriteOpt(std::uint8_t* p, bool dnssec_ok);

// Response to a parsed query with the given rcode: same ID, opcode, RD and CD, QR set, the question
// copied, and an OPT record (no options, DO echoed) when the query had EDNS. Returns the length
// written to `out`, or 0 when `out` is too small (needs at most kHeaderSize + 4 + 255 + 11 octets).
std::size_t BuildErrorResponse(std::span<const std::uint8_t> query, const MessageView& view,
                               Rcode rcode, std::span<std::uint8_t> out);

// Header-only response for a query whose question could not be parsed (e.g. FORMERR): copies ID,
// opcode and RD from the first octets of `query` (which must hold at least 2 octets; missing
// flags octets count as zero), no question. Returns kHeaderSize.
std::size_t BuildHeaderOnlyResponse(std::span<const std::uint8_t> query, Rcode rcode,
                                    std::span<std::uint8_t> out);

// A response too large for the client's UDP limit becomes header + question (+ OPT when the
// response had one) with TC set and all record counts but QDCOUNT/ARCOUNT zeroed (RFC 2181 9,
// RFC 6891 7). `response` is the full answer; writes into `out`, returns the length or 0 on error.
std::size_t BuildTruncated(std::span<const std::uint8_t> response, std::span<std::uint8_t> out);

}  // namespace dnsd::wire
