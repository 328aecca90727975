// cache plugin options: what a `cache` directive says, with CoreDNS 1.11's defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace dnsd::plugins::cache {

using Seconds = std::chrono::seconds;

inline constexpr std::size_t kShards = 256;
inline constexpr std::uint32_t kDefaultCapacity = 9984;  // CoreDNS: 10000 rounded down to 256 * 39
inline constexpr std::uint32_t kMinShardCapacity = 4;    // CoreDNS: at least 1024 entries in all

// One kind of cached answer: `success` (NOERROR, delegations) or `denial` (NXDOMAIN, NODATA and
// SERVFAIL when `servfail` is on).
struct KindOptions {
  std::uint32_t capacity = kDefaultCapacity;  // as written; see PerShard()
  Seconds max_ttl;
  Seconds min_ttl{5};
  std::vector<std::string> disabled_zones;  // `disable KIND ZONES...`: not cached below these

  // CoreDNS's shard capacity: CAPACITY / 256 rounded down, at least 4.
  std::uint32_t PerShard() const {
    std::uint32_t per = capacity / kShards;
    return per < kMinShardCapacity ? kMinShardCapacity : per;
  }
  std::uint64_t Bound() const { return std::uint64_t{PerShard()} * kShards; }
};

enum class StaleMode : std::uint8_t { kImmediate, kVerify };

struct Options {
  std::vector<std::string> zones;  // normalised ("example.org."); the server block's by default
  KindOptions success{kDefaultCapacity, Seconds(3600), Seconds(5), {}};
  KindOptions denial{kDefaultCapacity, Seconds(1800), Seconds(5), {}};
  // prefetch AMOUNT [DURATION] [PERCENTAGE%]; amount 0: off.
  std::uint32_t prefetch_amount = 0;
  std::chrono::nanoseconds prefetch_window = std::chrono::minutes(1);
  std::uint32_t prefetch_percentage = 10;
  // serve_stale [DURATION] [immediate|verify]; zero: off.
  std::chrono::nanoseconds stale_for{0};
  StaleMode stale_mode = StaleMode::kImmediate;
  std::chrono::nanoseconds servfail_ttl = std::chrono::seconds(5);  // 0: SERVFAIL is not cached
  bool keep_ttl = false;
};

inline constexpr std::chrono::minutes kMaxServfailTtl{5};

}  // namespace dnsd::plugins::cache
