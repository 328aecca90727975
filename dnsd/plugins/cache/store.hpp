// The answer cache shared by all workers: 256 CacheShards chosen by key hash, each with its own
// mutex, an open-addressing index (linear probing, backward-shift deletion) and a hard capacity
// per kind (success, denial). Entries are one allocation each: TTL offsets, key, message.
// Critical sections are a lookup plus a memcpy; nothing on the hit path allocates.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "dnsd/plugins/cache/answer.hpp"
#include "dnsd/plugins/cache/key.hpp"
#include "dnsd/plugins/cache/options.hpp"

namespace dnsd::plugins::cache {

// What the store decides on a hit besides the bytes (policy from Options).
struct StorePolicy {
  std::uint32_t per_shard[2] = {kDefaultCapacity / kShards, kDefaultCapacity / kShards};
  std::int64_t stale_nanos = 0;         // serve_stale window; 0: expired entries are misses
  bool stale_refresh = true;            // serve_stale immediate: a stale hit starts a refresh
  std::uint32_t prefetch_amount = 0;    // 0: no prefetch
  std::int64_t prefetch_window_nanos = 60'000'000'000;
  std::uint32_t prefetch_percentage = 10;
  std::int64_t refresh_timeout_nanos = 10'000'000'000;  // a refresh older than this is forgotten

  static StorePolicy From(const Options& options);
};

enum class LookupStatus : std::uint8_t { kMiss, kFresh, kStale };

struct LookupResult {
  LookupStatus status = LookupStatus::kMiss;
  Kind kind = Kind::kSuccess;
  std::int64_t remaining = 0;       // seconds; <= 0 when stale
  std::size_t length = 0;           // message octets copied
  std::size_t ttl_count = 0;        // TTL offsets copied
  bool start_refresh = false;       // the caller must send a refresh (prefetch / stale) now
};

enum class LookupMode : std::uint8_t {
  kServe,          // a client query: counts hits, may ask for a prefetch or a stale refresh
  kStaleFallback,  // serve_stale verify after a failed refresh: stale allowed, nothing counted
};

struct InsertRequest {
  const CacheKey* key = nullptr;
  Kind kind = Kind::kSuccess;
  std::span<const std::uint8_t> message;
  std::span<const std::uint16_t> ttl_offsets;
  std::uint32_t ttl = 0;  // seconds, > 0
  std::int64_t now = 0;
};

struct StoreCounters {
  std::uint64_t entries[2] = {0, 0};
  std::uint64_t evictions[2] = {0, 0};
  std::uint64_t bytes = 0;  // entry allocations plus index slots
};

class CacheStore {
 public:
  explicit CacheStore(const StorePolicy& policy);
  ~CacheStore();
  CacheStore(const CacheStore&) = delete;
  CacheStore& operator=(const CacheStore&) = delete;

  // Copies the entry's message into `message_out` (65535 octets suffice) and its TTL offsets into
  // `offsets_out` (kMaxRecords) when found and usable at `now`.
  LookupResult Lookup(const CacheKey& key, std::int64_t now, LookupMode mode,
                      std::span<std::uint8_t> message_out, std::span<std::uint16_t> offsets_out);
  // Stores (or replaces) the entry for `request.key`, evicting within the shard when its kind is full.
  // Returns true when an entry was evicted to make room (coredns_cache_evictions_total).
  bool Insert(const InsertRequest& request);
  // A refresh ended without a storable answer: allow the next one.
  void EndRefresh(const CacheKey& key);

  StoreCounters Counters() const;
  const StorePolicy& policy() const { return policy_; }

 private:
  struct Entry;
  struct Slot {
    std::uint64_t hash = 0;
    Entry* entry = nullptr;
  };
  struct alignas(64) Shard {
    mutable std::mutex mutex;
    std::vector<Slot> slots;                  // power-of-two size, load <= 2/3
    std::size_t mask = 0;
    std::array<std::vector<Entry*>, 2> kinds; // per kind, for counting and random eviction
    std::uint64_t rng = 0;
    std::uint64_t evictions[2] = {0, 0};
    std::uint64_t entry_bytes = 0;
  };

  static Shard& ShardOf(std::vector<Shard>& shards, std::uint64_t hash) { return shards[hash & (kShards - 1)]; }
  std::size_t Find(Shard& shard, const CacheKey& key) const;  // slot index or SIZE_MAX
  void Erase(Shard& shard, std::size_t slot);
  void EvictOne(Shard& shard, Kind kind);

  StorePolicy policy_;
  std::vector<Shard> shards_;
};

}  // namespace dnsd::plugins::cache
