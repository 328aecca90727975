// Label values and bucket bounds CoreDNS's plugins share (plugin.TimeBuckets, the `server` and
// `zones` labels, rcode names), for every plugin's metrics.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dnsd::metrics {

// CoreDNS plugin.TimeBuckets: ExponentialBuckets(0.00025, 2, 16), 0.25 ms .. 8.192 s.
inline constexpr std::array<double, 16> kTimeBuckets = {
    0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032,
    0.064,   0.128,  0.256, 0.512, 1.024, 2.048, 4.096, 8.192};
// CoreDNS plugin.SizeBuckets (octets).
inline constexpr std::array<double, 14> kSizeBuckets = {0,    100,   200,   300,   400,   511,   1023,
                                                        2047, 4095,  8291,  16000, 32000, 48000, 64000};

inline constexpr std::size_t kRcodeSlots = 16;  // header RCODE, 4 bits

std::string RcodeLabel(std::size_t rcode);  // "NOERROR", ..., unknown ones as their number
// CoreDNS's `server` label of a query that arrived on `port`: "dns://:53" (dnsd has no bind plugin).
std::string ServerLabel(std::uint16_t port);
// CoreDNS's `zones` label of plugin metrics (cache): the plugin's zones joined with ",".
std::string ZonesLabel(const std::vector<std::string>& zones);

}  // namespace dnsd::metrics
