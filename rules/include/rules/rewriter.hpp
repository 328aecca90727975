// Applying an Outcome to real messages: the query that goes upstream, and the way back — the
// response reverted to what the client asked (question with the client's letter case; owner names
// and RDATA targets mapped back per the response options; TTL and rcode rules). A response that
// cannot be reverted safely is reported, so the caller answers SERVFAIL rather than a wrong answer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "rules/question.hpp"
#include "rules/rule_set.hpp"

namespace dnsd::rules {

// Values for edns0 placeholders ({client_ip}, {server_port}, {protocol}, ...), given by the caller.
struct RequestContext {
  std::string_view client_ip;
  std::uint16_t client_port = 0;
  std::string_view server_ip;
  std::uint16_t server_port = 0;
  std::string_view protocol;  // "udp" or "tcp"
};

// Writes the upstream query for `query` (a client query, wire) after `outcome`: the question
// replaced by outcome.question (lower case wire; the client's question lower-cased when the
// outcome has none), EDNS0 options per applied edns0 rules in application order (an OPT of 4096
// octets is added when the query had none, as CoreDNS does), everything else copied with names
// decompressed. Returns the length written to `out`, or 0 when it does not fit, the query is
// malformed or the outcome is kBadName/kTooManyRules. Never allocates.
// The core works on the rules themselves (`RuleSet::rules()`), so it can be used and tested
// without a compiled RuleSet; the RuleSet overload is a thin inline wrapper.
std::size_t BuildUpstreamQuery(std::span<const Rule> rules, const Outcome& outcome,
                               std::span<const std::uint8_t> query, const RequestContext& context,
                               std::span<std::uint8_t> out);
inline std::size_t BuildUpstreamQuery(const RuleSet& rules, const Outcome& outcome,
                                      std::span<const std::uint8_t> query,
                                      const RequestContext& context, std::span<std::uint8_t> out) {
  return BuildUpstreamQuery(rules.rules(), outcome, query, context, out);
}

// The local answer of an outcome whose status is kLocal (its last applied rule is a LocalRule),
// written into `out`: the client's ID, RD copied, QR+AA+RA set, the rule's RCODE, the question as
// the client sent it (letter case kept) and the rule's SOA (Rule::soa, when set): in the answer
// section for a NOERROR rule asked for the zone apex's SOA (or ANY), else in the authority section
// (NXDOMAIN / NODATA); an OPT (UDP 1232, DO copied) iff the client sent one. Returns the length, or
// 0 when the outcome is not kLocal, the query is malformed or `out` is too small (the caller
// answers SERVFAIL). Never allocates.
std::size_t BuildLocalResponse(std::span<const Rule> rules, const Outcome& outcome,
                               std::span<const std::uint8_t> client_query, std::span<std::uint8_t> out);

// Everything needed to revert one response; lives in the in-flight query (fixed size, no heap).
class Reverter {
 public:
  // `client_query` is the query as the client sent it (its question keeps the client's case).
  // `rules` must outlive the Reverter (the RuleSet is kept alive by the in-flight query).
  Reverter(std::span<const Rule> rules, const Outcome& outcome,
           std::span<const std::uint8_t> client_query);
  Reverter(const RuleSet& rules, const Outcome& outcome, std::span<const std::uint8_t> client_query)
      : Reverter(rules.rules(), outcome, client_query) {}

  // Writes the client-facing response for `upstream_response` into `out`: the client's ID and
  // question (case, type, class), the upstream's flags and records with names mapped back, TTLs
  // and RCODE per the ttl/rcode rules, the OPT minus what edns0 `revert` rules added (and no OPT
  // at all for a client that sent none). Names are compressed only towards the question. Returns
  // the length, or 0 when the response cannot be reverted safely (malformed, QDCOUNT not 1, a
  // mapped name over 255 octets, `out` too small, ...): the caller answers SERVFAIL. `out` should
  // hold 65535 octets. A negative answer (NXDOMAIN, or NOERROR without answers) to a question the
  // last applied name rule with a Rule::soa rewrote gets that SOA in place of the upstream's first
  // SOA in the authority section (TTL and MINIMUM the lesser of both; without an upstream SOA,
  // the rule's, added at the end of the authority section). Does not check that the upstream's question is the one asked (the
  // forwarder does). Never allocates, except that the first use of an `answer name/value` regex
  // on a thread compiles it (and a `continue` chain through regex rules is replayed).
  std::size_t Revert(std::span<const std::uint8_t> upstream_response, std::span<std::uint8_t> out) const;

 private:
  std::span<const Rule> rules_;
  Outcome outcome_;  // applied rule indices and the rewritten question
  std::array<std::uint8_t, 255> client_qname_{};  // wire, client's case
  std::uint8_t client_qname_length_ = 0;  // 0: the client query was unusable, Revert fails
  std::uint16_t client_id_ = 0;
  std::uint16_t client_qtype_ = 0, client_qclass_ = 0;
  bool client_had_edns_ = false;
};

}  // namespace dnsd::rules
