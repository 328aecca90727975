// What the cache needs to know about a response (CoreDNS's classification, its minimal TTL, where
// its TTL fields are) and the patching of a stored answer into the reply one client gets.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "dnsd/wire/message.hpp"

namespace dnsd::plugins::cache {

// CoreDNS's response.Typify classes that matter here.
enum class AnswerType : std::uint8_t {
  kNoError,     // answers, or an empty NOERROR without SOA or NS
  kDelegation,  // NOERROR, no answer, NS records in authority
  kNoData,      // NOERROR, no answer, SOA in authority
  kNameError,   // NXDOMAIN with SOA in authority
  kServerError, // SERVFAIL
  kOther,       // anything else: never cached
};

enum class Kind : std::uint8_t { kSuccess = 0, kDenial = 1 };

// Largest number of records a 64 KiB message can hold (11 octets each at least).
inline constexpr std::size_t kMaxRecords = 65535 / 11 + 1;
// An OPT record without options: root name, TYPE, CLASS, TTL, RDLENGTH.
inline constexpr std::size_t kBareOptSize = 11;

struct Analysis {
  AnswerType type = AnswerType::kOther;
  bool cacheable = false;         // false: pass through untouched (TC, wrong question, TSIG, ...)
  bool mismatched = false;        // not a reply to the query's question (coredns_cache_drops_total)
  std::uint32_t minimal_ttl = 0;  // seconds: CoreDNS's MinimalTTL with RFC 2308's SOA MINIMUM
  std::size_t stored_length = 0;  // the message without its OPT record (the stored form's length)
  bool has_opt = false;
  std::uint16_t ttl_count = 0;    // offsets of the TTL fields of every record but OPT
};

// Examines `response` to the query `query`. TTL field offsets go to `ttl_offsets` (sized
// kMaxRecords by the caller; never grown).
Analysis Analyse(std::span<const std::uint8_t> response, const wire::MessageView& query,
                 std::span<std::uint16_t> ttl_offsets);

// Writes the stored form of an analysed response into `out` (at least stored_length octets):
// the message without its OPT record (hop-by-hop), ARCOUNT adjusted. Returns the length.
std::size_t BuildStoredForm(std::span<const std::uint8_t> response, const Analysis& analysis,
                            std::span<std::uint8_t> out);

// How a stored answer becomes the reply to one client.
struct ReplyPatch {
  std::span<const std::uint8_t> client_query;  // the query as received (the view is what is read)
  const wire::MessageView* client_view = nullptr;
  std::span<const std::uint16_t> ttl_offsets;
  std::uint32_t ttl = 0;      // written to every record (not OPT) unless keep_ttl
  bool keep_ttl = false;
  bool from_cache = false;    // a hit: AA set, as CoreDNS does
};

// Patches the `length` octets of a stored answer at the start of `buffer` in place: ID, RD and CD
// to the client's, AD cleared unless the client asked for DNSSEC or AD, the question name's letter
// case to the client's, TTLs, and an OPT record (DO echoed) appended when the client sent EDNS.
// `buffer` must have length + kBareOptSize octets. Returns the reply's length. Never allocates.
std::size_t PatchReply(std::span<std::uint8_t> buffer, std::size_t length, const ReplyPatch& patch);

}  // namespace dnsd::plugins::cache
