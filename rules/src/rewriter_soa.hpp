// Internal: the synthesized SOA record of a legacy zone (Rule::soa), written by the local answers
// and by the reverter in place of the upstream's SOA of a negative answer.
#pragma once

#include <cstdint>

#include "rewriter_writer.hpp"
#include "rules/ast.hpp"

namespace dnsd::rules::detail {

// Writes `soa` as a SOA record (owner the zone; names compressed towards the question, as RFC 1035
// allows for SOA) with this TTL and MINIMUM. False when a name of `soa` is not a domain name (the
// writer is failed too, so the message is not used).
bool PutSoa(MessageWriter& w, const SoaParams& soa, std::uint32_t ttl, std::uint32_t minimum);

}  // namespace dnsd::rules::detail
