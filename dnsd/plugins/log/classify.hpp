// CoreDNS's response.Typify + Classify, as the `log` plugin's `class` filter uses them.
#pragma once

#include <cstdint>
#include <span>

namespace dnsd::plugins::log {

enum class ResponseClass : std::uint8_t { kSuccess = 1, kDenial = 2, kError = 4, kOther = 8 };
inline constexpr std::uint8_t kAllClasses = 0xFF;

// success: NOERROR with answers, referral, or plain NOERROR; denial: NXDOMAIN or NODATA with an
// SOA; error: SERVFAIL, NOTIMP and any other failure; other: NOTIFY, UPDATE, AXFR/IXFR (only `all`).
ResponseClass ClassifyResponse(std::span<const std::uint8_t> response);

}  // namespace dnsd::plugins::log
