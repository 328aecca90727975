// The record types dnsd knows: each type's mnemonic and where domain names sit in its RDATA. The
// one table behind the cache's and load balancer's pointer checks, the rewriter's name mapping,
// and the type names the log and template plugins print and parse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dnsd/wire/error.hpp"

namespace dnsd::wire {

// Where a type's RDATA holds domain names: `prefix` fixed octets, then `strings`
// <character-string>s, then `count` names back to back, then exactly `tail` fixed octets.
struct RdataNames {
  std::uint8_t prefix = 0;
  std::uint8_t strings = 0;     // NAPTR's FLAGS, SERVICES and REGEXP
  std::uint8_t count = 0;       // 0: the RDATA holds no names (or none dnsd looks at)
  std::uint8_t tail = 0;        // SOA's five 32-bit counters
  bool compressible = false;    // an RFC 1035 type: its names may be compressed (RFC 3597 4)
};
inline constexpr std::size_t kMaxRdataNames = 2;  // SOA, MINFO, RP, PX

struct RrType {
  std::uint16_t code;
  std::string_view mnemonic;
  RdataNames names;
};

// Every known type, ascending by code: miekg/dns's Type.String list (what CoreDNS prints).
std::span<const RrType> RrTypes();

// "A", "AAAA", ...; empty for a type not in the table (callers print "TYPE<n>" then).
std::string_view TypeMnemonic(std::uint16_t code);
// The code of an exact (upper-case) mnemonic, 0 when unknown.
std::uint16_t TypeFromMnemonic(std::string_view mnemonic);

// The names in type `code`'s RDATA; count 0 for types without names. Constant time.
const RdataNames& RdataNamesOf(std::uint16_t code);

// Where the names start and end in one record's RDATA [rdata, rdata_end) of `message`.
struct RdataNameOffsets {
  std::uint8_t count = 0;
  std::size_t names_begin = 0;         // past the prefix and strings: the first name
  std::size_t name[kMaxRdataNames]{};  // each name's offset
  std::size_t names_end = 0;           // past the last name's encoding (the tail starts here)
};

// Past the prefix and strings of `layout` in [rdata, rdata_end): the first name's offset in
// `*names_begin`. kTruncated when they do not fit in the RDATA.
WireError SkipRdataPrefix(std::span<const std::uint8_t> message, std::size_t rdata,
                          std::size_t rdata_end, const RdataNames& layout, std::size_t* names_begin);

// Locates the `layout.count` names, each checked as Name::Parse checks names and required to end
// inside the RDATA (kTruncated otherwise). The tail is not checked: callers that copy it compare
// rdata_end - names_end with layout.tail.
WireError FindRdataNames(std::span<const std::uint8_t> message, std::size_t rdata,
                         std::size_t rdata_end, const RdataNames& layout, RdataNameOffsets& out);

}  // namespace dnsd::wire
