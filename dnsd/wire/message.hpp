// A zero-copy view of a DNS message head: header, the single question and the EDNS0 OPT record.
// Parsing never allocates; the view refers to the caller's buffer for everything but the question name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "dnsd/wire/error.hpp"
#include "dnsd/wire/name.hpp"
#include "dnsd/wire/octets.hpp"

namespace dnsd::wire {

inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint16_t kClassicUdpSize = 512;

enum class Rcode : std::uint8_t {
  kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4, kRefused = 5,
};
enum class Opcode : std::uint8_t { kQuery = 0, kIQuery = 1, kStatus = 2, kNotify = 4, kUpdate = 5 };

namespace type {
inline constexpr std::uint16_t kA = 1, kNS = 2, kCNAME = 5, kSOA = 6, kPTR = 12, kMX = 15, kTXT = 16,
                               kSIG = 24, kAAAA = 28, kSRV = 33, kNAPTR = 35, kDNAME = 39, kOPT = 41,
                               kTSIG = 250, kAXFR = 252, kIXFR = 251, kANY = 255;
}
namespace klass {
inline constexpr std::uint16_t kIN = 1, kCH = 3, kANY = 255;
}

// The record sections after the question, in message order (the values index the header's counts).
enum class Section : std::uint8_t { kAnswer = 0, kAuthority = 1, kAdditional = 2 };

// The 12-octet header, decoded. Flag accessors read `flags`.
struct Header {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;

  bool qr() const { return flags & 0x8000; }
  Opcode opcode() const { return static_cast<Opcode>((flags >> 11) & 0xF); }
  bool aa() const { return flags & 0x0400; }
  bool tc() const { return flags & 0x0200; }
  bool rd() const { return flags & 0x0100; }
  bool ra() const { return flags & 0x0080; }
  bool ad() const { return flags & 0x0020; }
  bool cd() const { return flags & 0x0010; }
  std::uint8_t rcode() const { return flags & 0xF; }

  static Header Decode(const std::uint8_t* p);  // p must have kHeaderSize octets
  void Encode(std::uint8_t* p) const;
};

struct Edns {
  std::uint16_t udp_size = 0;      // the requestor's payload size as sent (not clamped)
  std::uint8_t extended_rcode = 0;
  std::uint8_t version = 0;
  bool dnssec_ok = false;          // DO bit
  std::size_t record_offset = 0;   // offset of the OPT RR (its owner name octet)
  std::size_t rdata_offset = 0;    // offset of the OPT RDATA (options)
  std::uint16_t rdata_length = 0;
};

// Header + question (+ EDNS when parsed with `ParseMessage`). Valid only while the buffer lives.
struct MessageView {
  Header header;
  Name qname;
  std::uint16_t qtype = 0;
  std::uint16_t qclass = 0;
  std::size_t question_offset = kHeaderSize;  // where the question's name starts
  std::size_t question_end = 0;               // just past QCLASS
  std::optional<Edns> edns;

  // Client's UDP payload limit: 512 without EDNS, else max(512, udp_size).
  std::uint16_t MaxUdpPayload() const;
};

// Parses header and question only (QDCOUNT must be 1). Enough to match a reply to a query.
WireError ParseHead(std::span<const std::uint8_t> message, MessageView& out);

// Parses header, question, skips answer/authority and finds the OPT record in the additional
// section (at most one; it must have the root name). Used for incoming queries.
WireError ParseMessage(std::span<const std::uint8_t> message, MessageView& out);

// Skips one resource record starting at `offset`; `*end` receives the offset after it.
// `*rr_type` (optional) receives its TYPE.
WireError SkipRecord(std::span<const std::uint8_t> message, std::size_t offset, std::size_t* end,
                     std::uint16_t* rr_type = nullptr);

// ID of a message with at least 2 octets.
inline std::uint16_t ReadId(std::span<const std::uint8_t> m) { return Read16(m.data()); }
inline void WriteId(std::span<std::uint8_t> m, std::uint16_t id) { Write16(m.data(), id); }

}  // namespace dnsd::wire
